package contrib_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-gonic/gin"
)

// presetCase is one preset with one combination of options, checked end to
// end: login redirect, token request, API call, profile.
type presetCase struct {
	name  string // subtest name
	bp    string // blueprint name, and env-var prefix
	build func(o dance.Options) (*dance.Blueprint, error)

	authURL string            // authorize endpoint, without query
	scope   string            // the scope parameter; "" means absent
	extra   map[string]string // every non-standard query parameter, exactly

	tokenURL   string // token endpoint the exchange must reach
	authStyle  string // "basic" or "params" (dancetest.Request.ClientAuth)
	refreshURL string // "" means the token endpoint

	apiURL     string            // the API call made after login (the identity endpoint for profiles)
	apiMethod  string            // its method; default GET
	fixture    string            // testdata file the fake answers apiURL with
	authScheme string            // Authorization scheme the API call uses; default Bearer
	headers    map[string]string // headers every API call must carry
	apiQuery   map[string]string // query parameters the API call must carry
	profile    *dance.Profile    // the mapped profile (Raw not compared); nil: no mapping
	// more are extra API endpoints (fake path → testdata file), for
	// second calls.
	more map[string]string
	// fake adjusts the fake provider, for example its OpenID Connect
	// issuer and key-set path for presets that verify ID tokens.
	fake func(*dancetest.Config)
}

// rerouter sends every request for a real provider to the fake, keeping
// the path, except the token endpoint, which goes to the fake's /token. It
// records every URL asked for, so that tests check the real endpoints
// without network.
type rerouter struct {
	fake     *url.URL
	tokenURL string

	mu   sync.Mutex
	urls []string
}

func (rr *rerouter) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL
	rr.mu.Lock()
	rr.urls = append(rr.urls, req.Method+" "+u.String())
	rr.mu.Unlock()
	r := req.Clone(req.Context())
	r.URL.Scheme, r.URL.Host = rr.fake.Scheme, rr.fake.Host
	r.Host = rr.fake.Host
	if u.Scheme+"://"+u.Host+u.Path == rr.tokenURL {
		r.URL.Path, r.URL.RawPath = "/token", ""
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (rr *rerouter) seen() []string {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return append([]string(nil), rr.urls...)
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// standard query parameters of every authorization request.
var standardParams = []string{"client_id", "redirect_uri", "response_type", "state", "code_challenge", "code_challenge_method", "scope", "nonce"}

func runPresetCase(t *testing.T, tc presetCase) {
	api, err := url.Parse(tc.apiURL)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]any{api.Path: fixture(t, tc.fixture)}
	for path, file := range tc.more {
		paths[path] = fixture(t, file)
	}
	fcfg := dancetest.Config{
		ClientID: "id-" + tc.bp, ClientSecret: "secret-" + tc.bp,
		Paths: paths, AuthScheme: tc.authScheme,
	}
	if tc.fake != nil {
		tc.fake(&fcfg)
	}
	p := dancetest.NewProvider(fcfg)
	t.Cleanup(p.Close)
	fake, _ := url.Parse(p.URL)
	rr := &rerouter{fake: fake, tokenURL: tc.tokenURL}

	// Acceptance: the env-var credentials are used when none are passed.
	env := core.EnvName(tc.bp)
	t.Setenv(env+"_OAUTH_CLIENT_ID", p.ClientID())
	t.Setenv(env+"_OAUTH_CLIENT_SECRET", p.ClientSecret())
	bp, err := tc.build(dance.Options{HTTPClient: &http.Client{Transport: rr}})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if bp.Name() != tc.bp {
		t.Errorf("name = %q, want %q", bp.Name(), tc.bp)
	}
	// An expired token with a refresh token is refreshed at refreshURL,
	// by default the token endpoint.
	if got, want := observe(t, tc.build).Refresh.Endpoint(), or(tc.refreshURL, tc.tokenURL); got != want {
		t.Errorf("refresh at %q, want %q", got, want)
	}

	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r.Group("/login"))
	r.GET("/api", bp.Middleware(), func(c *gin.Context) {
		cl := c.MustGet(tc.bp).(*dance.Client)
		if tc.profile == nil {
			req, err := cl.NewRequest(http.MethodGet, tc.apiURL, nil)
			if err != nil {
				c.String(500, err.Error())
				return
			}
			resp, err := cl.Do(req)
			if err != nil {
				c.String(500, err.Error())
				return
			}
			resp.Body.Close()
			c.String(resp.StatusCode, "")
			return
		}
		prof, err := cl.Profile()
		if err != nil {
			c.String(500, err.Error())
			return
		}
		c.JSON(200, prof)
	})
	app := httptest.NewServer(r)
	t.Cleanup(app.Close)
	br := dancetest.NewBrowser(t)

	// 1. The login redirect.
	resp := br.Get(app.URL + "/login/" + tc.bp)
	resp.Body.Close()
	loc := br.Location(resp)
	q := loc.Query()
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != tc.authURL {
		t.Errorf("authorize URL = %s, want %s", got, tc.authURL)
	}
	if q.Get("client_id") != p.ClientID() || q.Get("response_type") != "code" || q.Get("state") == "" ||
		q.Get("code_challenge_method") != "S256" || q.Get("redirect_uri") != app.URL+"/login/"+tc.bp+"/authorized" {
		t.Errorf("standard parameters wrong: %v", redactQuery(q))
	}
	if _, has := q["scope"]; has != (tc.scope != "") || q.Get("scope") != tc.scope {
		t.Errorf("scope = %q (present %v), want %q", q.Get("scope"), has, tc.scope)
	}
	// OpenID Connect: a scope with "openid" carries a nonce, and only then.
	if openid := slices.Contains(strings.Fields(tc.scope), "openid"); openid != (len(q.Get("nonce")) >= 43) {
		t.Errorf("nonce %q with scope %q", q.Get("nonce"), tc.scope)
	}
	extra := map[string]string{}
	for k := range q {
		if !slices.Contains(standardParams, k) {
			extra[k] = q.Get(k)
		}
	}
	if tc.extra == nil {
		tc.extra = map[string]string{}
	}
	if !reflect.DeepEqual(extra, tc.extra) {
		t.Errorf("extra authorize parameters = %v, want %v", extra, tc.extra)
	}

	// 2. The callback and the token request.
	cb := p.CallbackQuery(q)
	resp = br.Get(app.URL + "/login/" + tc.bp + "/authorized?" + cb.Encode())
	cbBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d to %q, want 302 to / (%s)", resp.StatusCode, resp.Header.Get("Location"), cbBody)
	}
	seen := rr.seen()
	if len(seen) == 0 || seen[0] != "POST "+tc.tokenURL {
		t.Errorf("first provider call = %v, want POST %s", seen, tc.tokenURL)
	}
	toks := p.RequestsTo("/token")
	if len(toks) != 1 {
		t.Fatalf("%d token requests, want 1", len(toks))
	}
	tr := toks[0]
	if got := tr.ClientAuth(); got != tc.authStyle {
		t.Errorf("token request auth style = %q, want %q", got, tc.authStyle)
	}
	f := tr.Form
	if f.Get("grant_type") != "authorization_code" || f.Get("code") != cb.Get("code") || f.Get("code_verifier") == "" ||
		f.Get("redirect_uri") != q.Get("redirect_uri") {
		t.Errorf("token request body lacks grant_type, code, code_verifier or redirect_uri")
	}
	if tc.authStyle == "basic" && (f.Has("client_secret") || f.Has("client_id")) {
		t.Errorf("basic auth token request also sends credentials in the body")
	}
	if tc.authStyle == "params" && (f.Get("client_id") != p.ClientID() || f.Get("client_secret") != p.ClientSecret()) {
		t.Errorf("token request body lacks client_id/client_secret")
	}

	// 3. An API call, and the profile.
	resp = br.Get(app.URL + "/api")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("API call: %d %s", resp.StatusCode, body)
	}
	wantCall := or(tc.apiMethod, "GET") + " " + stripQuery(tc.apiURL)
	var calledAPI []string
	for _, s := range rr.seen()[1:] {
		calledAPI = append(calledAPI, stripQuery(s))
	}
	if !slices.Contains(calledAPI, wantCall) {
		t.Errorf("API calls = %v, want %s", calledAPI, wantCall)
	}
	calls := p.RequestsTo(api.Path)
	if len(calls) == 0 {
		t.Fatalf("no API call reached %s", api.Path)
	}
	for k, v := range tc.headers {
		if got := calls[0].Header.Get(k); got != v {
			t.Errorf("API call header %s = %q, want %q", k, got, v)
		}
	}
	for k, v := range tc.apiQuery {
		if v == "*" { // the access token, which the test does not know
			v = accessToken(calls[0].Header.Get("Authorization"))
		}
		if got := calls[0].Query.Get(k); got != v || got == "" {
			t.Errorf("API call query %s is wrong or missing", k) // values may be tokens: not printed
		}
	}
	if tc.profile != nil {
		var got dance.Profile
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if got.Raw == nil {
			t.Errorf("profile has no Raw")
		}
		got.Raw = nil
		want := *tc.profile
		want.Provider = tc.bp
		if !reflect.DeepEqual(got, want) {
			t.Errorf("profile =\n%s\nwant\n%s", show(got), show(want))
		}
	}
}

// accessToken is the token of an Authorization header.
func accessToken(h string) string {
	_, tok, _ := strings.Cut(h, " ")
	return tok
}

func stripQuery(s string) string {
	s, _, _ = strings.Cut(s, "?")
	return s
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func show(p dance.Profile) string {
	v := "nil"
	if p.EmailVerified != nil {
		v = fmt.Sprint(*p.EmailVerified)
	}
	return fmt.Sprintf("{Provider:%q ID:%q Login:%q Name:%q Email:%q EmailVerified:%s AvatarURL:%q}",
		p.Provider, p.ID, p.Login, p.Name, p.Email, v, p.AvatarURL)
}

func redactQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "state" && k != "code_challenge" {
			out[k] = v
		}
	}
	return out
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// TestPresets is acceptance 1 and 3: for every preset and option
// combination, the login redirect, the token request, an API call's
// headers, the env-var credentials, and the profile mapping.
func TestPresets(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for _, tc := range presetCases() {
		t.Run(tc.name, func(t *testing.T) { runPresetCase(t, tc) })
	}
}
