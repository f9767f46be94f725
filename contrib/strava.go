package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// StravaConfig configures the Strava preset. Provider documentation:
// https://developers.strava.com/docs/authentication/
//
// The token request sends the client ID and secret in its body; the
// blueprint is refreshable. The base URL ends in a slash, so that
// relative calls such as "athlete" stay under /api/v3/.
//
// Profile: GET /api/v3/athlete. Email and EmailVerified are always empty
// (Strava does not expose the e-mail); Login can be empty.
type StravaConfig struct {
	// ClientID is the client ID; default from STRAVA_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// STRAVA_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "read".
	Scopes []string
	// UserAgent is sent on every API call. Default [DefaultUserAgent].
	UserAgent string
	// Endpoints override www.strava.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://www.strava.com/api/v3/.
	dance.Options
}

// Strava returns a blueprint named "strava".
func Strava(cfg StravaConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.Strava,
		clientIDInBody: true,
		header:         userAgent(cfg.UserAgent),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
