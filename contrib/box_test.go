package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

func buildBox(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
	return contrib.Box(contrib.BoxConfig{Endpoints: ep, Options: o})
}

// Box through the development provider: the login, the token stored
// (credentials in the token request's body), the profile from
// /2.0/users/me (the login is the e-mail), and the revocation.
func TestPresetBox(t *testing.T) {
	run := devDance(t, buildBox)
	run.checkLogin(dance.Profile{Provider: "box", ID: who.ID, Name: who.Name, Email: who.Email})
	if calls := run.Calls("/oauth2/token"); len(calls) != 1 || calls[0].ClientAuth() != "params" || calls[0].Header.Get("Authorization") != "" {
		t.Error("the token request does not carry the credentials in its body alone")
	}
	checkDevRevoke(t, run, "/oauth2/revoke")
}

// Box's refresh tokens are single use: a refresh stores the new refresh
// token that comes with it, and the next refresh uses it, not the old one
// (which Box, and the development provider, refuse).
func TestPresetBoxRotatingRefresh(t *testing.T) {
	run := devDance(t, buildBox)
	first := run.Token()
	for i := range 2 {
		before := run.Token()
		run.Expire()
		if st := run.Get("/token"); st != http.StatusOK {
			t.Fatalf("refresh %d: %d", i+1, st)
		}
		after := run.Token()
		if after == nil || after.RefreshToken == "" || after.RefreshToken == before.RefreshToken {
			t.Fatalf("refresh %d did not store the new refresh token", i+1)
		}
	}
	calls := run.Calls("/oauth2/token")
	if len(calls) != 3 || calls[1].Form.Get("refresh_token") != first.RefreshToken || calls[2].Form.Get("refresh_token") == first.RefreshToken {
		t.Fatal("the second refresh did not use the rotated refresh token")
	}
}
