package contrib

import "github.com/gin-dance/dance"

// StravaConfig configures the Strava preset, the Go form of Flask-Dance's
// make_strava_blueprint. Provider documentation:
// https://developers.strava.com/docs/authentication/
//
// The token request sends the client ID and secret in its body; the
// blueprint is refreshable. The base URL ends in a slash (unlike
// Flask-Dance's), so that relative calls such as "athlete" stay under
// /api/v3/.
//
// Profile: GET /api/v3/athlete. Email and EmailVerified are always empty
// (Strava does not expose the e-mail); Login can be empty.
type StravaConfig struct {
	// ClientID is the client ID; default from STRAVA_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// STRAVA_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request. Default "read". Flask-Dance: scope.
	Scopes []string
	// UserAgent is sent on every API call. Default [DefaultUserAgent].
	// Flask-Dance: user_agent.
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
		name:           "strava",
		authURL:        "https://www.strava.com/api/v3/oauth/authorize",
		tokenURL:       "https://www.strava.com/api/v3/oauth/token",
		baseURL:        "https://www.strava.com/api/v3/",
		scopes:         []string{"read"},
		clientIDInBody: true,
		refreshable:    true,
		header:         userAgent(cfg.UserAgent),
		profile: &profileSpec{
			url: "athlete", id: "id", login: "username", nameParts: []string{"firstname", "lastname"}, avatar: "profile",
		},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
