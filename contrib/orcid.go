package contrib

import "github.com/gin-dance/dance"

// ORCIDConfig configures the ORCID preset, the Go form of Flask-Dance's
// make_orcid_blueprint. Provider documentation:
// https://info.orcid.org/documentation/integration-guide/
//
// ORCID returns the user's iD and name in the token response (the token's
// Extra "orcid" and "name"), so there is no profile mapping.
type ORCIDConfig struct {
	// ClientID is the client ID; default from ORCID_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// ORCID_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request, for example "/authenticate". Default none.
	// Flask-Dance: scope.
	Scopes []string
	// Sandbox uses sandbox.orcid.org and api.sandbox.orcid.org instead of
	// the production service. Flask-Dance: sandbox.
	Sandbox bool
	// Endpoints override orcid.org's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.orcid.org (https://api.sandbox.orcid.org with Sandbox).
	dance.Options
}

// ORCID returns a blueprint named "orcid".
func ORCID(cfg ORCIDConfig) (*dance.Blueprint, error) {
	host, api := "orcid.org", "api.orcid.org"
	if cfg.Sandbox {
		host, api = "sandbox.orcid.org", "api.sandbox.orcid.org"
	}
	return preset{
		name:     "orcid",
		authURL:  hostURL(host, "/oauth/authorize"),
		tokenURL: hostURL(host, "/oauth/token"),
		baseURL:  hostURL(api, ""),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
