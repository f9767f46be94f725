package presets

// Zoom is Zoom's OAuth for user-managed apps.
var Zoom = Provider{
	Name: "zoom", Config: "ZoomConfig",
	AuthURL:     "https://zoom.us/oauth/authorize",
	TokenURL:    "https://zoom.us/oauth/token",
	BaseURL:     "https://api.zoom.us/v2/",
	RevokeURL:   "https://zoom.us/oauth/revoke",
	Refreshable: true,
	Profile: &Profile{
		URL: "users/me", ID: "id", Name: "display_name", NameParts: []string{"first_name", "last_name"},
		Email: "email", Verified: "verified", Avatar: "pic_url",
	},
}
