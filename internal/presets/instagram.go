package presets

// Instagram is the Instagram API with Instagram Login (Business Login for
// Instagram).
var Instagram = Provider{
	Name: "instagram", Config: "InstagramConfig",
	AuthURL:  "https://www.instagram.com/oauth/authorize",
	TokenURL: "https://api.instagram.com/oauth/access_token",
	BaseURL:  "https://graph.instagram.com/",
	Scopes:   []string{"instagram_business_basic"},
	Profile: &Profile{
		URL: "me?fields=user_id,username,name,profile_picture_url", ID: "user_id", Login: "username",
		Name: "name", Avatar: "profile_picture_url",
	},
	// The token answer carries the app-scoped user ID.
	TokenFields: func(who Identity) map[string]any {
		return map[string]any{"user_id": who.ID, "permissions": "instagram_business_basic"}
	},
}
