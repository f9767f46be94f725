package presets

// Bitbucket is Bitbucket Cloud.
var Bitbucket = Provider{
	Name: "bitbucket", Config: "BitbucketConfig",
	AuthURL:     "https://bitbucket.org/site/oauth2/authorize",
	TokenURL:    "https://bitbucket.org/site/oauth2/access_token",
	BaseURL:     "https://api.bitbucket.org/2.0/",
	Refreshable: true,
	Profile: &Profile{
		URL: "user", ID: "uuid", Login: "nickname", Name: "display_name", Avatar: "links.avatar.href",
	},
	// The e-mail is the primary confirmed one of /user/emails.
	FakePaths: map[string]func(Identity) any{"/2.0/user/emails": func(who Identity) any {
		return map[string]any{"values": []map[string]any{
			{"type": "email", "email": who.Email, "is_primary": true, "is_confirmed": who.Verified},
		}}
	}},
}
