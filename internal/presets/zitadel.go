package presets

// ZITADEL is a ZITADEL instance, at the example instance's domain.
var ZITADEL = Provider{
	Name: "zitadel", Config: "ZITADELConfig",
	AuthURL:   "https://example.zitadel.cloud/oauth/v2/authorize",
	TokenURL:  "https://example.zitadel.cloud/oauth/v2/token",
	BaseURL:   "https://example.zitadel.cloud/",
	RevokeURL: "https://example.zitadel.cloud/oauth/v2/revoke",
	Issuer:    "https://example.zitadel.cloud",
	JWKSURL:   "https://example.zitadel.cloud/oauth/v2/keys",
	Scopes:    []string{"openid", "profile", "email"},
	Profile:   oidcProfile("oidc/v1/userinfo"),
	Instance:  map[string]string{"Domain": "example.zitadel.cloud"},
}
