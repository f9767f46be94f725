package presets

// Pinterest is Pinterest's API v5.
var Pinterest = Provider{
	Name: "pinterest", Config: "PinterestConfig",
	AuthURL:     "https://www.pinterest.com/oauth/",
	TokenURL:    "https://api.pinterest.com/v5/oauth/token",
	BaseURL:     "https://api.pinterest.com/v5/",
	Scopes:      []string{"user_accounts:read"},
	Refreshable: true,
	// Only a business account has a name: its business name.
	Profile: &Profile{URL: "user_account", ID: "id", Login: "username", Name: "business_name", Avatar: "profile_image"},
}
