package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// SpotifyConfig configures the Spotify preset. Provider documentation:
// https://developer.spotify.com/documentation/web-api/tutorials/code-flow
//
// Profile: GET /v1/me. Login is the Spotify user ID; Email needs the
// "user-read-email" scope; EmailVerified is always empty; Name and
// AvatarURL can be empty.
type SpotifyConfig struct {
	// ClientID is the client ID; default from SPOTIFY_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// SPOTIFY_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "user-read-email". Default none.
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
		Provider: presets.Spotify,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
