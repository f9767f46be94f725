package dance_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// Issue 14: one blueprint registered on two routers at once (two
// instances of one app) is supported on purpose when its routes come out
// the same, and both routers serve a whole dance; the route URLs are read
// and written without a data race (run under -race).
func TestRegisterOnTwoRoutersConcurrently(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(p.Close)
	bp, err := dance.NewOAuth2(p.OAuth2Config("github"))
	if err != nil {
		t.Fatal(err)
	}
	engines := make([]*gin.Engine, 2)
	var wg sync.WaitGroup
	for i := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			engines[i] = apptest.NewRouter(bp) // registers under /login
			_ = bp.LoginURL()                  // read while the other registers
		}()
	}
	wg.Wait()
	if got := bp.LoginURL(); got != "/login/github" {
		t.Fatalf("LoginURL = %q, want /login/github", got)
	}
	if got := bp.AuthorizedURL(); got != "/login/github/authorized" {
		t.Fatalf("AuthorizedURL = %q, want /login/github/authorized", got)
	}
	for i, r := range engines {
		app := apptest.TestServer(t, r)
		b := dancetest.NewBrowser(t)
		b.Dance(app + "/login/github")
		resp := b.Get(app + "/token")
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(raw)
		if !strings.Contains(body, "access_token") {
			t.Fatalf("router %d: no token after the dance: %s", i, body)
		}
	}
}

// Issue 14: registering a blueprint under a second prefix would make its
// LoginURL and redirect_uri ambiguous, so it panics with a clear message at
// start-up, and the first registration stays in force.
func TestRegisterUnderAnotherPrefixPanics(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(p.Close)
	bp, err := dance.NewOAuth2(p.OAuth2Config("github"))
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	bp.Register(r.Group("/login"))
	got := func() (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		bp.Register(r.Group("/auth"))
		return ""
	}()
	for _, want := range []string{"github", "already registered at /login/github", "/auth/github", "second blueprint"} {
		if !strings.Contains(got, want) {
			t.Errorf("panic = %q, want it to contain %q", got, want)
		}
	}
	if bp.LoginURL() != "/login/github" {
		t.Errorf("LoginURL = %q after the refused registration", bp.LoginURL())
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/auth/github", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("GET /auth/github = %d, want 404: the refused registration added a route", w.Code)
	}
}
