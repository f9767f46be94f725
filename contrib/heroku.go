package contrib

import "github.com/gin-dance/dance"

// HerokuConfig configures the Heroku preset, the Go form of Flask-Dance's
// make_heroku_blueprint. Provider documentation:
// https://devcenter.heroku.com/articles/oauth
//
// Profile: GET /account. Login, EmailVerified and AvatarURL are always
// empty; Name can be empty.
type HerokuConfig struct {
	// ClientID is the OAuth client ID; default from HEROKU_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the OAuth client secret; default from
	// HEROKU_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request, for example "identity", "read". Default none.
	// Flask-Dance: scope.
	Scopes []string
	// APIVersion is the Platform API version, sent on every API call as
	// "Accept: application/vnd.heroku+json; version={APIVersion}".
	// Default "3". Flask-Dance: api_version.
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
		name:     "heroku",
		authURL:  "https://id.heroku.com/oauth/authorize",
		tokenURL: "https://id.heroku.com/oauth/token",
		baseURL:  "https://api.heroku.com/",
		header:   staticHeader("Accept", "application/vnd.heroku+json; version="+or(cfg.APIVersion, "3")),
		profile:  &profileSpec{url: "account", id: "id", name: "name", email: "email"},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
