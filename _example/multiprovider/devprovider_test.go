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

// The example through the development provider, with no credentials: one
// persona signs in with GitHub, then links Google and GitLab.
func TestMultiproviderDevProvider(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	db, err := gorm.Open(sqlite.Open("file:"+filepath.Join(t.TempDir(), "app.db")+"?_busy_timeout=5000&_foreign_keys=on"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	r, err := newApp(Config{DB: db, GitHub: contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}}, Google: contrib.GoogleConfig{Endpoints: contrib.Endpoints{Dev: dev}}, GitLab: contrib.GitLabConfig{Endpoints: contrib.Endpoints{Dev: dev}}, HashKey: []byte("0123456789abcdef0123456789abcdef"), BlockKey: []byte("fedcba9876543210fedcba9876543210")})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{app: httptest.NewServer(r), db: db}
	defer e.app.Close()
	br := dancetest.NewBrowser(t)
	for _, p := range []string{"github", "google", "gitlab"} {
		if resp := br.SignInAs(e.app.URL+"/login/"+p, "alice"); resp.StatusCode != http.StatusFound {
			t.Fatalf("callback of %s: %d", p, resp.StatusCode)
		}
	}
	page := e.page(t, br)
	if !strings.Contains(page, "Hello, Alice Liddell") || linked(page) != "github,google,gitlab" {
		t.Fatalf("after signing in as alice with the three providers:\n%s", page)
	}
}
