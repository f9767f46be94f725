package contrib_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// placeholderSecret is the client secret of the presets that the tests
// build with placeholder credentials; the callbacks that [observe] makes
// are signed with it for a provider that signs them.
const placeholderSecret = "placeholder-secret"

// call is one request that a blueprint sent to its provider.
type call struct {
	Method string
	URL    *url.URL
	Header http.Header
	Form   url.Values // the body, read as a form
	Body   string     // the body as it was
}

// Endpoint is the URL called, without its query.
func (c *call) Endpoint() string {
	if c == nil {
		return ""
	}
	u := *c.URL
	u.RawQuery = ""
	return u.String()
}

// ClientAuth says how a token request carried the client credentials, as
// [dancetest.Request.ClientAuth] does: "basic", "params" or "".
func (c *call) ClientAuth() string {
	switch {
	case strings.HasPrefix(c.Header.Get("Authorization"), "Basic "):
		return "basic"
	case c.Form.Get("client_id") != "":
		return "params"
	}
	return ""
}

// recorder is an HTTP transport that records every request. With fake
// set, it sends each one to the fake, whose address stands in for the
// provider's, keeping the Host header and the path (so that a fake over
// TLS checks OAuth 1 signatures made for the provider's URL); without, it
// answers as a provider would, so that no request leaves the process: a
// token to a token request, a request token or an access token to OAuth
// 1's calls, and "{}" to the rest.
type recorder struct {
	fake *httptest.Server

	mu    sync.Mutex
	calls []*call
}

func (rec *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	c := &call{Method: req.Method, URL: req.URL, Header: req.Header.Clone(), Body: string(body)}
	c.Form = formOf(req.Header.Get("Content-Type"), body)
	rec.mu.Lock()
	rec.calls = append(rec.calls, c)
	rec.mu.Unlock()
	if rec.fake != nil {
		fake, _ := url.Parse(rec.fake.URL)
		r := req.Clone(req.Context())
		r.URL.Scheme, r.URL.Host, r.Host = fake.Scheme, fake.Host, req.URL.Host
		r.Body = io.NopCloser(bytes.NewReader(body))
		return rec.fake.Client().Transport.RoundTrip(r)
	}
	answer := func(contentType, body string) (*http.Response, error) {
		return &http.Response{
			StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {contentType}},
			Body: io.NopCloser(strings.NewReader(body)), Request: req,
		}, nil
	}
	oauth1 := req.Header.Get("Authorization")
	switch {
	case c.Form.Has("grant_type"):
		return answer("application/json", `{"access_token":"observed-access","token_type":"bearer","expires_in":3600,"refresh_token":"observed-refresh"}`)
	case strings.Contains(oauth1, "oauth_verifier="):
		return answer("application/x-www-form-urlencoded", "oauth_token=observed-token&oauth_token_secret=observed-secret")
	case strings.Contains(oauth1, "oauth_callback="):
		return answer("application/x-www-form-urlencoded", "oauth_token=observed-request-token&oauth_token_secret=observed-request-secret&oauth_callback_confirmed=true")
	}
	return answer("application/json", "{}")
}

// formOf reads a request body as a form: a JSON object's string fields
// for a JSON body (Notion's token requests), else the urlencoded form.
func formOf(contentType string, body []byte) url.Values {
	if strings.HasPrefix(contentType, "application/json") {
		var obj map[string]any
		form := url.Values{}
		if json.Unmarshal(body, &obj) == nil {
			for k, v := range obj {
				if s, ok := v.(string); ok {
					form.Set(k, s)
				}
			}
		}
		return form
	}
	form, _ := url.ParseQuery(string(body))
	return form
}

// start forgets the calls recorded so far.
func (rec *recorder) start() {
	rec.mu.Lock()
	rec.calls = nil
	rec.mu.Unlock()
}

// all returns the calls since start.
func (rec *recorder) all() []*call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]*call(nil), rec.calls...)
}

// first is the first call since start, or nil.
func (rec *recorder) first() *call {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.calls) == 0 {
		return nil
	}
	return rec.calls[0]
}

// observed is what a blueprint did when an app drove it; see [observe].
type observed struct {
	Name   string
	OAuth1 bool
	// RequestToken is OAuth 1's request-token call, made by the login.
	RequestToken *call
	// Login is where the login route redirected: the authorization URL.
	Login *url.URL
	// Token is the callback's token request.
	Token *call
	// Refresh is the refresh of an expired token (OAuth 2), nil when the
	// blueprint did not refresh it.
	Refresh *call
	// API is an API call to the base URL itself (a reference of only a
	// query), so that its URL without the query is the base URL.
	API *call
	// Profile is the first call of Client.Profile, nil when it made none.
	Profile *call
	// Revoke is the first call of Client.Revoke, nil when it made none.
	Revoke *call
}

// AuthURL is the authorization endpoint, without the query and the
// fragment (WeChat's #wechat_redirect).
func (o observed) AuthURL() string {
	u := *o.Login
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// Scopes are the scopes the login asked for.
func (o observed) Scopes() []string { return strings.Fields(o.Login.Query().Get("scope")) }

// BaseURL is the URL that the client resolves references against.
func (o observed) BaseURL() string {
	if o.API == nil {
		return "" // no BaseURL: the provider has no API
	}
	return o.API.Endpoint()
}

// observe builds a blueprint with build, given Options with a recording
// transport as HTTPClient and a memory storage, and drives it as an app
// does: a login, its callback, an expired token with a refresh token, an
// API call, a profile and a revocation. The transport answers as a
// provider would; see [observeAt] to send the calls to a fake instead.
func observe(t *testing.T, build func(dance.Options) (*dance.Blueprint, error)) observed {
	t.Helper()
	return observeAt(t, nil, build)
}

// observeAt is [observe] with every call sent to the fake provider fake
// (when not nil) in the provider's stead.
func observeAt(t *testing.T, fake *httptest.Server, build func(dance.Options) (*dance.Blueprint, error)) observed {
	t.Helper()
	rec := &recorder{fake: fake}
	mem := storage.NewMemory(nil)
	bp, err := build(dance.Options{
		HTTPClient: &http.Client{Transport: rec}, Storage: mem,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	o := observed{Name: bp.Name()}
	var step func(*dance.Client)
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r.Group("/login"))
	r.GET("/call", bp.Middleware(), func(c *gin.Context) { step(c.MustGet(bp.Name()).(*dance.Client)) })
	get := func(target string, cookies []*http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}
	run := func(f func(*dance.Client)) *call {
		rec.start()
		step = f
		get("/call", nil)
		return rec.first()
	}

	rec.start()
	login := "/login/" + bp.Name()
	w := get(login, nil)
	o.RequestToken = rec.first()
	o.OAuth1 = o.RequestToken != nil // only OAuth 1 calls the provider first
	o.Login, err = url.Parse(w.Header().Get("Location"))
	if w.Code != http.StatusFound || err != nil || !o.Login.IsAbs() {
		t.Fatalf("login answered %d to %q, want a redirect to the provider", w.Code, w.Header().Get("Location"))
	}
	q := o.Login.Query()
	cb := url.Values{"code": {"observed-code"}, "state": {q.Get("state")}}
	if o.OAuth1 {
		cb = url.Values{"oauth_token": {q.Get("oauth_token")}, "oauth_verifier": {"observed-verifier"}}
	} else if d := presets.ByName(o.Name); d != nil && d.SignCallback != nil {
		d.SignCallback(cb, placeholderSecret) // as the provider signs it (Shopify)
	}
	rec.start()
	get(login+"/authorized?"+cb.Encode(), w.Result().Cookies())
	o.Token = rec.first()

	if !o.OAuth1 {
		_ = mem.Set(nil, bp.Name(), &dance.Token{AccessToken: "expired", TokenType: "bearer",
			RefreshToken: "observed-refresh", ExpiresAt: time.Now().Add(-time.Hour)})
		// The grant type is in the form, or in the query of a provider
		// that refreshes with a GET (WeChat).
		if c := run(func(cl *dance.Client) { _, _ = cl.Token() }); c != nil && (c.Form.Get("grant_type") == "refresh_token" || c.URL.Query().Get("grant_type") == "refresh_token") {
			o.Refresh = c
		}
	}
	tok := &dance.Token{AccessToken: "observed-access", TokenType: "bearer"}
	if o.OAuth1 {
		tok = &dance.Token{OAuthToken: "observed-token", OAuthTokenSecret: "observed-secret"}
	}
	_ = mem.Set(nil, bp.Name(), tok)
	noAPI := false
	o.API = run(func(cl *dance.Client) {
		req, err := cl.NewRequest(http.MethodGet, "?observe", nil)
		if err != nil {
			noAPI = strings.Contains(err.Error(), "no BaseURL") // a provider without an API has none
			if !noAPI {
				t.Errorf("API request: %v", err)
			}
			return
		}
		if resp, err := cl.Do(req); err == nil {
			resp.Body.Close()
		}
	})
	if o.API == nil && !noAPI {
		t.Fatal("an API call sent no request")
	}
	o.Profile = run(func(cl *dance.Client) { _, _ = cl.Profile() })
	o.Revoke = run(func(cl *dance.Client) { _ = cl.Revoke() })
	return o
}
