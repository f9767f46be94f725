package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

func buildAmazon(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
	return contrib.Amazon(contrib.AmazonConfig{Endpoints: ep, Options: o})
}

// Login with Amazon through the development provider: the login with the
// "profile" scope, the token stored, and the profile from /user/profile
// (user_id, name, email).
func TestPresetAmazon(t *testing.T) {
	run := devDance(t, buildAmazon)
	if got := run.Login.Query().Get("scope"); got != "profile" {
		t.Errorf("scope %q, want profile", got)
	}
	run.checkLogin(dance.Profile{Provider: "amazon", ID: who.ID, Name: who.Name, Email: who.Email})
}

// Login with Amazon takes the client ID and secret in the token request's
// body, for the code and for the refresh.
func TestPresetAmazonCredentialsInBody(t *testing.T) {
	run := devDance(t, buildAmazon)
	run.Expire()
	if st := run.Get("/token"); st != http.StatusOK {
		t.Fatalf("token after expiry: %d", st)
	}
	calls := run.Calls("/auth/o2/token")
	if len(calls) != 2 {
		t.Fatalf("%d token requests, want the code's and a refresh", len(calls))
	}
	for _, c := range calls {
		if c.ClientAuth() != "params" || c.Form.Get("client_secret") == "" || c.Header.Get("Authorization") != "" {
			t.Errorf("%s: credentials not in the body alone", c.Form.Get("grant_type"))
		}
	}
}
