package contrib

import "github.com/gin-dance/dance"

// FitbitConfig configures the Fitbit preset, the Go form of Flask-Dance's
// make_fitbit_blueprint. Provider documentation:
// https://dev.fitbit.com/build/reference/web-api/developer-guide/authorization/
//
// The blueprint is refreshable.
//
// Profile: GET /1/user/-/profile.json (scope "profile"). Login, Email and
// EmailVerified are always empty.
type FitbitConfig struct {
	// ClientID is the client ID; default from FITBIT_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// FITBIT_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request, for example "profile", "activity". Default none.
	// Flask-Dance: scope.
	Scopes []string
	// Endpoints override www.fitbit.com's and api.fitbit.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.fitbit.com/.
	dance.Options
}

// Fitbit returns a blueprint named "fitbit".
func Fitbit(cfg FitbitConfig) (*dance.Blueprint, error) {
	return preset{
		name:        "fitbit",
		authURL:     "https://www.fitbit.com/oauth2/authorize",
		tokenURL:    "https://api.fitbit.com/oauth2/token",
		baseURL:     "https://api.fitbit.com/",
		refreshable: true,
		profile: &profileSpec{
			url: "1/user/-/profile.json", id: "user.encodedId", name: "user.fullName",
			nameParts: []string{"user.displayName"}, avatar: "user.avatar",
		},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
