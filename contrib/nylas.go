package contrib

import "github.com/gin-dance/dance"

// NylasConfig configures the Nylas preset, the Go form of Flask-Dance's
// make_nylas_blueprint. Provider documentation:
// https://developer.nylas.com/docs/v2/developer-guide/authentication/
//
// The token request sends the client ID and secret in its body.
//
// Profile: GET /account. Login, EmailVerified and AvatarURL are always
// empty.
type NylasConfig struct {
	// ClientID is the client ID; default from NYLAS_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// NYLAS_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request. Default "email". Flask-Dance: scope.
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
		name:           "nylas",
		authURL:        "https://api.nylas.com/oauth/authorize",
		tokenURL:       "https://api.nylas.com/oauth/token",
		baseURL:        "https://api.nylas.com/",
		scopes:         []string{"email"},
		clientIDInBody: true,
		profile:        &profileSpec{url: "account", id: "id", name: "name", email: "email_address"},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
