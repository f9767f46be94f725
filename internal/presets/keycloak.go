package presets

// Keycloak is a Keycloak realm, "example" on the example server.
var Keycloak = Provider{
	Name: "keycloak", Config: "KeycloakConfig",
	AuthURL:     "https://keycloak.example.com/realms/example/protocol/openid-connect/auth",
	TokenURL:    "https://keycloak.example.com/realms/example/protocol/openid-connect/token",
	BaseURL:     "https://keycloak.example.com/realms/example/",
	RevokeURL:   "https://keycloak.example.com/realms/example/protocol/openid-connect/revoke",
	Issuer:      "https://keycloak.example.com/realms/example",
	JWKSURL:     "https://keycloak.example.com/realms/example/protocol/openid-connect/certs",
	Scopes:      []string{"openid", "profile", "email"},
	Refreshable: true, // Keycloak's code grant always gives a refresh token
	Profile:     oidcProfile("protocol/openid-connect/userinfo"),
	Instance:    map[string]string{"URL": "https://keycloak.example.com", "Realm": "example"},
}
