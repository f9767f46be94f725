package presets

// Auth0 is an Auth0 tenant, at the example tenant's domain.
var Auth0 = Provider{
	Name: "auth0", Config: "Auth0Config",
	AuthURL:   "https://example.us.auth0.com/authorize",
	TokenURL:  "https://example.us.auth0.com/oauth/token",
	BaseURL:   "https://example.us.auth0.com/",
	RevokeURL: "https://example.us.auth0.com/oauth/revoke",
	Issuer:    "https://example.us.auth0.com/", // with the slash, as Auth0 writes it
	JWKSURL:   "https://example.us.auth0.com/.well-known/jwks.json",
	Scopes:    []string{"openid", "profile", "email"},
	Profile:   oidcProfile("userinfo"),
	Instance:  map[string]string{"Domain": "example.us.auth0.com"},
}
