package presets

// Figma is Figma's OAuth 2 for the REST API.
var Figma = Provider{
	Name: "figma", Config: "FigmaConfig",
	AuthURL:     "https://www.figma.com/oauth",
	TokenURL:    "https://api.figma.com/v1/oauth/token",
	RefreshURL:  "https://api.figma.com/v1/oauth/refresh",
	BaseURL:     "https://api.figma.com/",
	Refreshable: true,
	Scopes:      []string{"current_user:read"},
	Profile: &Profile{
		URL: "v1/me", ID: "id", Login: "handle", Name: "handle", Email: "email", Avatar: "img_url",
	},
}
