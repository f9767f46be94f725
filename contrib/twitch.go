package contrib

import "github.com/gin-dance/dance"

// TwitchConfig configures the Twitch preset, the Go form of Flask-Dance's
// make_twitch_blueprint. Provider documentation:
// https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#authorization-code-grant-flow
//
// Every API call carries a Client-Id header, as the Helix API requires;
// the token request sends the client ID and secret in its body; the
// blueprint is refreshable.
//
// Profile: GET /helix/users. Email needs the "user:read:email" scope;
// EmailVerified is always empty.
type TwitchConfig struct {
	// ClientID is the client ID; default from TWITCH_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// TWITCH_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request. Default none. Flask-Dance: scope.
	Scopes []string
	// Endpoints override id.twitch.tv's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.twitch.tv/helix/.
	dance.Options
}

// Twitch returns a blueprint named "twitch".
func Twitch(cfg TwitchConfig) (*dance.Blueprint, error) {
	return preset{
		name:           "twitch",
		authURL:        "https://id.twitch.tv/oauth2/authorize",
		tokenURL:       "https://id.twitch.tv/oauth2/token",
		baseURL:        "https://api.twitch.tv/helix/",
		clientIDInBody: true,
		refreshable:    true,
		clientIDHeader: "Client-Id",
		profile: &profileSpec{
			url: "users", id: "data.0.id", login: "data.0.login", name: "data.0.display_name",
			email: "data.0.email", avatar: "data.0.profile_image_url",
		},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
