package contrib

import (
	"slices"

	"github.com/gin-dance/dance"
)

// AzureConfig configures the Azure AD (Microsoft identity platform)
// preset, the Go form of Flask-Dance's make_azure_blueprint. Provider
// documentation:
// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
//
// The blueprint is refreshable only when the scopes include
// "offline_access", as in Flask-Dance.
//
// Profile: GET https://graph.microsoft.com/v1.0/me. Login is the
// userPrincipalName; Email (the "mail" property) can be empty;
// EmailVerified and AvatarURL are always empty.
type AzureConfig struct {
	// ClientID is the application (client) ID; default from
	// AZURE_OAUTH_CLIENT_ID. Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// AZURE_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request. Default "openid", "email", "profile",
	// "User.Read". Flask-Dance: scope.
	Scopes []string
	// Tenant says which accounts may sign in: "common", "organizations",
	// "consumers", or a tenant ID or domain. It goes into both endpoint
	// URLs. Default "common". Flask-Dance: tenant.
	Tenant string
	// Prompt is the kind of interaction required: "login",
	// "select_account", "consent" or "admin_consent". Default none.
	// Flask-Dance: prompt.
	Prompt string
	// DomainHint is the tenant's domain, to skip the home-realm discovery.
	// Flask-Dance: domain_hint.
	DomainHint string
	// LoginHint pre-fills the user name on the sign-in page.
	// Flask-Dance: login_hint.
	LoginHint string
	// Endpoints override login.microsoftonline.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://graph.microsoft.com.
	dance.Options
}

// Azure returns a blueprint named "azure".
func Azure(cfg AzureConfig) (*dance.Blueprint, error) {
	tenant := or(cfg.Tenant, "common")
	scopes := orScopes(cfg.Scopes, "openid", "email", "profile", "User.Read")
	return preset{
		name:     "azure",
		authURL:  "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/authorize",
		tokenURL: "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token",
		baseURL:  "https://graph.microsoft.com",
		authParams: params{}.
			setIf(true, "login_hint", cfg.LoginHint).
			setIf(true, "domain_hint", cfg.DomainHint).
			setIf(true, "prompt", cfg.Prompt),
		refreshable: slices.Contains(scopes, "offline_access"),
		// ID tokens (the default scope has openid) are verified. A
		// multi-tenant or domain-named tenant's tokens carry the user's
		// tenant ID in iss, so the issuer is a template on the tid claim;
		// a tenant given by its ID is fixed.
		issuer:  azureIssuer(tenant),
		jwksURL: "https://login.microsoftonline.com/" + tenant + "/discovery/v2.0/keys",
		profile: &profileSpec{
			url: "v1.0/me", id: "id", login: "userPrincipalName", name: "displayName", email: "mail",
		},
	}.build(cfg.ClientID, cfg.ClientSecret, scopes, cfg.Endpoints, cfg.Options)
}

// azureIssuer is the v2.0 issuer for tenant: fixed for a tenant ID, and
// "{tenantid}" (the token's tid claim) for "common", "organizations",
// "consumers" and domain names.
func azureIssuer(tenant string) string {
	if isGUID(tenant) {
		return "https://login.microsoftonline.com/" + tenant + "/v2.0"
	}
	return "https://login.microsoftonline.com/{tenantid}/v2.0"
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'):
			return false
		}
	}
	return true
}
