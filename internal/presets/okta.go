package presets

// Okta is an Okta org's custom authorization server, "default" at the
// example org; the preset moves it to the configured org and server.
var Okta = Provider{
	Name: "okta", Config: "OktaConfig",
	AuthURL:   "https://example.okta.com/oauth2/default/v1/authorize",
	TokenURL:  "https://example.okta.com/oauth2/default/v1/token",
	BaseURL:   "https://example.okta.com/",
	RevokeURL: "https://example.okta.com/oauth2/default/v1/revoke",
	Issuer:    "https://example.okta.com/oauth2/default",
	JWKSURL:   "https://example.okta.com/oauth2/default/v1/keys",
	Scopes:    []string{"openid", "profile", "email"},
	Profile:   oidcProfile("https://example.okta.com/oauth2/default/v1/userinfo"),
	Instance:  map[string]string{"Domain": "example.okta.com"},
}
