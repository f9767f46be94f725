package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// BattleNetConfig configures the Battle.net preset. Provider
// documentation:
// https://community.developer.battle.net/documentation/guides/using-oauth
//
// Profile: GET https://oauth.battle.net/userinfo (scope openid). ID is the
// numeric account ID; Login and Name are the BattleTag. Email and
// AvatarURL are always empty.
type BattleNetConfig struct {
	// ClientID is the API client's ID; default from
	// BATTLENET_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// BATTLENET_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "wow.profile", "sc2.profile",
	// "d3.profile". Default "openid", which the profile needs.
	Scopes []string
	// Region "cn" sends the login to the China region
	// (oauth.battlenet.com.cn), whose clients are registered apart from
	// the global developer portal's; any other value, or none, to the
	// global oauth.battle.net, which serves the US, EU, KR and TW regions.
	Region string
	// Endpoints override oauth.battle.net's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://oauth.battle.net/ (the regional game data APIs, such as
	// https://us.api.blizzard.com/, take the same token).
	dance.Options
}

// BattleNet returns a blueprint named "battlenet".
func BattleNet(cfg BattleNetConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.BattleNet}
	if cfg.Region == "cn" {
		p.rehost("oauth.battle.net", "oauth.battlenet.com.cn")
	}
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
