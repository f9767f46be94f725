package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// AmazonConfig configures the Login with Amazon preset. Provider
// documentation:
// https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html
//
// The token request sends the client ID and secret in its body, as Login
// with Amazon documents; the blueprint is refreshable. For another region's
// Amazon (amazon.co.uk, amazon.co.jp), set Endpoints.AuthURL and TokenURL
// to its hosts.
//
// Profile: GET https://api.amazon.com/user/profile (scope "profile").
// Login, EmailVerified and AvatarURL are always empty.
type AmazonConfig struct {
	// ClientID is the security profile's client ID; default from
	// AMAZON_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the security profile's client secret; default from
	// AMAZON_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "profile" (user ID, name and e-mail);
	// "profile:user_id" gives the user ID alone.
	Scopes []string
	// Endpoints override www.amazon.com's and api.amazon.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.amazon.com/.
	dance.Options
}

// Amazon returns a blueprint named "amazon".
func Amazon(cfg AmazonConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.Amazon,
		clientIDInBody: true,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
