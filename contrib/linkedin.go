package contrib

import "github.com/gin-dance/dance"

// LinkedInConfig configures the LinkedIn preset, the Go form of
// Flask-Dance's make_linkedin_blueprint. Provider documentation:
// https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
//
// The token request sends the client ID and secret in its body.
//
// Profile: GET /v2/userinfo (Sign In with LinkedIn using OpenID Connect,
// scopes "openid", "profile", "email"). Login is always empty; Email and
// EmailVerified need the "email" scope.
type LinkedInConfig struct {
	// ClientID is the client ID; default from LINKEDIN_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// LINKEDIN_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request. Default none. Flask-Dance: scope.
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
		name:           "linkedin",
		authURL:        "https://www.linkedin.com/oauth/v2/authorization",
		tokenURL:       "https://www.linkedin.com/oauth/v2/accessToken",
		baseURL:        "https://api.linkedin.com/v2/",
		clientIDInBody: true,
		profile:        oidcProfile("userinfo"),
		// "Sign In with LinkedIn using OpenID Connect": with openid in the
		// scope, the ID token is verified against LinkedIn's issuer.
		issuer:  "https://www.linkedin.com/oauth",
		jwksURL: "https://www.linkedin.com/oauth/openid/jwks",
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
