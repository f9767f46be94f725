package contrib

import "github.com/gin-dance/dance"

// DexcomConfig configures the Dexcom preset, the Go form of Flask-Dance's
// make_dexcom_blueprint (added in Flask-Dance 7.0). Provider
// documentation: https://developer.dexcom.com/docs/dexcom/authentication/
//
// The blueprint is refreshable. Dexcom has no identity endpoint, so there
// is no profile mapping.
type DexcomConfig struct {
	// ClientID is the client ID; default from DEXCOM_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// DEXCOM_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request. Default "offline_access". Flask-Dance: scope.
	Scopes []string
	// Endpoints override api.dexcom.com's (for the sandbox,
	// sandbox-api.dexcom.com).
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.dexcom.com/. Flask-Dance: base_url.
	dance.Options
}

// Dexcom returns a blueprint named "dexcom".
func Dexcom(cfg DexcomConfig) (*dance.Blueprint, error) {
	return preset{
		name:        "dexcom",
		authURL:     "https://api.dexcom.com/v2/oauth2/login",
		tokenURL:    "https://api.dexcom.com/v2/oauth2/token",
		baseURL:     "https://api.dexcom.com/",
		scopes:      []string{"offline_access"},
		refreshable: true,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
