package presets

// Xero is Xero's OAuth 2 and OpenID Connect.
var Xero = Provider{
	Name: "xero", Config: "XeroConfig",
	AuthURL:     "https://login.xero.com/identity/connect/authorize",
	TokenURL:    "https://identity.xero.com/connect/token",
	BaseURL:     "https://api.xero.com/",
	RevokeURL:   "https://identity.xero.com/connect/revocation",
	Refreshable: true,
	Issuer:      "https://identity.xero.com",
	JWKSURL:     "https://identity.xero.com/.well-known/openid-configuration/jwks",
	Scopes:      []string{"openid", "profile", "email", "offline_access"},
	Profile:     oidcProfile("https://identity.xero.com/connect/userinfo"),
	// The organisations (tenants) the user connected: each API call
	// names one in the xero-tenant-id header.
	FakePaths: map[string]func(Identity) any{"/connections": func(who Identity) any {
		return []map[string]any{{
			"id": "e1eede29-f875-4a5d-8470-17f6a29a88b1", "authEventId": "d99ecdfe-391d-43d2-b834-17636ba90e8d",
			"tenantId": "70784a63-d24b-46a9-a4db-0e70a274b056", "tenantType": "ORGANISATION",
			"tenantName": who.Name + "'s company", "createdDateUtc": "2019-07-09T23:40:30.1833130",
			"updatedDateUtc": "2020-05-15T01:35:13.8491980",
		}}
	}},
}
