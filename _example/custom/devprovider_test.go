package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-gonic/gin"
)

// The custom blueprint is not a preset, so development mode does not move
// it; its README points it at the development provider's GitHub stand-in
// through its own environment variables. This is that configuration.
func TestCustomDevProvider(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	env := map[string]string{
		"OAUTH_EXAMPLE_BASE_URL":  dev.URL + "/github/",
		"OAUTH_EXAMPLE_AUTH_URL":  "login/oauth/authorize",
		"OAUTH_EXAMPLE_TOKEN_URL": "login/oauth/access_token",
	}
	cfg, userURL := envConfig(func(k string) string { return env[k] })
	cfg.ClientID, cfg.ClientSecret = "any-id", "any-secret"
	key := []byte("0123456789abcdef0123456789abcdef")
	a, err := newApp(cfg, userURL, key, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Engine)
	defer srv.Close()
	br := dancetest.NewBrowser(t)
	if resp := br.SignInAs(srv.URL+"/login/"+name, "alice"); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %d", resp.StatusCode)
	}
	if page := body(t, br.Get(srv.URL+"/").Body); !strings.Contains(page, "Alice Liddell") {
		t.Fatalf("home page:\n%s", page)
	}
}
