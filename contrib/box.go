package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// BoxConfig configures the Box preset (OAuth 2.0 with user
// authentication). Provider documentation:
// https://developer.box.com/guides/authentication/oauth2/
//
// The token request sends the client ID and secret in its body, as Box
// requires. The blueprint is refreshable; Box's refresh tokens are single
// use, so each refresh stores the new one it gives (a second instance
// refreshing with the old one is refused: see Options.RefreshLock).
// [dance.Client.Revoke] uses Box's revocation endpoint.
//
// Profile: GET /2.0/users/me. Email is the Box login; Login and
// EmailVerified are always empty.
type BoxConfig struct {
	// ClientID is the app's client ID; default from BOX_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the app's client secret; default from
	// BOX_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default none: the app's application scopes.
	Scopes []string
	// Endpoints override account.box.com's and api.box.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.box.com/2.0/.
	dance.Options
}

// Box returns a blueprint named "box".
func Box(cfg BoxConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.Box,
		clientIDInBody: true,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
