package contrib_test

import (
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

// TestPresetHubSpotDevLogin: through the development provider, a HubSpot
// login stores a refreshable token (with the hub_id of the account), and
// the profile maps the token's metadata: user_id, and the user's e-mail.
func TestPresetHubSpotDevLogin(t *testing.T) {
	cfg := contrib.HubSpotConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.HubSpot(cfg) }, "bob")
	if tok := a.ok(t); tok.RefreshToken == "" || tok.Extra["hub_id"] == nil {
		t.Errorf("token %+v, want a refresh token and hub_id", tok)
	}
	if p := a.profile(t); p.ID != "1002" || p.Email != "bob@example.org" || p.Login != p.Email {
		t.Errorf("profile %+v, want bob's user_id and e-mail", p)
	}
}

// TestPresetHubSpotTokenInPath: the profile reads
// /oauth/v1/access-tokens/{the access token}; the token request carries
// the credentials in the body; OptionalScopes go in optional_scope.
func TestPresetHubSpotTokenInPath(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	cfg := contrib.HubSpotConfig{OptionalScopes: []string{"crm.objects.deals.read", "automation"}}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.HubSpot(cfg) }, "")
	tok := a.ok(t)
	a.profile(t)
	var hit bool
	for _, r := range fake.Requests() {
		hit = hit || r.Path == "/oauth/v1/access-tokens/"+tok.AccessToken
	}
	if !hit {
		t.Error("no call to /oauth/v1/access-tokens/<token>")
	}
	if r := fake.RequestsTo("/token"); len(r) != 1 || r[0].ClientAuth() != "params" {
		t.Errorf("token requests %v, want the credentials in the body", r)
	}
	if q := fake.RequestsTo("/authorize")[0].Query; q.Get("optional_scope") != "crm.objects.deals.read automation" {
		t.Errorf("optional_scope %q", q.Get("optional_scope"))
	}
}
