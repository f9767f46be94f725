package contrib_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

// danceTLS builds a blueprint with build, given Options with an error
// hook, runs a dance for it against p, and returns the callback's status
// and the error the error hook saw, if any.
func danceTLS(t *testing.T, p *dancetest.Provider, build func(dance.Options) (*dance.Blueprint, error)) (int, *dance.Error) {
	t.Helper()
	var got *dance.Error
	bp, err := build(dance.Options{Hooks: dance.Hooks{
		OnError: func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) { got = e },
	}})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r.Group("/login"))
	app := httptest.NewServer(r)
	defer app.Close()
	br := dancetest.NewBrowser(t)
	resp := br.Get(app.URL + "/login/" + bp.Name())
	resp.Body.Close()
	cb := p.CallbackQuery(br.Location(resp).Query())
	resp = br.Get(app.URL + "/login/" + bp.Name() + "/authorized?" + cb.Encode())
	resp.Body.Close()
	return resp.StatusCode, got
}

// Acceptance 4: GitLab's verify_tls_certificates=false gives the GitLab
// blueprint its own client that reaches a self-signed server, and leaves
// every other blueprint's client verifying certificates: their dances
// fail on the certificate, which a shared client would have accepted.
func TestGitLabInsecureTLSOnlyThisBlueprint(t *testing.T) {
	gin.SetMode(gin.TestMode)
	p := dancetest.NewTLSProvider(dancetest.Config{})
	defer p.Close()
	ep := contrib.Endpoints{AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token"}

	insecure := func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.GitLab(contrib.GitLabConfig{
			ClientID: p.ClientID(), ClientSecret: p.ClientSecret(), Endpoints: ep, InsecureSkipVerify: true, Options: o,
		})
	}
	if status, e := danceTLS(t, p, insecure); status != http.StatusFound || e != nil {
		t.Fatalf("insecure GitLab: status %d, error %v; want a successful dance", status, e)
	}

	others := map[string]func(dance.Options) (*dance.Blueprint, error){
		"github": func(o dance.Options) (*dance.Blueprint, error) {
			return contrib.GitHub(contrib.GitHubConfig{ClientID: p.ClientID(), ClientSecret: p.ClientSecret(), Endpoints: ep, Options: o})
		},
		"gitlab verifying": func(o dance.Options) (*dance.Blueprint, error) {
			return contrib.GitLab(contrib.GitLabConfig{ClientID: p.ClientID(), ClientSecret: p.ClientSecret(), Endpoints: ep, Options: o})
		},
	}
	for name, build := range others {
		t.Run(name, func(t *testing.T) {
			status, e := danceTLS(t, p, build)
			if status != http.StatusBadGateway || e == nil {
				t.Fatalf("status %d, error %v; want 502 with a certificate error (a client shared with the insecure blueprint would pass)", status, e)
			}
			if !strings.Contains(e.Error(), "certificate") {
				t.Errorf("error = %v, want a certificate error", e)
			}
		})
	}
}

// GitLab, like Flask-Dance, refuses to combine a custom client with
// InsecureSkipVerify rather than silently ignore one of them.
func TestGitLabInsecureTLSWithHTTPClient(t *testing.T) {
	_, err := contrib.GitLab(contrib.GitLabConfig{
		ClientID: "id", ClientSecret: "s", InsecureSkipVerify: true, Options: dance.Options{HTTPClient: &http.Client{}},
	})
	if err == nil {
		t.Fatal("no error for HTTPClient with InsecureSkipVerify")
	}
}
