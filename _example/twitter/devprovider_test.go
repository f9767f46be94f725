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

// The Twitter example through the development provider's OAuth 1
// stand-in, with no credentials: the app greets its user.
func TestTwitterDevProvider(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	a, err := newApp(contrib.TwitterConfig{OAuth1Endpoints: contrib.OAuth1Endpoints{Dev: dev}}, testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Engine)
	defer srv.Close()
	br := dancetest.NewBrowser(t)
	resp := br.Get(click(t, br, srv.URL, "authorize").String())
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %d", resp.StatusCode)
	}
	if page := body(t, br.Get(srv.URL+"/").Body); !strings.Contains(page, "You are @alice on Twitter") {
		t.Fatalf("home page:\n%s", page)
	}
}
