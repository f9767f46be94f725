package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

func buildX(cfg contrib.XConfig) func(contrib.Endpoints, dance.Options) (*dance.Blueprint, error) {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.Endpoints, cfg.Options = ep, o
		return contrib.X(cfg)
	}
}

// X through the development provider: the login, the token stored, and
// the profile from /2/users/me (data.id, data.username, data.name).
func TestPresetX(t *testing.T) {
	run := devDance(t, buildX(contrib.XConfig{}))
	if run.bp.Name() != "x" {
		t.Errorf("name %q, want x (beside the OAuth 1 twitter)", run.bp.Name())
	}
	run.checkLogin(dance.Profile{Provider: "x", ID: who.ID, Login: who.Login, Name: who.Name})
}

// X's quirks at the token endpoint: PKCE (S256) at the authorization
// endpoint and the verifier at the token endpoint, which X requires, and
// the client's credentials as HTTP Basic auth, which X requires of
// confidential clients.
func TestPresetXPKCEAndBasicAuth(t *testing.T) {
	run := devDance(t, buildX(contrib.XConfig{}))
	q := run.Login.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		t.Errorf("authorization request without an S256 challenge: %v", q)
	}
	calls := run.Calls("/2/oauth2/token")
	if len(calls) != 1 {
		t.Fatalf("%d token requests", len(calls))
	}
	if got := calls[0].ClientAuth(); got != "basic" || calls[0].Form.Has("client_secret") {
		t.Errorf("token request's client auth %q (secret in body: %v), want Basic only", got, calls[0].Form.Has("client_secret"))
	}
	if calls[0].Form.Get("code_verifier") == "" {
		t.Error("token request without the PKCE verifier")
	}
}

// X gives a refresh token only with offline.access: the default scopes
// ask for it and the blueprint refreshes an expired token; without it the
// blueprint does not try.
func TestPresetXRefreshWithOfflineAccess(t *testing.T) {
	run := devDance(t, buildX(contrib.XConfig{}))
	if got := run.Login.Query().Get("scope"); got != "tweet.read users.read offline.access" {
		t.Errorf("default scope %q", got)
	}
	old := run.Token()
	run.Expire()
	if st := run.Get("/token"); st != http.StatusOK {
		t.Fatalf("token after expiry: %d", st)
	}
	if len(run.Calls("/2/oauth2/token")) != 2 || run.Token().AccessToken == old.AccessToken {
		t.Error("the expired token was not refreshed at the token endpoint")
	}
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.X(contrib.XConfig{ClientID: "id", ClientSecret: "s", Scopes: []string{"tweet.read", "users.read"}, Options: o})
	})
	// Without offline.access X issues no refresh token; a token that has
	// one is refreshed at the token endpoint all the same (issue 29).
	if o.Refresh == nil || o.Refresh.Endpoint() != "https://api.x.com/2/oauth2/token" {
		t.Error("a token with a refresh token was not refreshed at the token endpoint")
	}
}

// X's revocation endpoint revokes the token, and the user is logged out.
func TestPresetXRevoke(t *testing.T) {
	run := devDance(t, buildX(contrib.XConfig{}))
	if st := run.Get("/revoke"); st != http.StatusOK {
		t.Fatalf("revoke: %d", st)
	}
	calls := run.Calls("/2/oauth2/revoke")
	if len(calls) != 1 || calls[0].Form.Get("token") == "" {
		t.Fatalf("revocation requests: %d", len(calls))
	}
	if run.Token() != nil {
		t.Error("the token is still stored after the revocation")
	}
}

// A public client (no secret) sends its client ID in the token request's
// body, and no Basic auth.
func TestPresetXPublicClient(t *testing.T) {
	t.Setenv("X_OAUTH_CLIENT_SECRET", "")
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.X(contrib.XConfig{ClientID: "public-id", Options: o})
	})
	if o.Token.ClientAuth() != "params" || o.Token.Form.Get("client_id") != "public-id" || o.Token.Form.Get("code_verifier") == "" {
		t.Errorf("public client's token request: auth %q, client_id %q, verifier sent %v", o.Token.ClientAuth(), o.Token.Form.Get("client_id"), o.Token.Form.Has("code_verifier"))
	}
}
