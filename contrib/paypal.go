package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// PayPalConfig configures the Log in with PayPal preset. Provider
// documentation:
// https://developer.paypal.com/docs/log-in-with-paypal/integrate/
//
// The token request sends the client ID and secret as HTTP Basic auth, as
// PayPal requires; the blueprint is refreshable. PayPal's ID tokens are
// not verified (they are not signed with a published key), so the profile
// comes from the userinfo endpoint.
//
// Profile: GET /v1/identity/oauth2/userinfo?schema=paypalv1.1. ID is the
// user_id; Email is the primary address of "emails" (the first when none
// is marked), and EmailVerified whether PayPal confirmed it; Login and
// AvatarURL are always empty.
type PayPalConfig struct {
	// ClientID is the REST app's client ID; default from
	// PAYPAL_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the REST app's secret; default from
	// PAYPAL_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "openid", "profile", "email".
	Scopes []string
	// Sandbox uses PayPal's sandbox (www.sandbox.paypal.com and
	// api-m.sandbox.paypal.com), with the sandbox app's credentials.
	Sandbox bool
	// Endpoints override www.paypal.com's and api-m.paypal.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api-m.paypal.com/ (https://api-m.sandbox.paypal.com/ with
	// Sandbox).
	dance.Options
}

// PayPal returns a blueprint named "paypal".
func PayPal(cfg PayPalConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.PayPal, profileFix: paypalPrimaryEmail}
	if cfg.Sandbox {
		p.rehost("www.paypal.com", "www.sandbox.paypal.com")
		p.rehost("api-m.paypal.com", "api-m.sandbox.paypal.com")
	}
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// paypalPrimaryEmail picks the primary address of PayPal's "emails" list
// (the mapping read the first), and whether it is confirmed.
func paypalPrimaryEmail(_ *dance.Client, p *dance.Profile) error {
	emails, _ := p.Raw["emails"].([]any)
	for _, e := range emails {
		m, _ := e.(map[string]any)
		if primary, _ := m["primary"].(bool); !primary {
			continue
		}
		if v, _ := m["value"].(string); v != "" {
			confirmed, _ := m["confirmed"].(bool)
			p.Email, p.EmailVerified = v, &confirmed
		}
		break
	}
	return nil
}
