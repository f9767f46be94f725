package contrib

import (
	"slices"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// XeroConfig configures the Xero preset. Provider documentation:
// https://developer.xero.com/documentation/guides/oauth2/auth-flow
//
// Xero is an OpenID Connect provider: with "openid" in the scope (the
// default), every ID token is verified against identity.xero.com. The
// blueprint is refreshable only when the scopes include "offline_access"
// (the default): without it, Xero issues no refresh token. Revoke uses
// Xero's RFC 7009 endpoint, which ends every connection of the grant.
//
// Every call to the accounting API names an organisation in the
// xero-tenant-id header: [XeroTenants] lists the ones the user connected.
//
// Profile: GET https://identity.xero.com/connect/userinfo. ID is sub; Name
// is given_name and family_name.
type XeroConfig struct {
	// ClientID is the app's client ID; default from XERO_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// XERO_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "accounting.transactions". Default
	// "openid", "profile", "email", "offline_access".
	Scopes []string
	// Endpoints override login.xero.com's and identity.xero.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.xero.com/.
	dance.Options
}

// Xero returns a blueprint named "xero".
func Xero(cfg XeroConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.Xero}
	p.Refreshable = slices.Contains(orScopes(cfg.Scopes, p.Scopes...), "offline_access")
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// XeroTenant is one organisation (or practice) the user connected to the
// app, from Xero's GET /connections.
type XeroTenant struct {
	// ID is the connection's ID, which DELETE /connections/{id} removes.
	ID string `json:"id"`
	// TenantID goes in the xero-tenant-id header of API calls.
	TenantID string `json:"tenantId"`
	// TenantType is "ORGANISATION" or "PRACTICE".
	TenantType string `json:"tenantType"`
	// TenantName is the organisation's name.
	TenantName string `json:"tenantName"`
}

// XeroTenants lists the organisations the current user connected, through
// the Xero blueprint's client cl: each API call must name one in the
// xero-tenant-id header, and a user may connect several.
func XeroTenants(cl *dance.Client) ([]XeroTenant, error) {
	var out []XeroTenant
	if err := cl.GetJSON("connections", &out); err != nil {
		return nil, err
	}
	return out, nil
}
