package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// FitbitConfig configures the Fitbit preset. Provider documentation:
// https://dev.fitbit.com/build/reference/web-api/developer-guide/authorization/
//
// The blueprint is refreshable.
//
// Profile: GET /1/user/-/profile.json (scope "profile"). Login, Email and
// EmailVerified are always empty.
type FitbitConfig struct {
	// ClientID is the client ID; default from FITBIT_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// FITBIT_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "profile", "activity". Default none.
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
		Provider: presets.Fitbit,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
