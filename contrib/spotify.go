package contrib

import "github.com/gin-dance/dance"

// SpotifyConfig configures the Spotify preset, the Go form of
// Flask-Dance's make_spotify_blueprint. Provider documentation:
// https://developer.spotify.com/documentation/web-api/tutorials/code-flow
//
// Profile: GET /v1/me. Login is the Spotify user ID; Email needs the
// "user-read-email" scope; EmailVerified is always empty; Name and
// AvatarURL can be empty.
type SpotifyConfig struct {
	// ClientID is the client ID; default from SPOTIFY_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// SPOTIFY_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request, for example "user-read-email". Default none.
	// Flask-Dance: scope.
	Scopes []string
	// Endpoints override accounts.spotify.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.spotify.com.
	dance.Options
}

// Spotify returns a blueprint named "spotify".
func Spotify(cfg SpotifyConfig) (*dance.Blueprint, error) {
	return preset{
		name:     "spotify",
		authURL:  "https://accounts.spotify.com/authorize",
		tokenURL: "https://accounts.spotify.com/api/token",
		baseURL:  "https://api.spotify.com",
		profile: &profileSpec{
			url: "v1/me", id: "id", login: "id", name: "display_name", email: "email", avatar: "images.0.url",
		},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
