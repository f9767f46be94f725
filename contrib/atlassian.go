package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// AtlassianConfig configures the Atlassian preset (OAuth 2.0 3LO). Provider
// documentation:
// https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
//
// The authorization request always carries audience=api.atlassian.com.
//
// Profile: GET https://api.atlassian.com/me (scope "read:me"). Email and
// EmailVerified can be empty, depending on the user's privacy settings.
type AtlassianConfig struct {
	// ClientID is the client ID; default from ATLASSIAN_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// ATLASSIAN_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "read:me", "read:jira-user". Default
	// none.
	Scopes []string
	// RepromptConsent makes Atlassian ask for consent again
	// (prompt=consent).
	RepromptConsent bool
	// Endpoints override auth.atlassian.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.atlassian.com/.
	dance.Options
}

// Atlassian returns a blueprint named "atlassian".
func Atlassian(cfg AtlassianConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:   presets.Atlassian,
		authParams: params{"audience": "api.atlassian.com"}.prompt(cfg.RepromptConsent, "consent"),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
