package dance_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// FuzzTokenJSON: any bytes from a storage decode to a token or an error,
// never a panic, and a decoded token encodes again.
func FuzzTokenJSON(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"a","token_type":"bearer","scope":["x"],"expires_in":3599,"expires_at":1700000000.5}`,
		`{"oauth_token":"t","oauth_token_secret":"s","user_id":"1","screen_name":"x"}`,
		`{"access_token":"a","scope":"a b","expires_at":"1700000000"}`,
		`{"expires_at":1e308}`, `null`, `[]`, `{"scope":[1,2]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tok dance.Token
		if err := tok.UnmarshalJSON(b); err != nil {
			return
		}
		out, err := tok.MarshalJSON()
		if err != nil {
			t.Fatalf("decoded token does not encode: %v", err)
		}
		var again dance.Token
		if err := again.UnmarshalJSON(out); err != nil {
			t.Fatalf("re-decoding our own JSON: %v", err)
		}
		if again.AccessToken != tok.AccessToken || again.RefreshToken != tok.RefreshToken || !again.ExpiresAt.Equal(tok.ExpiresAt) {
			t.Fatalf("round trip changed the token")
		}
	})
}

// FuzzCallback: any query string and cookie on the OAuth 2 callback gives
// a 3xx/4xx/5xx (never a panic), stores nothing unless a real dance
// completed, and never redirects off-origin.
func FuzzCallback(f *testing.F) {
	for _, s := range []struct{ q, cookie string }{
		{"code=abc&state=xyz", ""},
		{"error=access_denied&error_description=no", ""},
		{"state=%00&code=%ff", "session=garbage"},
		{"code=a&state=b&next=//evil.com", "session=MTcwMDAwMDAwMHxhYmN8ZGVm"},
		{"", ""},
		{"error=&state=", "session="},
	} {
		f.Add(s.q, s.cookie)
	}
	gin.SetMode(gin.TestMode)
	fake := dancetest.NewUnstartedProvider(dancetest.Config{})
	mem := storage.NewMemory(nil)
	cfg := dance.OAuth2Config{
		Name: "github", ClientID: fake.ClientID(), ClientSecret: fake.ClientSecret(),
		AuthURL: "http://provider.invalid/authorize", TokenURL: "http://provider.invalid/token",
		Options: dance.Options{Storage: mem, HTTPClient: &http.Client{Transport: handlerTransport{fake}}},
	}
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		f.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r.Group("/login"))
	f.Fuzz(func(t *testing.T, rawQuery, cookieHeader string) {
		req := httptest.NewRequest("GET", "/login/github/authorized", nil)
		req.URL.RawQuery = rawQuery
		if cookieHeader != "" {
			req.Header.Set("Cookie", cookieHeader)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code < 300 || w.Code > 599 {
			t.Fatalf("status %d for %q", w.Code, rawQuery)
		}
		if loc := w.Header().Get("Location"); loc != "" {
			u, err := url.Parse(loc)
			if err != nil || u.Host != "" || u.Scheme != "" || strings.HasPrefix(loc, "//") || strings.Contains(loc, `\`) {
				t.Fatalf("redirect off-origin: %q", loc)
			}
		}
		if tok, _ := mem.Get(nil, "github"); tok != nil {
			t.Fatalf("a token was stored for %q", rawQuery)
		}
	})
}

// handlerTransport serves requests with an http.Handler, in process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil { // a server's request always has a body
		req = req.Clone(req.Context())
		req.Body = http.NoBody
	}
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, req)
	return w.Result(), nil
}

// FuzzOAuth1Callback: any query string and cookie on the OAuth 1 callback
// gives a 3xx/4xx/5xx with a clear message (never a panic), stores
// nothing, runs no authorized hook, and never redirects off-origin. One
// seed carries a real session cookie and the request token of a real
// login, so the fuzzer starts from a callback that reaches the
// access-token request.
func FuzzOAuth1Callback(f *testing.F) {
	for _, s := range []struct{ q, cookie string }{
		{"oauth_token=abc&oauth_verifier=xyz", ""},
		{"denied=abc", ""},
		{"denied=", "session=garbage"},
		{"oauth_token=%00&oauth_verifier=%ff&next=//evil.com", "session=MTcwMDAwMDAwMHxhYmN8ZGVm"},
		{"", ""},
		{"oauth_token=&oauth_token=a", "session="},
	} {
		f.Add(s.q, s.cookie)
	}
	p := dancetest.NewOAuth1Provider(dancetest.OAuth1Config{})
	f.Cleanup(p.Close)
	build := func(o dance.Options) (*dance.Blueprint, error) {
		cfg := p.OAuth1Config("twitter")
		o.BaseURL, o.HTTPClient = cfg.BaseURL, &http.Client{Transport: handlerTransport{p}}
		cfg.Options = o
		return dance.NewOAuth1(cfg)
	}
	app := buildInproc(f, build)
	cookie, q := app.login(f)
	f.Add(url.Values{"oauth_token": {q.Get("oauth_token")}, "oauth_verifier": {"not-the-verifier"}}.Encode(), cookie)
	f.Add(url.Values{"denied": {q.Get("oauth_token")}}.Encode(), cookie)
	f.Fuzz(func(t *testing.T, rawQuery, cookieHeader string) {
		if app.uses >= rebuildEvery {
			app = buildInproc(t, build)
		}
		app.errs, app.hook = nil, 0
		app.uses++
		req := httptest.NewRequest("GET", "/login/twitter/authorized", nil)
		req.URL.RawQuery = rawQuery
		if cookieHeader != "" {
			req.Header.Set("Cookie", cookieHeader)
		}
		w := httptest.NewRecorder()
		app.r.ServeHTTP(w, req)
		switch {
		case w.Code >= 300 && w.Code < 400:
			loc := w.Header().Get("Location")
			u, err := url.Parse(loc)
			if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.Contains(loc, `\`) {
				t.Fatalf("redirect off-origin: %q", loc)
			}
			if len(app.errs) != 1 {
				t.Fatalf("a %d with %d errors through the hooks", w.Code, len(app.errs))
			}
		case w.Code >= 400 && w.Code < 600:
			if !strings.Contains(w.Body.String(), "Error ID") || len(app.errs) != 1 {
				t.Fatalf("unclear %d: %q (%d errors through the hooks)", w.Code, w.Body.String(), len(app.errs))
			}
		default:
			t.Fatalf("status %d for %q", w.Code, rawQuery)
		}
		if app.hook != 0 {
			t.Fatal("the authorized hooks ran")
		}
		if tok, _ := app.mem.Get(nil, "twitter"); tok != nil {
			t.Fatalf("a token was stored for %q", rawQuery)
		}
	})
}
