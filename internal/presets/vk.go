package presets

import "net/http"

// VK is VK ID (OAuth 2.1 with PKCE), VK's login since 2024.
var VK = Provider{
	Name: "vk", Config: "VKConfig",
	AuthURL:  "https://id.vk.com/authorize",
	TokenURL: "https://id.vk.com/oauth2/auth",
	BaseURL:  "https://id.vk.com/",
	Scopes:   []string{"vkid.personal_info"},
	Profile: &Profile{
		URL: "oauth2/user_info", Method: "POST", ID: "user.user_id",
		NameParts: []string{"user.first_name", "user.last_name"}, Email: "user.email", Avatar: "user.avatar",
	},
	// VK ID's callback names the device, which the token request repeats.
	CallbackParams: map[string]string{"device_id": "dev-device-1", "type": "code_v2"},
	// The token answer names the user.
	TokenFields: func(who Identity) map[string]any { return map[string]any{"user_id": who.ID} },
	// user_info takes the access token in the body.
	Dialect: func(r *http.Request) {
		if at := formOf(r).Get("access_token"); at != "" && r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+at)
		}
	},
}
