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

// The Google example through the development provider: the ID token is
// verified against the provider's key set and issuer, and the claims and
// profile are the picked persona's.
func TestGoogleDevProvider(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	a, err := newApp(contrib.GoogleConfig{Endpoints: contrib.Endpoints{Dev: dev}}, testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Engine)
	defer srv.Close()
	br := dancetest.NewBrowser(t)
	if resp := br.SignInAs(srv.URL+"/login/google", "alice"); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %d", resp.StatusCode)
	}
	page := body(t, br.Get(srv.URL+"/").Body)
	for _, want := range []string{"alice@example.com", "Alice Liddell", "example.com"} {
		if !strings.Contains(page, want) {
			t.Errorf("home page lacks %q:\n%s", want, page)
		}
	}
}
