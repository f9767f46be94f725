package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// YahooConfig configures the Yahoo preset: Yahoo's OpenID Connect.
// Provider documentation:
// https://developer.yahoo.com/oauth2/guide/openid_connect/
//
// The ID token is verified against the issuer https://api.login.yahoo.com
// with the keys at https://api.login.yahoo.com/openid/v1/certs. The token
// request sends the client ID and secret as HTTP Basic auth; the blueprint
// is refreshable.
//
// Profile: GET https://api.login.yahoo.com/openid/v1/userinfo (OpenID
// Connect claims). Email and EmailVerified need the "email" scope.
type YahooConfig struct {
	// ClientID is the app's client ID (consumer key); default from
	// YAHOO_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the app's client secret (consumer secret); default
	// from YAHOO_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "openid", "profile", "email".
	Scopes []string
	// Endpoints override api.login.yahoo.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.login.yahoo.com/.
	dance.Options
}

// Yahoo returns a blueprint named "yahoo".
func Yahoo(cfg YahooConfig) (*dance.Blueprint, error) {
	return preset{Provider: presets.Yahoo}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
