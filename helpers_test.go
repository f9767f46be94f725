package dance_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
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

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is an app with one blueprint named "github", served on a
// loopback port, against a fake provider.
type harness struct {
	t       *testing.T
	name    string                    // the blueprint's name
	p       *dancetest.Provider       // the OAuth 2 provider, or nil
	p1      *dancetest.OAuth1Provider // the OAuth 1 provider, or nil
	bp      *dance.Blueprint
	router  *gin.Engine
	app     *httptest.Server
	browser *dancetest.Browser
	logs    *syncBuffer

	mu   sync.Mutex
	errs []*dance.Error
}

// newHarness builds the app. edit may change the blueprint configuration
// before it is built.
func newHarness(t *testing.T, pcfg dancetest.Config, edit func(*dance.OAuth2Config)) *harness {
	t.Helper()
	h := &harness{t: t, name: "github", logs: &syncBuffer{}}
	h.p = dancetest.NewProvider(pcfg)
	t.Cleanup(h.p.Close)
	cfg := h.p.OAuth2Config("github")
	cfg.Logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if edit != nil {
		edit(&cfg)
	}
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatalf("NewOAuth2: %v", err)
	}
	h.serve(bp)
	return h
}

// serve builds and serves the app around bp.
func (h *harness) serve(bp *dance.Blueprint) {
	t := h.t
	h.bp = bp
	bp.Hooks().OnError(func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
		h.mu.Lock()
		h.errs = append(h.errs, e)
		h.mu.Unlock()
	})
	h.router = newRouter(bp)
	h.app = httptest.NewServer(h.router)
	t.Cleanup(h.app.Close)
	h.browser = dancetest.NewBrowser(t)
}

// protocols build a harness for each protocol with default providers, for
// the tests that OAuth 1 and OAuth 2 share (hooks, redirects). edit may
// change the common options.
var protocols = []struct {
	name string
	new  func(t *testing.T, edit func(*dance.Options)) *harness
}{
	{"oauth2", func(t *testing.T, edit func(*dance.Options)) *harness {
		return newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
			if edit != nil {
				edit(&c.Options)
			}
		})
	}},
	{"oauth1", func(t *testing.T, edit func(*dance.Options)) *harness {
		return newOAuth1Harness(t, dancetest.OAuth1Config{}, func(c *dance.OAuth1Config) {
			if edit != nil {
				edit(&c.Options)
			}
		})
	}},
}

// loginPath is the path of the blueprint's login route.
func (h *harness) loginPath() string { return "/login/" + h.name }

// tokenID is what identifies a token of either protocol: the OAuth 2
// access token or the OAuth 1 oauth_token.
func tokenID(tok *dance.Token) string { return tok.AccessToken + tok.OAuthToken }

// newRouter is the app: sessions, the blueprint under /login, and a few
// handlers that use the client.
func newRouter(bps ...*dance.Blueprint) *gin.Engine {
	store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	store.Options(sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return newRouterWith(store, bps...)
}

// newRouterWith is newRouter with the given session store.
func newRouterWith(store sessions.Store, bps ...*dance.Blueprint) *gin.Engine {
	r := gin.New()
	r.Use(sessions.Sessions("session", store))
	login := r.Group("/login")
	for _, bp := range bps {
		bp.Register(login)
		r.Use(bp.Middleware())
	}
	bp := bps[0]
	r.GET("/", func(c *gin.Context) { c.String(200, "home") })
	r.GET("/token", func(c *gin.Context) {
		tok, err := core.Inspect(bp).Storage.Get(c, bp.Name()) // as stored: no refresh
		if err != nil {
			c.String(500, err.Error())
			return
		}
		c.JSON(200, tok)
	})
	r.GET("/private", bp.Required(), func(c *gin.Context) { c.String(200, "secret page") })
	r.GET("/me", func(c *gin.Context) {
		var user map[string]any
		if err := bp.Client(c).GetJSON("/user", &user); err != nil {
			c.String(502, err.Error())
			return
		}
		c.JSON(200, user)
	})
	return r
}

func (h *harness) url(path string) string { return h.app.URL + path }

// login starts a dance and returns the authorize URL it redirects to.
func (h *harness) login(path string) *url.URL {
	h.t.Helper()
	resp := h.browser.Get(h.url(path))
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		h.t.Fatalf("GET %s: status %d, want 302", path, resp.StatusCode)
	}
	return h.browser.Location(resp)
}

// approve has the provider approve the authorization request and returns
// the callback URL (on the app) it sends the browser to.
func (h *harness) approve(authURL *url.URL) *url.URL {
	h.t.Helper()
	resp := h.browser.Get(authURL.String())
	resp.Body.Close()
	return h.browser.Location(resp)
}

// get fetches a URL and returns the response with its body read.
func (h *harness) get(rawURL string) (*http.Response, string) {
	h.t.Helper()
	resp := h.browser.Get(rawURL)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// storedToken returns the token the app has for the browser, or nil.
func (h *harness) storedToken() map[string]any {
	h.t.Helper()
	resp, body := h.get(h.url("/token"))
	if resp.StatusCode != 200 {
		h.t.Fatalf("GET /token: %d %s", resp.StatusCode, body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		h.t.Fatalf("GET /token: %v in %q", err, body)
	}
	return m
}

func (h *harness) errors() []*dance.Error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*dance.Error(nil), h.errs...)
}

// tokenPosts counts the token endpoint requests the provider received.
func (h *harness) tokenPosts() int { return len(h.p.RequestsTo("/token")) }

func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}

func newTestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

func sessionOf(c *gin.Context) sessions.Session { return sessions.Default(c) }
