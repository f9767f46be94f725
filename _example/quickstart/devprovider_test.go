package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-gonic/gin"
)

// The quickstart through the development provider (-dev-provider),
// with no credentials: the persona picked is who the app greets.
func TestQuickstartDevProvider(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	key := []byte("0123456789abcdef0123456789abcdef")
	app, err := newApp(contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}}, key, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Engine)
	defer srv.Close()
	br := dancetest.NewBrowser(t)
	if resp := br.SignInAs(srv.URL+"/login/github", "bob"); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %d", resp.StatusCode)
	}
	if page := body(t, br.Get(srv.URL+"/")); !strings.Contains(page, "You are @bob on GitHub") {
		t.Fatalf("home page after signing in as bob:\n%s", page)
	}
}
