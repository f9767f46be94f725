package presets

// X is X's (Twitter's) OAuth 2.0 with PKCE, beside the OAuth 1 Twitter.
var X = Provider{
	Name: "x", Config: "XConfig",
	AuthURL:     "https://x.com/i/oauth2/authorize",
	TokenURL:    "https://api.x.com/2/oauth2/token",
	BaseURL:     "https://api.x.com/2/",
	RevokeURL:   "https://api.x.com/2/oauth2/revoke",
	Scopes:      []string{"tweet.read", "users.read", "offline.access"},
	Refreshable: true, // with offline.access, which the default scopes hold
	Profile: &Profile{
		URL: "users/me?user.fields=profile_image_url", ID: "data.id", Login: "data.username",
		Name: "data.name", Avatar: "data.profile_image_url",
	},
}
