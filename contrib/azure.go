package contrib

import (
	"errors"
	"slices"
	"strings"

	"github.com/gin-dance/dance/internal/presets"

	"github.com/gin-dance/dance"
)

// AzureConfig configures the Azure AD (Microsoft identity platform) preset.
// Provider documentation:
// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
//
// The blueprint is refreshable only when the scopes include
// "offline_access": without it, Azure issues no refresh token.
//
// Profile: GET https://graph.microsoft.com/v1.0/me. Login is the
// userPrincipalName; Email (the "mail" property) can be empty;
// EmailVerified and AvatarURL are always empty.
type AzureConfig struct {
	// ClientID is the application (client) ID; default from
	// AZURE_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// AZURE_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "openid", "email", "profile", "User.Read".
	Scopes []string
	// Tenant says which accounts may sign in: "common", "organizations",
	// "consumers", or a tenant ID or domain. It goes into both endpoint
	// URLs, and the ID token is checked against it: for "common" and
	// "organizations" (and a domain) the issuer must name the token's own
	// tenant (its tid), "organizations" refuses personal accounts, and a
	// tenant ID or "consumers" fixes the issuer. Give a tenant's ID rather
	// than its domain to pin it. Default "common".
	Tenant string
	// Prompt is the kind of interaction required: "login",
	// "select_account", "consent" or "admin_consent". Default none.
	Prompt string
	// DomainHint is the tenant's domain, to skip the home-realm discovery.
	DomainHint string
	// LoginHint pre-fills the user name on the sign-in page.
	LoginHint string
	// Endpoints override login.microsoftonline.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://graph.microsoft.com.
	dance.Options
}

// Azure returns a blueprint named "azure".
func Azure(cfg AzureConfig) (*dance.Blueprint, error) {
	p := preset{
		Provider: presets.Azure,
		authParams: params{}.
			setIf(true, "login_hint", cfg.LoginHint).
			setIf(true, "domain_hint", cfg.DomainHint).
			setIf(true, "prompt", cfg.Prompt),
	}
	p.Refreshable = slices.Contains(orScopes(cfg.Scopes, p.Scopes...), "offline_access")
	// The tenant is a segment of the endpoints. ID tokens (the default
	// scope has openid) are verified: a multi-tenant or domain-named
	// tenant's tokens carry the user's tenant ID in iss, so the issuer is
	// a template on the tid claim; a tenant given by its ID is fixed.
	tenant := or(cfg.Tenant, p.Tenant)
	for _, u := range []*string{&p.AuthURL, &p.TokenURL, &p.JWKSURL} {
		*u = strings.Replace(*u, "/"+p.Tenant+"/", "/"+tenant+"/", 1)
	}
	p.Issuer = azureIssuer(tenant)
	if strings.EqualFold(tenant, "organizations") {
		p.idTokenCheck = notPersonalAccount
	}
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// consumersTenant is the tenant of every personal Microsoft account: the
// tid of their ID tokens.
const consumersTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

// azureIssuer is the v2.0 issuer for tenant: fixed for a tenant ID and for
// "consumers" (the personal accounts' tenant), and "{tenantid}" (the
// token's tid claim) for "common", "organizations" and domain names.
func azureIssuer(tenant string) string {
	if strings.EqualFold(tenant, "consumers") {
		tenant = consumersTenant
	}
	if isGUID(tenant) {
		return "https://login.microsoftonline.com/" + tenant + "/v2.0"
	}
	return "https://login.microsoftonline.com/{tenantid}/v2.0"
}

// notPersonalAccount refuses the ID token of a personal Microsoft account,
// for Tenant "organizations" (work and school accounts only).
func notPersonalAccount(claims dance.Claims) error {
	if tid, _ := claims["tid"].(string); strings.EqualFold(tid, consumersTenant) {
		return errors.New("a personal Microsoft account, and the tenant is \"organizations\"")
	}
	return nil
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
