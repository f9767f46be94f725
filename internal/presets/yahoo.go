package presets

// Yahoo is Yahoo's OpenID Connect.
var Yahoo = Provider{
	Name: "yahoo", Config: "YahooConfig",
	AuthURL:     "https://api.login.yahoo.com/oauth2/request_auth",
	TokenURL:    "https://api.login.yahoo.com/oauth2/get_token",
	BaseURL:     "https://api.login.yahoo.com/",
	Issuer:      "https://api.login.yahoo.com",
	JWKSURL:     "https://api.login.yahoo.com/openid/v1/certs",
	Scopes:      []string{"openid", "profile", "email"},
	Refreshable: true,
	Profile:     oidcProfile("openid/v1/userinfo"),
}
