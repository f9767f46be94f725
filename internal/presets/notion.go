package presets

// Notion is a Notion public integration. Its revocation endpoint is RFC
// 7009's but for its JSON body, which the preset writes.
var Notion = Provider{
	Name: "notion", Config: "NotionConfig",
	AuthURL:     "https://api.notion.com/v1/oauth/authorize",
	TokenURL:    "https://api.notion.com/v1/oauth/token",
	BaseURL:     "https://api.notion.com/v1/",
	RevokeURL:   "https://api.notion.com/v1/oauth/revoke",
	Refreshable: true,
	// The token's bot user, whose owner is the user who added it.
	Profile: &Profile{
		URL: "users/me", ID: "bot.owner.user.id", Name: "bot.owner.user.name",
		Email: "bot.owner.user.person.email", Avatar: "bot.owner.user.avatar_url",
	},
}
