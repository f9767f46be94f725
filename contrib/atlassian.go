package contrib

import "github.com/gin-dance/dance"

// AtlassianConfig configures the Atlassian preset (OAuth 2.0 3LO), the Go
// form of Flask-Dance's make_atlassian_blueprint. Provider documentation:
// https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
//
// The authorization request always carries audience=api.atlassian.com.
//
// Profile: GET https://api.atlassian.com/me (scope "read:me"). Email and
// EmailVerified can be empty, depending on the user's privacy settings.
type AtlassianConfig struct {
	// ClientID is the client ID; default from ATLASSIAN_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// ATLASSIAN_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request, for example "read:me", "read:jira-user". Default
	// none. Flask-Dance: scope.
	Scopes []string
	// RepromptConsent makes Atlassian ask for consent again
	// (prompt=consent). Flask-Dance: reprompt_consent.
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
		name:       "atlassian",
		authURL:    "https://auth.atlassian.com/authorize",
		tokenURL:   "https://auth.atlassian.com/oauth/token",
		baseURL:    "https://api.atlassian.com/",
		authParams: params{"audience": "api.atlassian.com"}.prompt(cfg.RepromptConsent, "consent"),
		profile: &profileSpec{
			url: "me", id: "account_id", login: "nickname", name: "name", email: "email",
			verified: "email_verified", avatar: "picture",
		},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
