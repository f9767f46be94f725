package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// LinkedInConfig configures the LinkedIn preset. Provider documentation:
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
//
// The token request sends the client ID and secret in its body.
//
// Profile: GET /v2/userinfo (Sign In with LinkedIn using OpenID Connect,
// scopes "openid", "profile", "email"). Login is always empty; Email and
// EmailVerified need the "email" scope.
type LinkedInConfig struct {
	// ClientID is the client ID; default from LINKEDIN_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// LINKEDIN_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default none.
	Scopes []string
	// Endpoints override www.linkedin.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.linkedin.com/v2/.
	dance.Options
}

// LinkedIn returns a blueprint named "linkedin".
func LinkedIn(cfg LinkedInConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.LinkedIn,
		clientIDInBody: true,
		// "Sign In with LinkedIn using OpenID Connect": with openid in the
		// scope, the ID token is verified against LinkedIn's issuer.
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
