package contrib_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

func buildPatreon(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
	return contrib.Patreon(contrib.PatreonConfig{Endpoints: ep, Options: o})
}

// Patreon through the development provider: the login with the identity
// scopes, the token stored, and the profile from the v2 identity
// endpoint, which is asked for the user's fields.
func TestPresetPatreon(t *testing.T) {
	run := devDance(t, buildPatreon)
	if got := run.Login.Query().Get("scope"); got != "identity identity[email]" {
		t.Errorf("scope %q", got)
	}
	run.checkLogin(dance.Profile{Provider: "patreon", ID: who.ID, Login: who.Login, Name: who.Name, Email: who.Email, EmailVerified: no()})
	calls := run.Calls("/api/oauth2/v2/identity")
	if len(calls) != 1 {
		t.Fatalf("%d identity calls", len(calls))
	}
	fields := calls[0].URL.Query().Get("fields[user]")
	for _, f := range []string{"email", "full_name", "image_url", "is_email_verified", "vanity"} {
		if !strings.Contains(fields, f) {
			t.Errorf("fields[user]=%q lacks %s", fields, f)
		}
	}
}

// Patreon takes the client ID and secret in the token request's body, for
// the code and for the refresh.
func TestPresetPatreonCredentialsInBodyAndRefresh(t *testing.T) {
	run := devDance(t, buildPatreon)
	run.Expire()
	if st := run.Get("/token"); st != http.StatusOK {
		t.Fatalf("token after expiry: %d", st)
	}
	calls := run.Calls("/api/oauth2/token")
	if len(calls) != 2 || calls[1].Form.Get("grant_type") != "refresh_token" {
		t.Fatalf("%d token requests, want the code's and a refresh", len(calls))
	}
	for _, c := range calls {
		if c.ClientAuth() != "params" || c.Form.Get("client_secret") == "" {
			t.Errorf("%s: credentials not in the body", c.Form.Get("grant_type"))
		}
	}
}
