package contrib_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// pbApp is a preset's blueprint served in a Gin app after a login: its
// browser, its token storage, and routes that use its client.
type pbApp struct {
	bp    *dance.Blueprint
	srv   *httptest.Server
	b     *dancetest.Browser
	store *storage.Memory
	// login is the callback's answer.
	login *http.Response
	// errs are the errors the error hook saw.
	mu   sync.Mutex
	errs []*dance.Error
}

// pbDev is a development provider for the test, for a preset's
// Endpoints.Dev.
func pbDev(t *testing.T) *contrib.DevProvider {
	t.Helper()
	return devprovider.Start(t, devprovider.Config{})
}

// pbLogin builds the blueprint with build after setting the storage and an
// error hook in o (the Config's Options), serves it, and logs in: as the
// persona whose login is persona on a development provider's sign-in page,
// or, when persona is "", straight through a fake without personas.
func pbLogin(t *testing.T, o *dance.Options, build func() (*dance.Blueprint, error), persona string) *pbApp {
	t.Helper()
	a := pbServe(t, o, build)
	if persona != "" {
		a.login = a.b.SignInAs(a.srv.URL+a.bp.LoginURL(), persona)
	} else {
		a.login = a.b.Dance(a.srv.URL + a.bp.LoginURL())
	}
	return a
}

// pbServe builds the blueprint with build after setting the storage and
// an error hook in o (the Config's Options), and serves it.
func pbServe(t *testing.T, o *dance.Options, build func() (*dance.Blueprint, error)) *pbApp {
	t.Helper()
	return pbServeAt(t, "", o, build)
}

// pbServeAt is pbServe on the address addr ("": any free port), as an app
// restarted at the same address.
func pbServeAt(t *testing.T, addr string, o *dance.Options, build func() (*dance.Blueprint, error)) *pbApp {
	t.Helper()
	gin.SetMode(gin.TestMode)
	a := &pbApp{store: storage.NewMemory(nil), b: dancetest.NewBrowser(t)}
	o.Storage = a.store
	o.Hooks.OnError = func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) {
		a.mu.Lock()
		a.errs = append(a.errs, e)
		a.mu.Unlock()
	}
	bp, err := build()
	if err != nil {
		t.Fatal(err)
	}
	a.bp = bp
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r)
	r.Use(bp.Middleware())
	cl := func(c *gin.Context) *dance.Client { return c.MustGet(bp.Name()).(*dance.Client) }
	r.GET("/profile", func(c *gin.Context) {
		p, err := cl(c).Profile()
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		c.JSON(http.StatusOK, p)
	})
	r.GET("/expire", func(c *gin.Context) {
		if tok, err := cl(c).Token(); err == nil && tok != nil {
			tok.ExpiresAt = time.Now().Add(-time.Hour)
			_ = cl(c).SetToken(tok)
		}
	})
	r.GET("/revoke", func(c *gin.Context) {
		if err := cl(c).Revoke(); err != nil {
			c.String(http.StatusBadGateway, err.Error())
		}
	})
	a.srv = httptest.NewUnstartedServer(r)
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		a.srv.Listener.Close()
		a.srv.Listener = l
	}
	a.srv.Start()
	t.Cleanup(a.srv.Close)
	return a
}

// ok fails the test unless the login stored a token.
func (a *pbApp) ok(t *testing.T) *storage.Token {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.login.StatusCode != http.StatusFound || len(a.errs) > 0 {
		t.Fatalf("login: callback answered %d, errors %v", a.login.StatusCode, a.errs)
	}
	tok, _ := a.store.Get(nil, a.bp.Name())
	if tok == nil || !tok.Valid() {
		t.Fatal("no token stored after the login")
	}
	return tok
}

// errors are the errors the error hook saw.
func (a *pbApp) errors() []*dance.Error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*dance.Error(nil), a.errs...)
}

// token is the stored token, or nil.
func (a *pbApp) token() *storage.Token {
	tok, _ := a.store.Get(nil, a.bp.Name())
	return tok
}

// profile is Client.Profile() for the logged-in user; it fails the test
// on an error.
func (a *pbApp) profile(t *testing.T) dance.Profile {
	t.Helper()
	status, body := a.get(t, "/profile")
	if status != http.StatusOK {
		t.Fatalf("Profile: %d %s", status, body)
	}
	var p dance.Profile
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// get calls one of the app's routes.
func (a *pbApp) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp := a.b.Get(a.srv.URL + path)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(body)
}

// authURL is where the blueprint's login sends the browser.
func (a *pbApp) authURL(t *testing.T) *url.URL {
	t.Helper()
	resp := a.b.Get(a.srv.URL + a.bp.LoginURL())
	resp.Body.Close()
	return a.b.Location(resp)
}

// pbWantBob checks that p is the development provider's second persona,
// bob, as a preset maps him.
func pbWantBob(t *testing.T, p dance.Profile, login, email bool) {
	t.Helper()
	bob := devprovider.DefaultPersonas[1]
	if p.ID != bob.UserID() || p.Name != bob.Name {
		t.Errorf("profile ID, Name = %q, %q; want %q, %q", p.ID, p.Name, bob.UserID(), bob.Name)
	}
	if login && p.Login != bob.Login {
		t.Errorf("profile Login = %q, want %q", p.Login, bob.Login)
	}
	if email && p.Email != bob.Email {
		t.Errorf("profile Email = %q, want %q", p.Email, bob.Email)
	}
}

// pbRecorder is an HTTP client that records the URLs it calls.
type pbRecorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *pbRecorder) client() *http.Client {
	return &http.Client{Transport: pbRoundTrip(func(req *http.Request) (*http.Response, error) {
		r.mu.Lock()
		r.seen = append(r.seen, req.Method+" "+req.URL.Path)
		r.mu.Unlock()
		return http.DefaultTransport.RoundTrip(req)
	})}
}

func (r *pbRecorder) saw(call string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.seen {
		if s == call {
			return true
		}
	}
	return false
}

type pbRoundTrip func(*http.Request) (*http.Response, error)

func (f pbRoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// pbLogger logs every level into w.
func pbLogger(w *apptest.SyncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
