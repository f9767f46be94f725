package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

// TestPresetFigmaDevLogin: through the development provider, a Figma
// login stores a token and the profile maps /v1/me (the handle as Login
// and Name); an expired token is refreshed at Figma's own refresh
// endpoint, /v1/oauth/refresh, not at the token endpoint.
func TestPresetFigmaDevLogin(t *testing.T) {
	rec := &pbRecorder{}
	cfg := contrib.FigmaConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	cfg.HTTPClient = rec.client()
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Figma(cfg) }, "bob")
	old := a.ok(t)
	p := a.profile(t)
	if p.ID != "1002" || p.Login != "Bob Builder" || p.Email != "bob@example.org" {
		t.Errorf("profile %+v", p)
	}
	if !rec.saw("POST /figma/v1/oauth/token") {
		t.Error("no token request at /v1/oauth/token")
	}
	a.get(t, "/expire")
	if status, body := a.get(t, "/profile"); status != http.StatusOK {
		t.Fatalf("profile after expiry: %d %s", status, body)
	}
	if !rec.saw("POST /figma/v1/oauth/refresh") {
		t.Errorf("no refresh at /v1/oauth/refresh; calls %v", rec.seen)
	}
	if a.token().AccessToken == old.AccessToken {
		t.Error("the access token was not refreshed")
	}
}
