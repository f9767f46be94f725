package contrib

import (
	"slices"

	"github.com/gin-dance/dance/internal/presets"

	"github.com/gin-dance/dance"
)

// GoogleConfig configures the Google preset. Provider documentation:
// https://developers.google.com/identity/protocols/oauth2/web-server
//
// Profile: GET /oauth2/v2/userinfo. Login is always empty; Email and
// EmailVerified need the "https://www.googleapis.com/auth/userinfo.email"
// scope.
type GoogleConfig struct {
	// ClientID is the OAuth client ID; default from GOOGLE_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the OAuth client secret; default from
	// GOOGLE_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default
	// "https://www.googleapis.com/auth/userinfo.profile".
	Scopes []string
	// Offline asks for a refresh token (access_type=offline) and makes the
	// blueprint refreshable.
	Offline bool
	// RepromptConsent makes Google ask for consent again (prompt=consent).
	RepromptConsent bool
	// RepromptSelectAccount makes Google show the account chooser again
	// (prompt=select_account; with RepromptConsent, "consent
	// select_account").
	RepromptSelectAccount bool
	// HostedDomain optimizes the account chooser for a Google Workspace
	// domain (hd=). It is a UI hint only: check the "hd" claim of the ID
	// token yourself.
	HostedDomain string
	// Endpoints override accounts.google.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://www.googleapis.com/.
	dance.Options
}

// Google returns a blueprint named "google".
func Google(cfg GoogleConfig) (*dance.Blueprint, error) {
	var check dance.ClaimCheck
	if cfg.HostedDomain != "" {
		// The hd login parameter only tunes Google's account chooser; the
		// hd claim of a verified ID token is the check. Ask for one.
		check = dance.RequireClaim("hd", cfg.HostedDomain)
		cfg.Scopes = withScope(orScopes(cfg.Scopes, presets.Google.Scopes...), "openid")
	}
	p := preset{
		Provider: presets.Google,
		authParams: params{}.
			setIf(cfg.Offline, "access_type", "offline").
			prompt(cfg.RepromptConsent, "consent").
			prompt(cfg.RepromptSelectAccount, "select_account").
			setIf(true, "hd", cfg.HostedDomain),
		// Incremental authorization: the new token keeps earlier grants.
		stepUpParams: params{"include_granted_scopes": "true"},
		idTokenCheck: check,
	}
	p.Refreshable = cfg.Offline
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// withScope returns scopes with s added if it is not there.
func withScope(scopes []string, s string) []string {
	if slices.Contains(scopes, s) {
		return scopes
	}
	return append(slices.Clip(scopes), s)
}
