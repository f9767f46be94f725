package presets

// Mastodon is a Mastodon instance; the default is mastodon.social. Apps
// register with each instance (RegisterPath).
var Mastodon = Provider{
	Name: "mastodon", Config: "MastodonConfig",
	AuthURL:      "https://mastodon.social/oauth/authorize",
	TokenURL:     "https://mastodon.social/oauth/token",
	BaseURL:      "https://mastodon.social/",
	RevokeURL:    "https://mastodon.social/oauth/revoke",
	Scopes:       []string{"read:accounts"},
	RegisterPath: "/api/v1/apps",
	Profile: &Profile{
		URL: "api/v1/accounts/verify_credentials", ID: "id", Login: "username", Name: "display_name", Avatar: "avatar",
	},
}
