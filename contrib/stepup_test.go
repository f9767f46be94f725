package contrib_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

// stepUpApp serves bp with a /repos route that needs need, and a /token
// route that shows the granted scopes.
func stepUpApp(t *testing.T, bp *dance.Blueprint, need string) (*dancetest.Browser, string) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r.Group("/login"))
	r.GET("/", func(c *gin.Context) { c.String(200, "home") })
	r.GET("/repos", bp.Required(need), func(c *gin.Context) { c.String(200, "your repos") })
	r.GET("/scopes", bp.Middleware(), func(c *gin.Context) {
		granted, known, err := c.MustGet(bp.Name()).(*dance.Client).Scopes()
		if err != nil || !known {
			c.String(500, "unknown")
			return
		}
		c.String(200, strings.Join(granted, " "))
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return dancetest.NewBrowser(t), srv.URL
}

// stepUp logs in, then visits /repos and checks that it sends the user
// to the provider with the union of scopes, and back to /repos with a
// token that holds it. It returns the step-up's authorize query.
func stepUp(t *testing.T, b *dancetest.Browser, app, name, wantScope string) url.Values {
	t.Helper()
	if resp := b.Dance(app + "/login/" + name); resp.StatusCode != http.StatusFound {
		t.Fatalf("first login: %d", resp.StatusCode)
	}
	resp := b.Get(app + "/repos")
	resp.Body.Close()
	authURL := b.Location(resp)
	q := authURL.Query()
	if got := strings.Fields(q.Get("scope")); !sameSet(got, strings.Fields(wantScope)) {
		t.Fatalf("step-up asks scope %q, want %q", q.Get("scope"), wantScope)
	}
	resp = b.Get(authURL.String())
	resp.Body.Close()
	resp = b.Get(b.Location(resp).String())
	resp.Body.Close()
	if loc := b.Location(resp); loc.Path != "/repos" {
		t.Fatalf("step-up callback goes to %s, want /repos", loc)
	}
	resp = b.Get(app + "/repos")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "your repos" {
		t.Fatalf("after step-up, /repos: %d %q", resp.StatusCode, body)
	}
	resp = b.Get(app + "/scopes")
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !sameSet(strings.Fields(string(body)), strings.Fields(wantScope)) {
		t.Errorf("stored token's scopes = %q, want %q", body, wantScope)
	}
	return q
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// GitHub's grants are additive: the step-up asks for the union of the
// granted and needed scopes, with no extra parameter.
func TestStepUpGitHub(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{})
	defer p.Close()
	cfg := contrib.GitHubConfig{Scopes: []string{"user:email"}}
	if err := p.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	bp, err := contrib.GitHub(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, app := stepUpApp(t, bp, "repo")
	q := stepUp(t, b, app, "github", "user:email repo")
	if q.Has("include_granted_scopes") {
		t.Errorf("GitHub step-up sends include_granted_scopes")
	}
}

// Google keeps earlier grants with include_granted_scopes=true.
func TestStepUpGoogle(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{})
	defer p.Close()
	cfg := contrib.GoogleConfig{}
	if err := p.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	bp, err := contrib.Google(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const drive = "https://www.googleapis.com/auth/drive.readonly"
	b, app := stepUpApp(t, bp, drive)
	q := stepUp(t, b, app, "google", "https://www.googleapis.com/auth/userinfo.profile "+drive)
	if q.Get("include_granted_scopes") != "true" {
		t.Errorf("Google step-up: include_granted_scopes = %q, want true", q.Get("include_granted_scopes"))
	}
	// The first login asked the configured scope only, without the parameter.
	first := p.RequestsTo("/authorize")[0].Query
	if first.Has("include_granted_scopes") || first.Get("scope") != "https://www.googleapis.com/auth/userinfo.profile" {
		t.Errorf("first login's query = %v", first)
	}
}
