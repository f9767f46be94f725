package presets

// LINE is LINE Login v2.1. Its ID tokens are not verified by the
// blueprint (no Issuer here): web logins get HS256 tokens signed with the
// channel secret, which dance's verifier refuses by design; the preset
// has LINE verify them instead (FakePaths' /oauth2/v2.1/verify).
var LINE = Provider{
	Name: "line", Config: "LINEConfig",
	AuthURL:     "https://access.line.me/oauth2/v2.1/authorize",
	TokenURL:    "https://api.line.me/oauth2/v2.1/token",
	BaseURL:     "https://api.line.me/",
	RevokeURL:   "https://api.line.me/oauth2/v2.1/revoke",
	Refreshable: true,
	Scopes:      []string{"profile", "openid"},
	Profile:     &Profile{URL: "v2/profile", ID: "userId", Name: "displayName", Avatar: "pictureUrl"},
	FakePaths: map[string]func(Identity) any{"/oauth2/v2.1/verify": func(who Identity) any {
		return map[string]any{"iss": "https://access.line.me", "sub": who.ID, "name": who.Name, "email": who.Email}
	}},
}
