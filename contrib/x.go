package contrib

import (
	"os"
	"slices"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// XConfig configures the X preset: X's (Twitter's) OAuth 2.0
// authorization code flow with PKCE, for the X API v2. (The Twitter preset
// is X's OAuth 1.0a, for the v1.1 API.) Provider documentation:
// https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
//
// The token request sends the client ID and secret as HTTP Basic auth, as
// X requires of confidential clients (web apps); a public client (no
// secret) sends its client ID in the body. PKCE (S256) is on, as X
// requires. The blueprint is refreshable only when the scopes include
// "offline.access" (the default ones do): without it, X issues no refresh
// token and the access token lasts two hours. [dance.Client.Revoke] uses
// X's revocation endpoint.
//
// Profile: GET /2/users/me?user.fields=profile_image_url. Login is the
// @username; Email and EmailVerified are always empty.
type XConfig struct {
	// ClientID is the OAuth 2.0 client ID (not the OAuth 1 API key);
	// default from X_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the OAuth 2.0 client secret; default from
	// X_OAUTH_CLIENT_SECRET. Empty for a public client (a native app).
	ClientSecret string
	// Scopes to request. Default "tweet.read", "users.read" (which
	// users/me needs) and "offline.access" (a refresh token).
	Scopes []string
	// Endpoints override x.com's and api.x.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.x.com/2/.
	dance.Options
}

// X returns a blueprint named "x".
func X(cfg XConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.X}
	p.Refreshable = slices.Contains(orScopes(cfg.Scopes, p.Scopes...), "offline.access")
	// A public client (a native app's client ID, no secret) sends its
	// client ID in the body; PKCE is its proof.
	p.clientIDInBody = cfg.Dev == nil && or(cfg.ClientSecret, os.Getenv("X_OAUTH_CLIENT_SECRET")) == ""
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
