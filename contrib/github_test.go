package contrib_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

func TestGitHubDefaults(t *testing.T) {
	t.Setenv("GITHUB_OAUTH_CLIENT_ID", "env-id")
	t.Setenv("GITHUB_OAUTH_CLIENT_SECRET", "env-secret")
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.GitHub(contrib.GitHubConfig{Scopes: []string{"user:email"}, Options: o})
	})
	id, secret, _ := (&http.Request{Header: o.Token.Header}).BasicAuth()
	if o.Login.Query().Get("client_id") != "env-id" || id != "env-id" || secret != "env-secret" {
		t.Errorf("credentials not read from the environment")
	}
	if o.AuthURL() != "https://github.com/login/oauth/authorize" || o.Token.Endpoint() != "https://github.com/login/oauth/access_token" {
		t.Errorf("endpoints = %s, %s", o.AuthURL(), o.Token.Endpoint())
	}
	if o.BaseURL() != "https://api.github.com/" || o.Name != "github" {
		t.Errorf("base %s name %s", o.BaseURL(), o.Name)
	}
	if strings.Join(o.Scopes(), " ") != "user:email" {
		t.Errorf("scopes = %v", o.Scopes())
	}
}

// The preset does a whole dance against the fake, with the endpoints
// overridden, and its client reaches the API.
func TestGitHubDanceAgainstFake(t *testing.T) {
	gin.SetMode(gin.TestMode)
	p := dancetest.NewProvider(dancetest.Config{})
	defer p.Close()
	bp, err := contrib.GitHub(contrib.GitHubConfig{
		ClientID: p.ClientID(), ClientSecret: p.ClientSecret(),
		Endpoints: contrib.Endpoints{AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token"},
		Options:   dance.Options{BaseURL: p.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r.Group("/login"))
	r.GET("/", bp.Middleware(), func(c *gin.Context) {
		var user struct{ Login string }
		gh := c.MustGet("github").(*dance.Client)
		if err := gh.GetJSON("/user", &user); err != nil {
			c.String(500, err.Error())
			return
		}
		c.String(200, "You are @%s on GitHub", user.Login)
	})
	app := httptest.NewServer(r)
	defer app.Close()
	br := dancetest.NewBrowser(t)
	if resp := br.Dance(app.URL + "/login/github"); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance ended with %d", resp.StatusCode)
	}
	resp := br.Get(app.URL + "/")
	defer resp.Body.Close()
	buf := new(strings.Builder)
	_, _ = io.Copy(buf, resp.Body)
	if buf.String() != "You are @octocat on GitHub" {
		t.Fatalf("home = %q", buf.String())
	}
}

// Acceptance 5 (issue 6), GitHub-style: Revoke deletes the app's grant
// with a DELETE and Basic auth, then empties the storage.
func TestGitHubRevokeDeletesGrant(t *testing.T) {
	gin.SetMode(gin.TestMode)
	p := dancetest.NewProvider(dancetest.Config{})
	defer p.Close()
	at := p.IssueToken()
	mem := storage.NewMemory(&dance.Token{AccessToken: at, TokenType: "bearer"})
	bp, err := contrib.GitHub(contrib.GitHubConfig{
		ClientID: p.ClientID(), ClientSecret: p.ClientSecret(),
		Options: dance.Options{BaseURL: p.URL, Storage: mem},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got error
	r := gin.New()
	r.GET("/", bp.Middleware(), func(c *gin.Context) { got = c.MustGet("github").(*dance.Client).Revoke() })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if got != nil {
		t.Fatalf("Revoke: %v", got)
	}
	reqs := p.RequestsTo("/applications/" + p.ClientID() + "/grant")
	if len(reqs) != 1 || reqs[0].Method != http.MethodDelete {
		t.Fatalf("grant endpoint got %d requests, want 1 DELETE", len(reqs))
	}
	user, pass, ok := (&http.Request{Header: reqs[0].Header}).BasicAuth()
	if !ok || user != p.ClientID() || pass != p.ClientSecret() {
		t.Errorf("DELETE without the client's Basic auth")
	}
	if !strings.Contains(reqs[0].Body, at) {
		t.Errorf("DELETE body does not name the access token")
	}
	if p.TokenActive(at) {
		t.Error("the fake still accepts the token")
	}
	if tok, _ := mem.Get(nil, "github"); tok != nil {
		t.Error("the token is still stored")
	}

	// Revoking again: GitHub answers 404, which is an error, and a token
	// put back in storage stays there.
	_ = mem.Set(nil, "github", &dance.Token{AccessToken: at})
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	var e *dance.Error
	if !errors.As(got, &e) || e.Stage != dance.StageRevoke || e.Status != http.StatusNotFound {
		t.Fatalf("second Revoke = %v, want a revoke-stage *Error with 404", got)
	}
	if tok, _ := mem.Get(nil, "github"); tok == nil {
		t.Error("a failed revocation deleted the token")
	}
}
