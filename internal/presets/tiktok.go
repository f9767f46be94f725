package presets

// TikTok is TikTok's Login Kit for the web (API v2).
var TikTok = Provider{
	Name: "tiktok", Config: "TikTokConfig",
	AuthURL:     "https://www.tiktok.com/v2/auth/authorize/",
	TokenURL:    "https://open.tiktokapis.com/v2/oauth/token/",
	BaseURL:     "https://open.tiktokapis.com/v2/",
	Scopes:      []string{"user.info.basic"},
	Refreshable: true,
	Profile: &Profile{
		URL: "user/info/?fields=open_id,union_id,avatar_url,display_name",
		ID:  "data.user.open_id", Name: "data.user.display_name", Avatar: "data.user.avatar_url",
	},
}
