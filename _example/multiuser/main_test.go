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
	app            *httptest.Server
	db             *gorm.DB
	github, gitlab *dancetest.Provider
}

func newEnv(t *testing.T, linkByMail bool, gitlabUser map[string]any) *testEnv {
	t.Helper()
	gin.SetMode(gin.TestMode)
	e := &testEnv{
		github: dancetest.NewProvider(dancetest.Config{}),
		gitlab: dancetest.NewProvider(dancetest.Config{User: gitlabUser}),
	}
	t.Cleanup(e.github.Close)
	t.Cleanup(e.gitlab.Close)
	db, err := gorm.Open(sqlite.Open("file:"+filepath.Join(t.TempDir(), "app.db")+"?_busy_timeout=5000&_foreign_keys=on"),
		&gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	e.db = db
	key := []byte("0123456789abcdef0123456789abcdef")
	r, err := newApp(Config{DB: db, GitHub: fakeGitHub(e.github), GitLab: fakeGitLab(e.gitlab),
		HashKey: key, BlockKey: key, LinkByVerifiedMail: linkByMail})
	if err != nil {
		t.Fatal(err)
	}
	e.app = httptest.NewServer(r)
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

func (e *testEnv) post(t *testing.T, br *dancetest.Browser, path string) {
	t.Helper()
	resp, err := br.Post(e.app.URL+path, "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d", path, resp.StatusCode)
	}
}

func (e *testEnv) dance(t *testing.T, br *dancetest.Browser, provider string) {
	t.Helper()
	if resp := br.Dance(e.app.URL + "/login/" + provider); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance with %s: status %d", provider, resp.StatusCode)
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

func linked(page string) string {
	var out []string
	for _, m := range linkedRE.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return strings.Join(out, ",")
}

// 10. The multi-user flow: create the user on the first login, log in
// again as the same user, link a second provider, log out, revoke.
func TestAcceptance10_MultiUserFlow(t *testing.T) {
	e := newEnv(t, false, fakeGitLabUser)
	br := dancetest.NewBrowser(t)
	if page := e.page(t, br); !strings.Contains(page, `href="/login/github"`) || !strings.Contains(page, `href="/login/gitlab"`) {
		t.Fatalf("logged-out home has no login links:\n%s", page)
	}

	// First login creates the user and the OAuth row, and logs in.
	e.dance(t, br, "github")
	page := e.page(t, br)
	if !strings.Contains(page, "Hello, The Octocat (user 1)") || linked(page) != "github" {
		t.Fatalf("after the first login:\n%s", page)
	}
	var link OAuth
	e.db.Where("provider = ?", "github").First(&link)
	if link.ProviderUserID != "583231" || link.UserID == nil || *link.UserID != 1 || !link.Token.Valid() {
		t.Fatalf("OAuth row = %+v", link)
	}

	// Log out, then log in again: the same user, still one row.
	e.post(t, br, "/logout")
	if page := e.page(t, br); strings.Contains(page, "Hello,") || !strings.Contains(page, "You are logged out.") {
		t.Fatalf("after logout:\n%s", page)
	}
	e.dance(t, br, "github")
	if page := e.page(t, br); !strings.Contains(page, "Hello, The Octocat (user 1)") {
		t.Fatalf("after logging in again:\n%s", page)
	}
	if users, links := e.count(t, &User{}), e.count(t, &OAuth{}); users != 1 || links != 1 {
		t.Fatalf("%d users and %d links after logging in twice", users, links)
	}
	var again OAuth
	e.db.Where("provider = ?", "github").First(&again)
	if again.Token.AccessToken == link.Token.AccessToken {
		t.Error("the second login did not save the new token")
	}

	// Link GitLab to the logged-in user.
	e.dance(t, br, "gitlab")
	if page := e.page(t, br); linked(page) != "github,gitlab" || !strings.Contains(page, "(user 1)") {
		t.Fatalf("after linking GitLab:\n%s", page)
	}
	if users := e.count(t, &User{}); users != 1 {
		t.Fatalf("linking created a user (%d users)", users)
	}

	// Another browser logging in with GitLab gets the same account.
	other := dancetest.NewBrowser(t)
	e.dance(t, other, "gitlab")
	if page := e.page(t, other); !strings.Contains(page, "(user 1)") {
		t.Fatalf("GitLab login in another browser:\n%s", page)
	}

	// Revoke GitHub: its token and row go; GitLab stays linked.
	e.post(t, br, "/revoke/github")
	if page := e.page(t, br); linked(page) != "gitlab" || !strings.Contains(page, `href="/login/github"`) {
		t.Fatalf("after revoking GitHub:\n%s", page)
	}
	if n := e.count(t, &OAuth{}); n != 1 {
		t.Fatalf("%d OAuth rows after revoke, want 1", n)
	}

	// Log out: no user, no linked accounts shown.
	e.post(t, br, "/logout")
	if page := e.page(t, br); strings.Contains(page, "Hello,") || linked(page) != "" {
		t.Fatalf("after the final logout:\n%s", page)
	}
}

// Matching e-mails do not link accounts unless the app opts in, and then
// only for an address the provider verified.
func TestEmailAutoLinking(t *testing.T) {
	verified := map[string]any{"id": 99, "username": "tanuki", "name": "Tanuki", "email": "octocat@example.com", "email_verified": true}
	t.Run("refused by default", func(t *testing.T) {
		e := newEnv(t, false, verified)
		e.dance(t, dancetest.NewBrowser(t), "github") // user 1, octocat@example.com
		br := dancetest.NewBrowser(t)
		e.dance(t, br, "gitlab")
		page := e.page(t, br)
		if strings.Contains(page, "Hello,") || !strings.Contains(page, "An account with this e-mail already exists") {
			t.Fatalf("GitLab with the same e-mail:\n%s", page)
		}
		if users, links := e.count(t, &User{}), e.count(t, &OAuth{}); users != 1 || links != 1 {
			t.Fatalf("%d users, %d links; want 1, 1", users, links)
		}
	})
	t.Run("unverified refused even when opted in", func(t *testing.T) {
		e := newEnv(t, true, fakeGitLabUser) // no email_verified
		e.dance(t, dancetest.NewBrowser(t), "github")
		br := dancetest.NewBrowser(t)
		e.dance(t, br, "gitlab")
		if page := e.page(t, br); strings.Contains(page, "Hello,") {
			t.Fatalf("an unverified e-mail linked the account:\n%s", page)
		}
	})
	t.Run("opted in", func(t *testing.T) {
		e := newEnv(t, true, verified)
		e.dance(t, dancetest.NewBrowser(t), "github")
		br := dancetest.NewBrowser(t)
		e.dance(t, br, "gitlab")
		if page := e.page(t, br); !strings.Contains(page, "(user 1)") || linked(page) != "github,gitlab" {
			t.Fatalf("opted-in linking by verified e-mail:\n%s", page)
		}
	})
}
