package contrib_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// devRun is one login through the development provider, with what the
// blueprint sent to the provider on the way.
type devRun struct {
	t   *testing.T
	bp  *dance.Blueprint
	app *httptest.Server
	b   *dancetest.Browser
	mem *storage.Memory
	// Login is where the login route sent the browser: the authorization
	// URL.
	Login *url.URL
	// Callback is the app's answer to the provider's redirect.
	Callback *http.Response
	rec      *forwarder
	errs     []*dance.Error // what the error hook got
}

// who is the persona the preset tests sign in as.
var who = devprovider.DefaultPersonas[1] // bob, whose e-mail is not verified

// devDance builds a preset with build in development mode, against a
// development provider on loopback, with a memory storage and a
// recording HTTP client, serves it, and signs in as [who].
func devDance(t *testing.T, build func(contrib.Endpoints, dance.Options) (*dance.Blueprint, error)) *devRun {
	t.Helper()
	return devDanceAs(t, who.Login, build)
}

// devDanceAs is [devDance] signing in as the persona whose login is login.
func devDanceAs(t *testing.T, login string, build func(contrib.Endpoints, dance.Options) (*dance.Blueprint, error)) *devRun {
	t.Helper()
	dev := devprovider.Start(t, devprovider.Config{})
	run := newRun(t, nil)
	bp, err := build(contrib.Endpoints{Dev: dev}, run.options())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	run.serve(bp)
	run.Callback = run.b.SignInAs(run.app.URL+run.bp.LoginURL(), login)
	if run.Callback.StatusCode != http.StatusFound || run.Login == nil {
		t.Fatalf("the callback answered %d, want a redirect after a login", run.Callback.StatusCode)
	}
	return run
}

// fakeDance builds a preset with build (which points it at fake, with
// fake.Configure or its Endpoints) with a memory storage and a recording
// HTTP client that sends every request to fake, serves it, and dances
// once; it does not check how the dance ended.
func fakeDance(t *testing.T, fake *dancetest.Provider, build func(dance.Options) (*dance.Blueprint, error)) *devRun {
	t.Helper()
	run := newRun(t, fake.StandIn().Transport)
	bp, err := build(run.options())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	run.serve(bp)
	run.Callback = run.b.Dance(run.app.URL + run.bp.LoginURL())
	return run
}

// newRun starts a run whose provider calls go to next (nil: the network,
// which is the development provider on loopback).
func newRun(t *testing.T, next http.RoundTripper) *devRun {
	gin.SetMode(gin.TestMode)
	return &devRun{t: t, mem: storage.NewMemory(nil), rec: &forwarder{next: next}, b: dancetest.NewBrowser(t)}
}

// options are the blueprint's: the memory storage, the recording client,
// and an error hook that logs.
func (r *devRun) options() dance.Options {
	return dance.Options{
		Storage:    r.mem,
		HTTPClient: &http.Client{Transport: r.rec},
		Logger:     slog.New(slog.DiscardHandler), // the error hook logs to the test
		Hooks: dance.Hooks{OnError: func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) {
			r.t.Logf("dance error: %v", e)
			r.errs = append(r.errs, e)
		}},
	}
}

// serve serves bp in an app with routes that use its client.
func (r *devRun) serve(bp *dance.Blueprint) {
	r.bp = bp
	g := gin.New()
	g.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	g.Use(func(c *gin.Context) {
		c.Next()
		if c.FullPath() == bp.LoginURL() {
			r.Login, _ = url.Parse(c.Writer.Header().Get("Location"))
		}
	})
	bp.Register(g)
	g.Use(bp.Middleware())
	client := func(c *gin.Context) *dance.Client { return c.MustGet(bp.Name()).(*dance.Client) }
	g.GET("/profile", func(c *gin.Context) {
		p, err := client(c).Profile()
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		c.JSON(http.StatusOK, p)
	})
	g.GET("/revoke", func(c *gin.Context) {
		if err := client(c).Revoke(); err != nil {
			c.String(http.StatusBadGateway, err.Error())
		}
	})
	g.GET("/token", func(c *gin.Context) {
		tok, err := client(c).Token()
		if err != nil || tok == nil {
			c.String(http.StatusBadGateway, "no token: %v", err)
			return
		}
		c.String(http.StatusOK, "ok")
	})
	r.app = httptest.NewServer(g)
	r.t.Cleanup(r.app.Close)
}

// Token is the stored token, or nil.
func (r *devRun) Token() *dance.Token {
	tok, _ := r.mem.Get(nil, r.bp.Name())
	return tok
}

// Profile fetches Client.Profile() through the app.
func (r *devRun) Profile() *dance.Profile {
	r.t.Helper()
	resp := r.b.Get(r.app.URL + "/profile")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("Profile: %d %s", resp.StatusCode, body)
	}
	var p dance.Profile
	if err := json.Unmarshal(body, &p); err != nil {
		r.t.Fatal(err)
	}
	p.Raw = nil
	return &p
}

// Expire makes the stored token expired, so that the next use refreshes
// it.
func (r *devRun) Expire() {
	tok := r.Token()
	tok.ExpiresAt = time.Now().Add(-time.Hour)
	_ = r.mem.Set(nil, r.bp.Name(), tok)
}

// Get fetches a path of the app and returns its status.
func (r *devRun) Get(path string) int {
	resp := r.b.Get(r.app.URL + path)
	resp.Body.Close()
	return resp.StatusCode
}

// Calls are the requests that the blueprint sent to the provider whose
// path is path (after the development provider's /{name}).
func (r *devRun) Calls(path string) []*call {
	var out []*call
	for _, c := range r.rec.all() {
		if c.URL.Path == path || c.URL.Path == "/"+r.bp.Name()+path {
			out = append(out, c)
		}
	}
	return out
}

// checkLogin checks that the dance stored a token and that the profile is
// want, the persona as the preset's provider describes it.
func (r *devRun) checkLogin(want dance.Profile) {
	r.t.Helper()
	if tok := r.Token(); tok == nil || tok.AccessToken == "" {
		r.t.Fatal("no token stored after the login")
	}
	got := r.Profile()
	if !reflect.DeepEqual(*got, want) {
		r.t.Errorf("profile:\n got %+v\nwant %+v", *got, want)
	}
}

// forwarder is an HTTP transport that records every request (its body
// read as a form, or kept as it is when it is JSON) and sends it on.
type forwarder struct {
	next  http.RoundTripper // nil: http.DefaultTransport
	mu    sync.Mutex
	calls []*call
}

func (f *forwarder) RoundTrip(req *http.Request) (*http.Response, error) {
	c := &call{Method: req.Method, URL: req.URL, Header: req.Header.Clone()}
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body.Close()
		c.Body = string(b)
		c.Form = formOf(req.Header.Get("Content-Type"), b)
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(strings.NewReader(c.Body))
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	if f.next != nil {
		return f.next.RoundTrip(req)
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (f *forwarder) all() []*call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*call(nil), f.calls...)
}
