package presets

// WordPress is WordPress.com's OAuth 2 (and Jetpack sites through it).
var WordPress = Provider{
	Name: "wordpress", Config: "WordPressConfig",
	AuthURL:  "https://public-api.wordpress.com/oauth2/authorize",
	TokenURL: "https://public-api.wordpress.com/oauth2/token",
	BaseURL:  "https://public-api.wordpress.com/rest/v1.1/",
	Profile: &Profile{
		URL: "me", ID: "ID", Login: "username", Name: "display_name", Email: "email",
		Verified: "email_verified", Avatar: "avatar_URL",
	},
	// The token answer names the blog the user picked on the consent
	// page.
	TokenFields: func(Identity) map[string]any {
		return map[string]any{"blog_id": "4242", "blog_url": "https://example.wordpress.com"}
	},
}
