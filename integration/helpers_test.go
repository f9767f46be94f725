package integration_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
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
	name    string              // the blueprint's name
	p       *dancetest.Provider // the OAuth 2 provider, or nil
	bp      *dance.Blueprint
	router  *gin.Engine
	app     *httptest.Server
	browser *dancetest.Browser
	logs    *syncBuffer

	hooks *testHooks // the blueprint's hooks: tests add theirs here
	clock *testClock // the blueprint's clock

	mu   sync.Mutex
	errs []*dance.Error
}

// testHooks are hooks that tests add to a blueprint already built: the
// blueprint's Hooks call every func added here, in order, each chain
// stopping once one answers the request, as a hook chain would.
type testHooks struct {
	mu          sync.Mutex
	beforeLogin []func(*gin.Context, *dance.Blueprint, string)
	authorized  []func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error)
	errs        []func(*gin.Context, *dance.Blueprint, *dance.Error)
	refreshed   []func(*gin.Context, *dance.Blueprint, *dance.Token, *dance.Token)
}

func (h *testHooks) OnBeforeLogin(f func(*gin.Context, *dance.Blueprint, string)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.beforeLogin = append(h.beforeLogin, f)
}

func (h *testHooks) OnAuthorized(f func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.authorized = append(h.authorized, f)
}

func (h *testHooks) OnError(f func(*gin.Context, *dance.Blueprint, *dance.Error)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.errs = append(h.errs, f)
}

func (h *testHooks) OnTokenRefreshed(f func(*gin.Context, *dance.Blueprint, *dance.Token, *dance.Token)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refreshed = append(h.refreshed, f)
}

func answered(c *gin.Context) bool { return c.Writer.Written() || c.IsAborted() }

// dance returns the blueprint's Hooks that run the funcs added to h.
func (h *testHooks) dance() dance.Hooks {
	return dance.Hooks{
		OnBeforeLogin: func(c *gin.Context, bp *dance.Blueprint, authURL string) {
			h.mu.Lock()
			fs := h.beforeLogin
			h.mu.Unlock()
			for _, f := range fs {
				if f(c, bp, authURL); answered(c) {
					return
				}
			}
		},
		OnAuthorized: func(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
			h.mu.Lock()
			fs := h.authorized
			h.mu.Unlock()
			store := true
			for _, f := range fs {
				ok, err := f(c, bp, tok)
				if err != nil || answered(c) {
					return false, err
				}
				store = store && ok
			}
			return store, nil
		},
		OnError: func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
			h.mu.Lock()
			fs := h.errs
			h.mu.Unlock()
			for _, f := range fs {
				if f(c, bp, e); answered(c) {
					return
				}
			}
		},
		OnTokenRefreshed: func(c *gin.Context, bp *dance.Blueprint, old, tok *dance.Token) {
			h.mu.Lock()
			fs := h.refreshed
			h.mu.Unlock()
			for _, f := range fs {
				f(c, bp, old, tok)
			}
		},
	}
}

// testClock is a blueprint's clock, set off from the real one by what the
// test says.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (k *testClock) now() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return time.Now().Add(k.offset)
}

// client is the request's client of bp.
func client(c *gin.Context, bp *dance.Blueprint) *dance.Client {
	return c.MustGet(bp.Name()).(*dance.Client)
}

// newHarness builds the app. edit may change the blueprint configuration
// before it is built.
func newHarness(t *testing.T, pcfg dancetest.Config, edit func(*dance.OAuth2Config)) *harness {
	t.Helper()
	h := newBareHarness(t, "github")
	h.p = dancetest.NewProvider(pcfg)
	t.Cleanup(h.p.Close)
	cfg := h.p.OAuth2Config("github")
	h.options(&cfg.Options)
	if edit != nil {
		edit(&cfg)
	}
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatalf("NewOAuth2: %v", err)
	}
	h.serve(bp, cfg.Storage)
	return h
}

// newBareHarness is a harness with no provider and no blueprint yet.
func newBareHarness(t *testing.T, name string) *harness {
	return &harness{t: t, name: name, logs: &syncBuffer{}, hooks: &testHooks{}, clock: &testClock{}}
}

// options sets the harness's logger, hooks and clock in o.
func (h *harness) options(o *dance.Options) {
	o.Logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.Hooks = h.hooks.dance()
	o.Now = h.clock.now
}

// serve builds and serves the app around bp, whose storage is st (nil:
// the default, the session).
func (h *harness) serve(bp *dance.Blueprint, st storage.Storage) {
	t := h.t
	h.bp = bp
	h.hooks.OnError(func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
		h.mu.Lock()
		h.errs = append(h.errs, e)
		h.mu.Unlock()
	})
	h.router = newRouterStorage(st, bp)
	h.app = httptest.NewServer(h.router)
	t.Cleanup(h.app.Close)
	h.browser = dancetest.NewBrowser(t)
}

// newRouter is the app: sessions, the blueprint under /login, and a few
// handlers that use the client. The blueprints keep their tokens in the
// session.
func newRouter(bps ...*dance.Blueprint) *gin.Engine { return newRouterStorage(nil, bps...) }

// newRouterStorage is newRouter for blueprints whose storage is st (nil:
// the session).
func newRouterStorage(st storage.Storage, bps ...*dance.Blueprint) *gin.Engine {
	store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	store.Options(sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return newRouterWith(store, st, bps...)
}

// newRouterWith is newRouter with the given session store, for blueprints
// whose storage is st (nil: the session).
func newRouterWith(store sessions.Store, st storage.Storage, bps ...*dance.Blueprint) *gin.Engine {
	if st == nil {
		st = storage.NewSession()
	}
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
		tok, err := st.Get(c, bp.Name()) // as stored: no refresh
		if err != nil {
			c.String(500, err.Error())
			return
		}
		c.JSON(200, tok)
	})
	r.GET("/private", bp.Required(), func(c *gin.Context) { c.String(200, "secret page") })
	r.GET("/me", func(c *gin.Context) {
		var user map[string]any
		if err := client(c, bp).GetJSON("user", &user); err != nil {
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

// tokenPosts counts the token endpoint requests the provider received.
func (h *harness) tokenPosts() int { return len(h.p.RequestsTo("/token")) }

func newTestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}
