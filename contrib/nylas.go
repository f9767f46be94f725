package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// NylasConfig configures the Nylas preset. Provider documentation:
// https://developer.nylas.com/docs/v2/developer-guide/authentication/
//
// The token request sends the client ID and secret in its body.
//
// Profile: GET /account. Login, EmailVerified and AvatarURL are always
// empty.
type NylasConfig struct {
	// ClientID is the client ID; default from NYLAS_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// NYLAS_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "email".
	Scopes []string
	// Endpoints override api.nylas.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.nylas.com/.
	dance.Options
}

// Nylas returns a blueprint named "nylas".
func Nylas(cfg NylasConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.Nylas,
		clientIDInBody: true,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
