package contrib

import (
	"slices"

	"github.com/gin-dance/dance"
)

// GoogleConfig configures the Google preset, the Go form of Flask-Dance's
// make_google_blueprint. Provider documentation:
// https://developers.google.com/identity/protocols/oauth2/web-server
//
// Profile: GET /oauth2/v2/userinfo. Login is always empty; Email and
// EmailVerified need the "https://www.googleapis.com/auth/userinfo.email"
// scope.
type GoogleConfig struct {
	// ClientID is the OAuth client ID; default from GOOGLE_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the OAuth client secret; default from
	// GOOGLE_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request. Default
	// "https://www.googleapis.com/auth/userinfo.profile". Flask-Dance: scope.
	Scopes []string
	// Offline asks for a refresh token (access_type=offline) and makes the
	// blueprint refreshable. Flask-Dance: offline.
	Offline bool
	// RepromptConsent makes Google ask for consent again (prompt=consent).
	// Flask-Dance: reprompt_consent.
	RepromptConsent bool
	// RepromptSelectAccount makes Google show the account chooser again
	// (prompt=select_account; with RepromptConsent, "consent
	// select_account"). Flask-Dance: reprompt_select_account.
	RepromptSelectAccount bool
	// HostedDomain optimizes the account chooser for a Google Workspace
	// domain (hd=). It is a UI hint only: check the "hd" claim of the ID
	// token yourself. Flask-Dance: hosted_domain.
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
		cfg.Scopes = withScope(orScopes(cfg.Scopes, googleDefaultScope), "openid")
	}
	return preset{
		name:     "google",
		authURL:  "https://accounts.google.com/o/oauth2/auth",
		tokenURL: "https://accounts.google.com/o/oauth2/token",
		baseURL:  "https://www.googleapis.com/",
		scopes:   []string{googleDefaultScope},
		authParams: params{}.
			setIf(cfg.Offline, "access_type", "offline").
			prompt(cfg.RepromptConsent, "consent").
			prompt(cfg.RepromptSelectAccount, "select_account").
			setIf(true, "hd", cfg.HostedDomain),
		// Incremental authorization: the new token keeps earlier grants.
		stepUpParams: params{"include_granted_scopes": "true"},
		refreshable:  cfg.Offline,
		revokeURL:    "https://oauth2.googleapis.com/revoke",
		issuer:       "https://accounts.google.com",
		jwksURL:      "https://www.googleapis.com/oauth2/v3/certs",
		idTokenCheck: check,
		profile: &profileSpec{
			url: "oauth2/v2/userinfo", id: "id", name: "name", email: "email",
			verified: "verified_email", avatar: "picture",
		},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// googleDefaultScope is Flask-Dance's default scope for Google.
const googleDefaultScope = "https://www.googleapis.com/auth/userinfo.profile"

// withScope returns scopes with s added if it is not there.
func withScope(scopes []string, s string) []string {
	if slices.Contains(scopes, s) {
		return scopes
	}
	return append(slices.Clip(scopes), s)
}
