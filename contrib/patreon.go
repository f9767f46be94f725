package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// PatreonConfig configures the Patreon preset (API v2). Provider
// documentation: https://docs.patreon.com/#oauth
//
// The token request sends the client ID and secret in its body, as
// Patreon documents; the blueprint is refreshable.
//
// Profile: GET /api/oauth2/v2/identity with fields[user]=email,
// full_name, image_url, is_email_verified and vanity. Login is the vanity
// name (often empty); Email needs the "identity[email]" scope.
type PatreonConfig struct {
	// ClientID is the client's ID; default from PATREON_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client's secret; default from
	// PATREON_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "identity" and "identity[email]"; add
	// "identity.memberships" for the user's memberships.
	Scopes []string
	// Endpoints override www.patreon.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://www.patreon.com/api/oauth2/v2/.
	dance.Options
}

// Patreon returns a blueprint named "patreon".
func Patreon(cfg PatreonConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.Patreon,
		clientIDInBody: true,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
