package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// DexcomConfig configures the Dexcom preset. Provider documentation:
// https://developer.dexcom.com/docs/dexcom/authentication/
//
// The blueprint is refreshable. Dexcom has no identity endpoint, so there
// is no profile mapping.
type DexcomConfig struct {
	// ClientID is the client ID; default from DEXCOM_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// DEXCOM_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "offline_access".
	Scopes []string
	// Endpoints override api.dexcom.com's (for the sandbox,
	// sandbox-api.dexcom.com).
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.dexcom.com/.
	dance.Options
}

// Dexcom returns a blueprint named "dexcom".
func Dexcom(cfg DexcomConfig) (*dance.Blueprint, error) {
	return preset{
		Provider: presets.Dexcom,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
