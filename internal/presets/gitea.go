package presets

// Gitea is a Gitea or Forgejo instance; the default is gitea.com.
var Gitea = Provider{
	Name: "gitea", Config: "GiteaConfig",
	AuthURL:     "https://gitea.com/login/oauth/authorize",
	TokenURL:    "https://gitea.com/login/oauth/access_token",
	BaseURL:     "https://gitea.com/api/v1/",
	Refreshable: true,
	Issuer:      "https://gitea.com/",
	JWKSURL:     "https://gitea.com/login/oauth/keys",
	Profile: &Profile{
		URL: "user", ID: "id", Login: "login", Name: "full_name", Email: "email", Avatar: "avatar_url",
	},
}
