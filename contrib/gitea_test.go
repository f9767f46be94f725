package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

// TestPresetGiteaDevLogin: through the development provider, a Gitea
// login with "openid" verifies the ID token (the claims are there), stores
// a refreshable token, and the profile maps /api/v1/user.
func TestPresetGiteaDevLogin(t *testing.T) {
	cfg := contrib.GiteaConfig{Scopes: []string{"openid", "read:user"}, Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	var claims dance.Claims
	cfg.Hooks.OnAuthorized = func(c *gin.Context, bp *dance.Blueprint, _ *dance.Token) (bool, error) {
		claims, _ = c.MustGet(bp.Name()).(*dance.Client).Claims()
		return true, nil
	}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Gitea(cfg) }, "bob")
	if tok := a.ok(t); tok.RefreshToken == "" {
		t.Error("no refresh token stored")
	}
	if claims["sub"] != "1002" {
		t.Errorf("verified claims %v, want bob's sub", claims)
	}
	pbWantBob(t, a.profile(t), true, true)
}

// TestPresetGiteaInstanceAndIDToken: Hostname moves the endpoints to the
// instance (Forgejo's Codeberg here), and with "openid" an ID token from
// another issuer than the instance is refused.
func TestPresetGiteaInstanceAndIDToken(t *testing.T) {
	cfg := contrib.GiteaConfig{ClientID: "id", ClientSecret: "s", Hostname: "codeberg.org"}
	a := pbServe(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Gitea(cfg) })
	if u := a.authURL(t); u.Host != "codeberg.org" || u.Path != "/login/oauth/authorize" {
		t.Errorf("authorization URL %s, want codeberg.org's", u)
	}

	fake := dancetest.NewProvider(dancetest.Config{IDToken: dancetest.IDTokenConfig{Claims: map[string]any{"iss": "https://gitea.example/"}}})
	t.Cleanup(fake.Close)
	cfg = contrib.GiteaConfig{Scopes: []string{"openid"}}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	a = pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Gitea(cfg) }, "")
	if a.login.StatusCode == http.StatusFound || a.token() != nil {
		t.Errorf("an ID token of another issuer: callback %d, token %v; want refused", a.login.StatusCode, a.token())
	}
}
