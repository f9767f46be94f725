package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

type testEnv struct {
	app *httptest.Server
	db  *gorm.DB
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	gin.SetMode(gin.TestMode)
	github := dancetest.NewProvider(dancetest.Config{})
	google := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{"/oauth2/v2/userinfo": fakeGoogleUser}})
	gitlab := dancetest.NewProvider(dancetest.Config{User: fakeGitLabUser})
	for _, p := range []*dancetest.Provider{github, google, gitlab} {
		t.Cleanup(p.Close)
	}
	db, err := gorm.Open(sqlite.Open("file:"+filepath.Join(t.TempDir(), "app.db")+"?_busy_timeout=5000&_foreign_keys=on"),
		&gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{DB: db, HashKey: []byte("0123456789abcdef0123456789abcdef"), BlockKey: []byte("fedcba9876543210fedcba9876543210")}
	cfg.GitHub.Endpoints, cfg.GitHub.Options = fakeEndpoints(github)
	cfg.GitHub.ClientID, cfg.GitHub.ClientSecret = github.ClientID(), github.ClientSecret()
	cfg.Google.Endpoints, cfg.Google.Options = fakeEndpoints(google)
	cfg.Google.ClientID, cfg.Google.ClientSecret = google.ClientID(), google.ClientSecret()
	cfg.GitLab.Endpoints, cfg.GitLab.Options = fakeEndpoints(gitlab)
	cfg.GitLab.ClientID, cfg.GitLab.ClientSecret = gitlab.ClientID(), gitlab.ClientSecret()
	r, err := newApp(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{app: httptest.NewServer(r), db: db}
	t.Cleanup(e.app.Close)
	return e
}

func (e *testEnv) page(t *testing.T, br *dancetest.Browser) string {
	t.Helper()
	resp := br.Get(e.app.URL + "/")
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("home: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

func (e *testEnv) dance(t *testing.T, br *dancetest.Browser, provider string) {
	t.Helper()
	if resp := br.Dance(e.app.URL + "/login/" + provider); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance with %s: status %d", provider, resp.StatusCode)
	}
}

func (e *testEnv) logout(t *testing.T, br *dancetest.Browser) {
	t.Helper()
	resp, err := br.Post(e.app.URL+"/logout", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /logout: %d", resp.StatusCode)
	}
}

func (e *testEnv) count(t *testing.T, model any) int64 {
	t.Helper()
	var n int64
	if err := e.db.Model(model).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

var linkedRE = regexp.MustCompile(`data-provider="([a-z]+)"`)

// linked lists the providers the page shows as linked, in page order.
func linked(page string) string {
	var out []string
	for _, m := range linkedRE.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return strings.Join(out, ",")
}

// The whole flow: log in with GitHub (a new user), link Google and
// GitLab, see all three, log out, log in with Google: the same user, with
// the three providers still linked.
func TestMultiproviderFlow(t *testing.T) {
	e := newEnv(t)
	br := dancetest.NewBrowser(t)
	page := e.page(t, br)
	for _, p := range []string{"github", "google", "gitlab"} {
		if !strings.Contains(page, `id="login-`+p+`" href="/login/`+p+`"`) {
			t.Fatalf("logged-out home has no login link for %s:\n%s", p, page)
		}
	}

	e.dance(t, br, "github")
	page = e.page(t, br)
	if !strings.Contains(page, `<p id="greeting">Hello, The Octocat (user 1)</p>`) || linked(page) != "github" {
		t.Fatalf("after logging in with GitHub:\n%s", page)
	}
	if !strings.Contains(page, `id="link-google"`) || !strings.Contains(page, `id="link-gitlab"`) {
		t.Fatalf("no links to add Google and GitLab:\n%s", page)
	}

	e.dance(t, br, "google")
	if page := e.page(t, br); linked(page) != "github,google" || !strings.Contains(page, "Linked google.") {
		t.Fatalf("after linking Google:\n%s", page)
	}
	e.dance(t, br, "gitlab")
	page = e.page(t, br)
	if linked(page) != "github,google,gitlab" || !strings.Contains(page, "(user 1)") || strings.Contains(page, `id="link-`) {
		t.Fatalf("after linking GitLab:\n%s", page)
	}
	if users, links := e.count(t, &User{}), e.count(t, &OAuth{}); users != 1 || links != 3 {
		t.Fatalf("%d users and %d links; want 1 and 3", users, links)
	}
	var g OAuth
	e.db.Where("provider = ?", "google").First(&g)
	if g.ProviderUserID != "108729934471102334488" || g.UserID == nil || *g.UserID != 1 || !g.Token.Valid() {
		t.Fatalf("Google's link = %+v", g)
	}

	e.logout(t, br)
	page = e.page(t, br)
	if strings.Contains(page, `id="greeting"`) || linked(page) != "" || !strings.Contains(page, "You are logged out.") {
		t.Fatalf("after logout:\n%s", page)
	}

	// Log in with the second provider: the same local user, all linked.
	e.dance(t, br, "google")
	page = e.page(t, br)
	if !strings.Contains(page, "Hello, The Octocat (user 1)") || linked(page) != "github,google,gitlab" {
		t.Fatalf("logging in with Google after logout:\n%s", page)
	}
	// And in another browser, with GitLab.
	other := dancetest.NewBrowser(t)
	e.dance(t, other, "gitlab")
	if page := e.page(t, other); !strings.Contains(page, "(user 1)") {
		t.Fatalf("GitLab login in another browser:\n%s", page)
	}
	if users := e.count(t, &User{}); users != 1 {
		t.Fatalf("%d users, want 1", users)
	}
}

// A first login with a provider account nobody linked creates its own
// user; linking that account to someone else afterwards is refused.
func TestMultiproviderSeparateUsers(t *testing.T) {
	e := newEnv(t)
	alice := dancetest.NewBrowser(t)
	e.dance(t, alice, "github")
	bob := dancetest.NewBrowser(t)
	e.dance(t, bob, "gitlab")
	if page := e.page(t, bob); !strings.Contains(page, "Hello, The Tanuki (user 2)") || linked(page) != "gitlab" {
		t.Fatalf("a new GitLab account:\n%s", page)
	}
	// Alice tries to link Bob's GitLab account: refused, nothing changes.
	e.dance(t, alice, "gitlab")
	page := e.page(t, alice)
	if !strings.Contains(page, "This gitlab account is linked to another user.") || linked(page) != "github" {
		t.Fatalf("linking another user's account:\n%s", page)
	}
	if users, links := e.count(t, &User{}), e.count(t, &OAuth{}); users != 2 || links != 2 {
		t.Fatalf("%d users and %d links; want 2 and 2", users, links)
	}
}
