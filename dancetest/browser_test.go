package dancetest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

// recorder is a testing.TB that records failures instead of failing, so a
// test can check that a helper fails when it should.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// run calls f with a recorder, in a goroutine of its own so that Fatalf
// can stop it, and returns what failed.
func run(f func(tb testing.TB)) []string {
	r := new(recorder)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.failures
}

// Acceptance 3: Browser.Dance fails the test when the dance failed, even
// though a failed dance redirects like a good one: to the error hooks'
// path, or home after a hook that refused to store the token.
func TestBrowserDanceDetectsFailedDance(t *testing.T) {
	gin.SetMode(gin.TestMode)
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	var refuse atomic.Bool // the authorized hook refuses the login (a link to another user, say)
	cfg := contrib.GitHubConfig{Options: dance.Options{Hooks: dance.Hooks{
		OnAuthorized: func(c *gin.Context, _ *dance.Blueprint, _ *dance.Token) (bool, error) {
			return !refuse.Load(), nil
		},
		OnError: func(c *gin.Context, _ *dance.Blueprint, _ *dance.Error) {
			c.Redirect(http.StatusFound, "/login-failed")
		},
	}}}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	bp, err := contrib.GitHub(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", store))
	bp.Register(r.Group("/login"))
	r.GET("/me", bp.Required(), func(c *gin.Context) { c.String(http.StatusOK, "me") })
	srv := httptest.NewServer(r)
	defer srv.Close()
	want := dancetest.Want{ErrorPath: "/login-failed", Stored: "/me"}
	dance := func(want ...dancetest.Want) []string {
		return run(func(tb testing.TB) { dancetest.NewBrowser(tb).Dance(srv.URL+"/login/github", want...) })
	}

	if got := dance(want); len(got) != 0 {
		t.Fatalf("a good dance failed: %q", got)
	}

	fake.Fail(dancetest.FailInvalidGrant) // the error hooks send the user to /login-failed
	if got := dance(want); len(got) != 1 || !strings.Contains(got[0], "error path /login-failed") {
		t.Errorf("a dance that ended in the error hooks: failures %q, want one naming the error path", got)
	}
	if got := dance(); len(got) != 0 {
		t.Errorf("without a Want, Dance only drives: failures %q", got)
	}
	fake.Fail(dancetest.FailNone)

	refuse.Store(true) // home, as after a good login, but nothing stored
	if got := dance(want); len(got) != 1 || !strings.Contains(got[0], "stored no token") {
		t.Errorf("a dance whose hook stored nothing: failures %q, want one saying no token was stored", got)
	}
}
