package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// ORCIDConfig configures the ORCID preset. Provider documentation:
// https://info.orcid.org/documentation/integration-guide/
//
// ORCID returns the user's iD and name in the token response (the token's
// Extra "orcid" and "name"), so there is no profile mapping.
type ORCIDConfig struct {
	// ClientID is the client ID; default from ORCID_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// ORCID_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "/authenticate". Default none.
	Scopes []string
	// Sandbox uses sandbox.orcid.org and api.sandbox.orcid.org instead of
	// the production service.
	Sandbox bool
	// Endpoints override orcid.org's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.orcid.org (https://api.sandbox.orcid.org with Sandbox).
	dance.Options
}

// ORCID returns a blueprint named "orcid".
func ORCID(cfg ORCIDConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.ORCID}
	if cfg.Sandbox {
		p.rehost("orcid.org", "sandbox.orcid.org")
		p.rehost("api.orcid.org", "api.sandbox.orcid.org")
	}
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
