package contrib_test

import (
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

func buildPinterest(cfg contrib.PinterestConfig) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.Endpoints, cfg.Options = ep, o
		return contrib.Pinterest(cfg)
	}
}

// Pinterest through the development provider: the login with
// user_accounts:read, the token stored (Basic auth), and the profile from
// /v5/user_account.
func TestPresetPinterest(t *testing.T) {
	run := devDance(t, buildPinterest(contrib.PinterestConfig{}))
	if got := run.Login.Query().Get("scope"); got != "user_accounts:read" {
		t.Errorf("scope %q", got)
	}
	run.checkLogin(dance.Profile{Provider: "pinterest", ID: who.ID, Login: who.Login, Name: who.Name})
	if calls := run.Calls("/v5/oauth/token"); len(calls) != 1 || calls[0].ClientAuth() != "basic" {
		t.Error("the token request is not Basic-authenticated")
	}
}

// Pinterest wants its scopes comma-separated.
func TestPresetPinterestCommaScopes(t *testing.T) {
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		return buildPinterest(contrib.PinterestConfig{ClientID: "id", ClientSecret: "s", Scopes: []string{"boards:read", "pins:read"}})(contrib.Endpoints{}, o)
	})
	if got := o.Login.Query().Get("scope"); got != "boards:read,pins:read" {
		t.Errorf("scope %q, want boards:read,pins:read", got)
	}
}
