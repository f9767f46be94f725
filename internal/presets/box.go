package presets

// Box is Box's OAuth 2.0 with its Content API.
var Box = Provider{
	Name: "box", Config: "BoxConfig",
	AuthURL:     "https://account.box.com/api/oauth2/authorize",
	TokenURL:    "https://api.box.com/oauth2/token",
	BaseURL:     "https://api.box.com/2.0/",
	RevokeURL:   "https://api.box.com/oauth2/revoke",
	Refreshable: true,
	// The login is the user's e-mail address.
	Profile: &Profile{URL: "users/me", ID: "id", Name: "name", Email: "login", Avatar: "avatar_url"},
}
