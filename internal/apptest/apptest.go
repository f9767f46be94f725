// Package apptest is the test app that the root package's tests and the
// integration module's share: one blueprint served on a loopback port
// against a dancetest provider, a browser with cookies, the hooks and the
// clock that tests adjust, and the routes that read the stored token and
// call the API. It is for tests only.
package apptest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// SyncBuffer is a bytes.Buffer safe for the logger and the test to share.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Harness is an app with one blueprint named "github", served on a
// loopback port, against a fake provider.
type Harness struct {
	T       *testing.T
	Name    string                    // the blueprint's name
	P       *dancetest.Provider       // the OAuth 2 provider, or nil
	P1      *dancetest.OAuth1Provider // the OAuth 1 provider, or nil
	BP      *dance.Blueprint
	Router  *gin.Engine
	App     *httptest.Server
	Browser *dancetest.Browser
	Logs    *SyncBuffer

	Hooks *Hooks // the blueprint's hooks: tests add theirs here
	Clock *Clock // the blueprint's clock

	mu   sync.Mutex
	errs []*dance.Error
}

// Hooks are hooks that tests add to a blueprint already built: the
// blueprint's Hooks call every func added here, in order, each chain
// stopping once one answers the request, as a hook chain would.
type Hooks struct {
	mu          sync.Mutex
	beforeLogin []func(*gin.Context, *dance.Blueprint, string)
	authorized  []func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error)
	errs        []func(*gin.Context, *dance.Blueprint, *dance.Error)
	refreshed   []func(*gin.Context, *dance.Blueprint, *dance.Token, *dance.Token)
}

// OnBeforeLogin adds f to the before-login hook.
func (h *Hooks) OnBeforeLogin(f func(*gin.Context, *dance.Blueprint, string)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.beforeLogin = append(h.beforeLogin, f)
}

// OnAuthorized adds f to the authorized hook.
func (h *Hooks) OnAuthorized(f func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.authorized = append(h.authorized, f)
}

// OnError adds f to the error hook.
func (h *Hooks) OnError(f func(*gin.Context, *dance.Blueprint, *dance.Error)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.errs = append(h.errs, f)
}

// OnTokenRefreshed adds f to the token-refreshed hook.
func (h *Hooks) OnTokenRefreshed(f func(*gin.Context, *dance.Blueprint, *dance.Token, *dance.Token)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refreshed = append(h.refreshed, f)
}

func answered(c *gin.Context) bool { return c.Writer.Written() || c.IsAborted() }

// Dance returns the blueprint's Hooks that run the funcs added to h.
func (h *Hooks) Dance() dance.Hooks {
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

// Clock is a blueprint's clock, set off from the real one by what the
// test says.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the clock's time, for [dance.Options].Now.
func (k *Clock) Now() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return time.Now().Add(k.offset)
}

// Set puts the clock off by d until the returned func puts it back.
func (k *Clock) Set(d time.Duration) (restore func()) {
	k.mu.Lock()
	defer k.mu.Unlock()
	old := k.offset
	k.offset = d
	return func() {
		k.mu.Lock()
		k.offset = old
		k.mu.Unlock()
	}
}

// Client is the request's client of bp.
func Client(c *gin.Context, bp *dance.Blueprint) *dance.Client {
	return c.MustGet(bp.Name()).(*dance.Client)
}

// New builds the app. edit may change the blueprint configuration
// before it is built.
func New(t *testing.T, pcfg dancetest.Config, edit func(*dance.OAuth2Config)) *Harness {
	t.Helper()
	h := NewBare(t, "github")
	h.P = dancetest.NewProvider(pcfg)
	t.Cleanup(h.P.Close)
	cfg := h.P.OAuth2Config("github")
	h.Options(&cfg.Options)
	if edit != nil {
		edit(&cfg)
	}
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatalf("NewOAuth2: %v", err)
	}
	h.Serve(bp, cfg.Storage)
	return h
}

// NewBare is a Harness with no provider and no blueprint yet.
func NewBare(t *testing.T, name string) *Harness {
	return &Harness{T: t, Name: name, Logs: &SyncBuffer{}, Hooks: &Hooks{}, Clock: &Clock{}}
}

// Options sets the Harness's logger, hooks and clock in o.
func (h *Harness) Options(o *dance.Options) {
	o.Logger = slog.New(slog.NewTextHandler(h.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.Hooks = h.Hooks.Dance()
	o.Now = h.Clock.Now
}

// Serve builds and serves the app around bp, whose storage is st (nil:
// the default, the session).
func (h *Harness) Serve(bp *dance.Blueprint, st storage.Storage) {
	t := h.T
	h.BP = bp
	h.Hooks.OnError(func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
		h.mu.Lock()
		h.errs = append(h.errs, e)
		h.mu.Unlock()
	})
	h.Router = NewRouterStorage(st, bp)
	h.App = httptest.NewServer(h.Router)
	t.Cleanup(h.App.Close)
	h.Browser = dancetest.NewBrowser(t)
}

// LoginPath is the path of the blueprint's login route.
func (h *Harness) LoginPath() string { return "/login/" + h.Name }

// NewRouter is the app: sessions, the blueprint under /login, and a few
// handlers that use the client. The blueprints keep their tokens in the
// session.
func NewRouter(bps ...*dance.Blueprint) *gin.Engine { return NewRouterStorage(nil, bps...) }

// NewRouterStorage is NewRouter for blueprints whose storage is st (nil:
// the session).
func NewRouterStorage(st storage.Storage, bps ...*dance.Blueprint) *gin.Engine {
	store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	store.Options(sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return NewRouterWith(store, st, bps...)
}

// NewRouterWith is NewRouter with the given session store, for blueprints
// whose storage is st (nil: the session).
func NewRouterWith(store sessions.Store, st storage.Storage, bps ...*dance.Blueprint) *gin.Engine {
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
		if err := Client(c, bp).GetJSON("user", &user); err != nil {
			c.String(502, err.Error())
			return
		}
		c.JSON(200, user)
	})
	return r
}

// URL is the app's absolute URL of path.
func (h *Harness) URL(path string) string { return h.App.URL + path }

// Login starts a dance and returns the authorize URL it redirects to.
func (h *Harness) Login(path string) *url.URL {
	h.T.Helper()
	resp := h.Browser.Get(h.URL(path))
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		h.T.Fatalf("GET %s: status %d, want 302", path, resp.StatusCode)
	}
	return h.Browser.Location(resp)
}

// Approve has the provider approve the authorization request and returns
// the callback URL (on the app) it sends the browser to.
func (h *Harness) Approve(authURL *url.URL) *url.URL {
	h.T.Helper()
	resp := h.Browser.Get(authURL.String())
	resp.Body.Close()
	return h.Browser.Location(resp)
}

// Get fetches a URL and returns the response with its body read.
func (h *Harness) Get(rawURL string) (*http.Response, string) {
	h.T.Helper()
	resp := h.Browser.Get(rawURL)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// StoredToken returns the token the app has for the browser, or nil.
func (h *Harness) StoredToken() map[string]any {
	h.T.Helper()
	resp, body := h.Get(h.URL("/token"))
	if resp.StatusCode != 200 {
		h.T.Fatalf("GET /token: %d %s", resp.StatusCode, body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		h.T.Fatalf("GET /token: %v in %q", err, body)
	}
	return m
}

// Errors are the errors the error hook got so far.
func (h *Harness) Errors() []*dance.Error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*dance.Error(nil), h.errs...)
}

// TokenPosts counts the token endpoint requests the provider received.
func (h *Harness) TokenPosts() int { return len(h.P.RequestsTo("/token")) }

// TestServer serves h on a loopback port until t ends and returns its URL.
func TestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}
