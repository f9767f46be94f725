package presets

// BattleNet is Blizzard's Battle.net OAuth 2.
var BattleNet = Provider{
	Name: "battlenet", Config: "BattleNetConfig",
	AuthURL:  "https://oauth.battle.net/authorize",
	TokenURL: "https://oauth.battle.net/token",
	BaseURL:  "https://oauth.battle.net/",
	Scopes:   []string{"openid"},
	Profile:  &Profile{URL: "userinfo", ID: "id", Login: "battletag", Name: "battletag"},
}
