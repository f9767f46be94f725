package contrib_test

import (
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

func buildPayPal(cfg contrib.PayPalConfig) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.Endpoints, cfg.Options = ep, o
		return contrib.PayPal(cfg)
	}
}

// Log in with PayPal through the development provider: the login, the
// token stored (Basic auth at the token endpoint), and the profile from
// the paypalv1.1 userinfo (user_id, name, the e-mail and whether it is
// confirmed).
func TestPresetPayPal(t *testing.T) {
	run := devDance(t, buildPayPal(contrib.PayPalConfig{}))
	run.checkLogin(dance.Profile{Provider: "paypal", ID: who.ID, Name: who.Name, Email: who.Email, EmailVerified: no()})
	calls := run.Calls("/v1/oauth2/token")
	if len(calls) != 1 || calls[0].ClientAuth() != "basic" {
		t.Errorf("token request not with Basic auth")
	}
	if got := run.Calls("/v1/identity/oauth2/userinfo"); len(got) != 1 || got[0].URL.Query().Get("schema") != "paypalv1.1" {
		t.Errorf("userinfo not asked with schema=paypalv1.1")
	}
}

// Sandbox moves every URL to PayPal's sandbox hosts.
func TestPresetPayPalSandbox(t *testing.T) {
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.PayPal(contrib.PayPalConfig{ClientID: "id", ClientSecret: "s", Sandbox: true, Options: o})
	})
	if o.AuthURL() != "https://www.sandbox.paypal.com/signin/authorize" ||
		o.Token.Endpoint() != "https://api-m.sandbox.paypal.com/v1/oauth2/token" ||
		o.Profile.Endpoint() != "https://api-m.sandbox.paypal.com/v1/identity/oauth2/userinfo" ||
		o.Refresh.Endpoint() != "https://api-m.sandbox.paypal.com/v1/oauth2/token" {
		t.Errorf("sandbox endpoints: %s %s %s %s", o.AuthURL(), o.Token.Endpoint(), o.Profile.Endpoint(), o.Refresh.Endpoint())
	}
}

// The e-mail is the address PayPal marks primary, not the first of the
// list, with its confirmation.
func TestPresetPayPalPrimaryEmail(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{
		"/v1/identity/oauth2/userinfo": `{"user_id":"https://www.paypal.com/webapps/auth/identity/user/mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA","name":"Ada Lovelace",` +
			`"emails":[{"value":"old@example.com","primary":false,"confirmed":false},{"value":"ada@example.com","primary":true,"confirmed":true}]}`,
	}})
	t.Cleanup(fake.Close)
	run := fakeDance(t, fake, func(o dance.Options) (*dance.Blueprint, error) {
		cfg := contrib.PayPalConfig{Options: o}
		if err := fake.Configure(&cfg); err != nil {
			return nil, err
		}
		cfg.HTTPClient = o.HTTPClient
		return contrib.PayPal(cfg)
	})
	p := run.Profile()
	if p.Email != "ada@example.com" || p.EmailVerified == nil || !*p.EmailVerified || p.Name != "Ada Lovelace" {
		t.Errorf("profile %+v (verified %v), want ada@example.com confirmed", p, p.EmailVerified)
	}
}
