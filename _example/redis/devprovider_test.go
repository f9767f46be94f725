package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
)

// The two instances through the development provider, with no
// credentials: sign in on A as a persona, and B knows the user.
func TestTwoInstancesDevProvider(t *testing.T) {
	dev := devprovider.Start(t, devprovider.Config{})
	e := newEnvWith(t, contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}})
	br := dancetest.NewBrowser(t)
	if resp := br.SignInAs(e.a.URL+"/login/github", "bob"); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback on A: %d", resp.StatusCode)
	}
	if p := page(t, br, e.b.URL); !strings.Contains(p, "Instance B") || !strings.Contains(p, "@bob") {
		t.Fatalf("B after signing in on A as bob:\n%s", p)
	}
}
