package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// HerokuConfig configures the Heroku preset. Provider documentation:
// https://devcenter.heroku.com/articles/oauth
//
// Profile: GET /account. Login, EmailVerified and AvatarURL are always
// empty; Name can be empty.
type HerokuConfig struct {
	// ClientID is the OAuth client ID; default from HEROKU_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the OAuth client secret; default from
	// HEROKU_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "identity", "read". Default none.
	Scopes []string
	// APIVersion is the Platform API version, sent on every API call as
	// "Accept: application/vnd.heroku+json; version={APIVersion}". Default
	// "3".
	APIVersion string
	// Endpoints override id.heroku.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.heroku.com/.
	dance.Options
}

// Heroku returns a blueprint named "heroku".
func Heroku(cfg HerokuConfig) (*dance.Blueprint, error) {
	return preset{
		Provider: presets.Heroku,
		header:   staticHeader("Accept", "application/vnd.heroku+json; version="+or(cfg.APIVersion, "3")),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
