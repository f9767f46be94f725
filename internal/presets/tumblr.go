package presets

// Tumblr is Tumblr's OAuth 1.0a API (v2).
var Tumblr = Provider{
	Name: "tumblr", Config: "TumblrConfig", OAuth1: true,
	RequestTokenURL: "https://www.tumblr.com/oauth/request_token",
	AuthURL:         "https://www.tumblr.com/oauth/authorize",
	TokenURL:        "https://www.tumblr.com/oauth/access_token",
	BaseURL:         "https://api.tumblr.com/v2/",
	// The user is known by name (the primary blog's), not by a number.
	Profile: &Profile{
		URL: "user/info", ID: "response.user.name", Login: "response.user.name", Name: "response.user.name",
	},
}
