package dance_test

import (
	"context"
	"errors"
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
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

// Fault injection (issue 10): each test injects one fault and checks that
// nothing is lost, nothing is half-written, and the error is clear.

// verifyNoLeaks checks, once the test and all its cleanups are done (the
// servers closed), that the test left no goroutine behind. Goroutines that
// were running when it was called (earlier tests' idle connections) are
// ignored. The returned func checks at once, while the servers still run:
// then a kept-alive connection and the fake servers' own goroutines are
// fine, but nothing of the dance may still be waiting on the provider.
func verifyNoLeaks(t *testing.T) (now func()) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // registered first, runs last
	return func() {
		t.Helper()
		goleak.VerifyNone(t, ignore,
			goleak.IgnoreAnyFunction("net/http.(*conn).serve"),   // the servers' side
			goleak.IgnoreAnyFunction("net/http.(*Server).Serve"), // their accept loops
			goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
			goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
		)
	}
}

// The token endpoint is slow: the request's own context deadline, or
// Options.Timeout, ends the exchange with a clear 504; the token stored by
// an earlier login is untouched, the provider is not asked twice, and no
// goroutine is left waiting on the provider.
func TestSlowTokenEndpoint(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*dance.OAuth2Config)
	}{
		{"request deadline", func(c *dance.OAuth2Config) {
			// Options.Timeout stays at its 30 s default: only the
			// request's deadline can end the wait.
			c.RouteHandlers = []gin.HandlerFunc{func(c *gin.Context) {
				ctx, cancel := context.WithTimeout(c.Request.Context(), 500*time.Millisecond)
				defer cancel()
				c.Request = c.Request.WithContext(ctx)
				c.Next()
			}}
		}},
		{"Options.Timeout", func(c *dance.OAuth2Config) { c.Timeout = 500 * time.Millisecond }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaks := verifyNoLeaks(t)
			h := newHarness(t, dancetest.Config{Delay: 10 * time.Second}, tc.edit)
			if resp := h.Browser.Dance(h.URL("/login/github")); resp.StatusCode != http.StatusFound {
				t.Fatalf("first login: %d", resp.StatusCode)
			}
			before := h.StoredToken()
			h.P.Fail(dancetest.FailSlow)
			posts := h.TokenPosts()
			resp, body := h.Get(h.Approve(h.Login("/login/github")).String())
			if resp.StatusCode != http.StatusGatewayTimeout {
				t.Fatalf("status %d (%q), want 504", resp.StatusCode, body)
			}
			mustContain(t, h.Logs.String(), "token exchange failed: context deadline exceeded")
			errs := h.Errors()
			if len(errs) != 1 || !errors.Is(errs[0], dance.ErrTokenExchange) || !errors.Is(errs[0], context.DeadlineExceeded) {
				t.Fatalf("error hooks got %v", errs)
			}
			if n := h.TokenPosts() - posts; n != 1 {
				t.Fatalf("the provider got %d token requests, want 1", n)
			}
			if after := h.StoredToken(); after == nil || after["access_token"] != before["access_token"] {
				t.Fatal("the slow login lost or replaced the stored token")
			}
			leaks()
		})
	}
}

// The default exchange timeout bounds a provider that never answers, and
// is short enough for a user to wait for.
func TestDefaultTimeoutIsSane(t *testing.T) {
	// The token request's context carries the default timeout as its
	// deadline.
	var mu sync.Mutex
	var left []time.Duration
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
		c.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == "/token" {
				d := time.Duration(-1)
				if dl, ok := r.Context().Deadline(); ok {
					d = time.Until(dl)
				}
				mu.Lock()
				left = append(left, d)
				mu.Unlock()
			}
			return http.DefaultTransport.RoundTrip(r)
		})}
	})
	if resp := h.Browser.Dance(h.URL("/login/github")); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance: %d, errors %v", resp.StatusCode, h.Errors())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(left) != 1 {
		t.Fatalf("%d token requests, want 1", len(left))
	}
	if d := left[0]; d < 5*time.Second || d > time.Minute {
		t.Fatalf("the default timeout is %v, want between 5 s and 1 min", d)
	}
}

// roundTripFunc is an http.RoundTripper made of a func.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// setSessionCookie replaces the browser's session cookie for the app.
func (h *harness) setSessionCookie(value string) {
	h.T.Helper()
	u, _ := url.Parse(h.App.URL)
	h.Browser.Jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: value, Path: "/"}})
}

func (h *harness) sessionCookie() string {
	h.T.Helper()
	u, _ := url.Parse(h.App.URL)
	for _, c := range h.Browser.Jar.Cookies(u) {
		if c.Name == "session" {
			return c.Value
		}
	}
	h.T.Fatal("the browser has no session cookie")
	return ""
}

// A session cookie that was tampered with, truncated, or signed with a
// key the app no longer has is no session: the app serves its pages
// without a token, sends the user to log in, and the login works afresh.
// Nothing panics and no error page is shown.
func TestBadSessionCookieIsNoSession(t *testing.T) {
	oldStore := cookie.NewStore([]byte("an-old-authentication-key-32byte"), []byte("an-old-encrypt16"))
	for _, tc := range []struct {
		name  string
		spoil func(h *harness, v string) string
	}{
		{"tampered", func(_ *harness, v string) string {
			b := []byte(v)
			i := len(b) / 2
			if b[i] == 'A' {
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
			return string(b)
		}},
		{"truncated", func(_ *harness, v string) string { return v[:len(v)/2] }},
		{"signed with an old key", func(h *harness, _ string) string {
			return dancetest.SessionCookie(h.T, oldStore, "session", h.BP, dancetest.Token("old-key-token")).Value
		}},
		{"not a cookie of ours", func(*harness, string) string { return "MTcwMDAwMDAwMHxhYmN8ZGVm" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, dancetest.Config{}, nil)
			h.Browser.Dance(h.URL("/login/github"))
			if h.StoredToken() == nil {
				t.Fatal("the first login stored no token")
			}
			h.setSessionCookie(tc.spoil(h, h.sessionCookie()))

			if resp, body := h.Get(h.URL("/token")); resp.StatusCode != 200 || strings.TrimSpace(body) != "null" {
				t.Fatalf("GET /token = %d %q, want 200 and no token", resp.StatusCode, body)
			}
			if resp, _ := h.Get(h.URL("/private")); resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), "/login/github?next=") {
				t.Fatalf("GET /private = %d to %q, want the login", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp, _ := h.Get(h.URL("/")); resp.StatusCode != 200 {
				t.Fatalf("GET / = %d", resp.StatusCode)
			}
			if resp := h.Browser.Dance(h.URL("/login/github")); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
				t.Fatalf("login afresh: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if tok := h.StoredToken(); tok == nil || tok["access_token"] == "old-key-token" {
				t.Fatalf("login afresh stored %v", tok)
			}
			if errs := h.Errors(); len(errs) != 0 {
				t.Fatalf("error hooks got %v", errs)
			}
		})
	}

	t.Run("during the dance", func(t *testing.T) {
		h := newHarness(t, dancetest.Config{}, nil)
		cb := h.Approve(h.Login("/login/github"))
		h.setSessionCookie(h.sessionCookie()[:20])
		resp, _ := h.Get(cb.String())
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login/github" {
			t.Fatalf("callback = %d to %q, want a fresh login", resp.StatusCode, resp.Header.Get("Location"))
		}
		if h.TokenPosts() != 0 || h.StoredToken() != nil {
			t.Fatal("the callback went on without its session")
		}
	})

	// Key rotation: an app that lists its old key pair after the new one
	// still reads cookies signed with the old key, and writes new ones
	// with the new key (gorilla/securecookie key pairs).
	t.Run("old key still listed for rotation", func(t *testing.T) {
		h := newHarness(t, dancetest.Config{}, nil)
		rotated := cookie.NewStore([]byte("a-new-authentication-key-32bytes"), []byte("a-new-encrypt-16"),
			[]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
		r := gin.New()
		r.Use(sessions.Sessions("session", rotated))
		r.Use(h.BP.Middleware())
		r.GET("/token", func(c *gin.Context) {
			tok, err := apptest.Client(c, h.BP).Token()
			if err != nil || tok == nil {
				c.String(500, "no token")
				return
			}
			c.String(200, tok.AccessToken)
		})
		h.Browser.Dance(h.URL("/login/github"))
		want := h.StoredToken()["access_token"]
		req := httptest.NewRequest("GET", "/token", nil)
		req.Header.Set("Cookie", "session="+h.sessionCookie())
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != 200 || w.Body.String() != want {
			t.Fatalf("the rotated store read %d %q", w.Code, w.Body.String())
		}
	})
}

// A token too large for the cookie session is a clear error that names
// the fix, and loses nothing: the token of the earlier login is still
// stored even when an error hook saves the session (a flash message), and
// the session stays usable.
func TestTokenTooLargeKeepsEarlierToken(t *testing.T) {
	bloat := false
	h := newHarness(t, dancetest.Config{}, nil)
	h.Hooks.OnAuthorized(func(_ *gin.Context, _ *dance.Blueprint, tok *dance.Token) (bool, error) {
		if bloat {
			tok.Extra = map[string]any{"profile_blob": strings.Repeat("x", 6000)}
		}
		return true, nil
	})
	h.Hooks.OnError(func(c *gin.Context, _ *dance.Blueprint, _ *dance.Error) {
		s := sessions.Default(c)
		s.AddFlash("The login did not complete.")
		_ = s.Save()
	})
	h.Browser.Dance(h.URL("/login/github"))
	before := h.StoredToken()
	if before == nil {
		t.Fatal("the first login stored no token")
	}
	bloat = true
	resp := h.Browser.Dance(h.URL("/login/github"))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("got %d to %q, want the redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
	errs := h.Errors()
	if len(errs) != 1 || !errors.Is(errs[0], storage.ErrTooLarge) || errs[0].Stage != dance.StageStore {
		t.Fatalf("error hooks got %v", errs)
	}
	mustContain(t, errs[0].Error(), "too large for the session cookie")
	mustContain(t, errs[0].Error(), "server-side session store")
	if after := h.StoredToken(); after == nil || after["access_token"] != before["access_token"] {
		t.Fatalf("the earlier token was lost: %v", after)
	}
	bloat = false
	h.Browser.Dance(h.URL("/login/github"))
	if after := h.StoredToken(); after == nil || after["access_token"] == before["access_token"] {
		t.Fatal("the session is not usable after the failure")
	}
}

// OAuth 1's token calls are bounded the same way: a slow request-token or
// access-token endpoint is cut off by Options.Timeout, the error hooks get
// a timeout, the user is redirected (OAuth 1's rule for endpoint
// failures), nothing is stored, and no goroutine is left waiting.
func TestOAuth1SlowEndpoints(t *testing.T) {
	for _, ep := range []dancetest.OAuth1Endpoint{dancetest.OAuth1RequestToken, dancetest.OAuth1AccessToken} {
		t.Run(string(ep), func(t *testing.T) {
			leaks := verifyNoLeaks(t)
			h := newOAuth1Harness(t, dancetest.OAuth1Config{}, func(c *dance.OAuth1Config) { c.Timeout = 200 * time.Millisecond })
			h.P1.SlowEndpoint(ep, 10*time.Second)
			var resp *http.Response
			if ep == dancetest.OAuth1RequestToken {
				resp, _ = h.Get(h.URL("/login/twitter?next=/after"))
			} else {
				auth := h.Login("/login/twitter?next=/after")
				resp, _ = h.Get(h.Approve(auth).String())
			}
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/after" {
				t.Fatalf("got %d to %q, want 302 to /after", resp.StatusCode, resp.Header.Get("Location"))
			}
			errs := h.Errors()
			if len(errs) != 1 || !errors.Is(errs[0], context.DeadlineExceeded) {
				t.Fatalf("error hooks got %v, want one deadline error", errs)
			}
			if h.StoredToken() != nil {
				t.Fatal("token stored")
			}
			h.P1.SlowEndpoint(ep, 0)
			h.App.CloseClientConnections()
			leaks()
		})
	}
}
