package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-gonic/gin"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// The example through the development provider, with no credentials:
// two personas become two local users.
func TestMultiuserDevProvider(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	db, err := gorm.Open(sqlite.Open("file:"+filepath.Join(t.TempDir(), "app.db")+"?_busy_timeout=5000&_foreign_keys=on"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("0123456789abcdef0123456789abcdef")
	r, err := newApp(Config{DB: db, GitHub: contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}}, GitLab: gitLab(dev), HashKey: key, BlockKey: key})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{app: httptest.NewServer(r), db: db}
	defer e.app.Close()
	for i, who := range []string{"alice", "bob"} {
		br := dancetest.NewBrowser(t)
		if resp := br.SignInAs(e.app.URL+"/login/github", who); resp.StatusCode != http.StatusFound {
			t.Fatalf("callback: %d", resp.StatusCode)
		}
		name := devprovider.DefaultPersonas[i].Name
		if page := e.page(t, br); !strings.Contains(page, "Hello, "+name) {
			t.Fatalf("after signing in as %s:\n%s", who, page)
		}
	}
	br := dancetest.NewBrowser(t)
	br.SignInAs(e.app.URL+"/login/github", "alice")
	if resp := br.SignInAs(e.app.URL+"/login/gitlab", "alice"); resp.StatusCode != http.StatusFound {
		t.Fatalf("GitLab callback: %d", resp.StatusCode)
	}
	if page := e.page(t, br); linked(page) != "github,gitlab" {
		t.Fatalf("after linking GitLab:\n%s", page)
	}
	if n := e.count(t, &OAuth{}); n != 3 {
		t.Errorf("%d OAuth rows, want 3", n)
	}
}
