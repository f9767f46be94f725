package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// PinterestConfig configures the Pinterest preset (API v5). Provider
// documentation:
// https://developers.pinterest.com/docs/getting-started/authentication-and-scopes/
//
// The token request sends the client ID and secret as HTTP Basic auth;
// the blueprint is refreshable. Scopes are sent comma-separated, as
// Pinterest wants, so a step-up login ([dance.Blueprint.Required] with
// scopes) asks for them as one.
//
// Profile: GET /v5/user_account. Login is the username, AvatarURL the
// profile image, Name the business name of a business account (empty for
// a personal one); Email and EmailVerified are always empty.
type PinterestConfig struct {
	// ClientID is the app ID; default from PINTEREST_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the app secret key; default from
	// PINTEREST_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "boards:read", "pins:read". Default
	// "user_accounts:read".
	Scopes []string
	// Endpoints override www.pinterest.com's and api.pinterest.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.pinterest.com/v5/.
	dance.Options
}

// Pinterest returns a blueprint named "pinterest".
func Pinterest(cfg PinterestConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.Pinterest}
	return p.build(cfg.ClientID, cfg.ClientSecret, commaScopes(orScopes(cfg.Scopes, p.Scopes...)), cfg.Endpoints, cfg.Options)
}
