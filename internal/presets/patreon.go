package presets

// Patreon is Patreon's OAuth with its API v2.
var Patreon = Provider{
	Name: "patreon", Config: "PatreonConfig",
	AuthURL:     "https://www.patreon.com/oauth2/authorize",
	TokenURL:    "https://www.patreon.com/api/oauth2/token",
	BaseURL:     "https://www.patreon.com/api/oauth2/v2/",
	Scopes:      []string{"identity", "identity[email]"},
	Refreshable: true,
	Profile: &Profile{
		URL: "identity?fields%5Buser%5D=email,full_name,image_url,is_email_verified,vanity",
		ID:  "data.id", Login: "data.attributes.vanity", Name: "data.attributes.full_name",
		Email: "data.attributes.email", Verified: "data.attributes.is_email_verified", Avatar: "data.attributes.image_url",
	},
}
