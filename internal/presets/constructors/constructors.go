// Package constructors lists contrib's preset constructors by Config type,
// for the tools and tests that run every preset of presets.All: the docs
// generator, and the tests of contrib, dancetest and the development
// provider. It is a static list, not a registry; [Check] says when it and
// presets.All disagree, so a new preset cannot be left out.
package constructors

import (
	"fmt"
	"reflect"

	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/internal/presets"
)

// ByConfig are contrib's constructors, each a func(XConfig)
// (*dance.Blueprint, error), by the name of their Config type, one a line
// (so that branches that add presets merge).
var ByConfig = map[string]any{
	"AmazonConfig":       contrib.Amazon,
	"AppleConfig":        contrib.Apple,
	"AtlassianConfig":    contrib.Atlassian,
	"Auth0Config":        contrib.Auth0,
	"AuthentiqConfig":    contrib.Authentiq,
	"AzureConfig":        contrib.Azure,
	"BattleNetConfig":    contrib.BattleNet,
	"BitbucketConfig":    contrib.Bitbucket,
	"BoxConfig":          contrib.Box,
	"CognitoConfig":      contrib.Cognito,
	"DexcomConfig":       contrib.Dexcom,
	"DigitalOceanConfig": contrib.DigitalOcean,
	"DiscordConfig":      contrib.Discord,
	"DropboxConfig":      contrib.Dropbox,
	"FacebookConfig":     contrib.Facebook,
	"FigmaConfig":        contrib.Figma,
	"FitbitConfig":       contrib.Fitbit,
	"GiteaConfig":        contrib.Gitea,
	"GitHubConfig":       contrib.GitHub,
	"GitLabConfig":       contrib.GitLab,
	"GoogleConfig":       contrib.Google,
	"HerokuConfig":       contrib.Heroku,
	"HubSpotConfig":      contrib.HubSpot,
	"InstagramConfig":    contrib.Instagram,
	"JIRAConfig":         contrib.JIRA,
	"KakaoConfig":        contrib.Kakao,
	"KeycloakConfig":     contrib.Keycloak,
	"LINEConfig":         contrib.LINE,
	"LinkedInConfig":     contrib.LinkedIn,
	"MastodonConfig":     contrib.Mastodon,
	"MeetupConfig":       contrib.Meetup,
	"NaverConfig":        contrib.Naver,
	"NotionConfig":       contrib.Notion,
	"NylasConfig":        contrib.Nylas,
	"OktaConfig":         contrib.Okta,
	"ORCIDConfig":        contrib.ORCID,
	"OSMConfig":          contrib.OSM,
	"PatreonConfig":      contrib.Patreon,
	"PayPalConfig":       contrib.PayPal,
	"PinterestConfig":    contrib.Pinterest,
	"RedditConfig":       contrib.Reddit,
	"SalesforceConfig":   contrib.Salesforce,
	"ShopifyConfig":      contrib.Shopify,
	"SlackConfig":        contrib.Slack,
	"SpotifyConfig":      contrib.Spotify,
	"StravaConfig":       contrib.Strava,
	"TikTokConfig":       contrib.TikTok,
	"TumblrConfig":       contrib.Tumblr,
	"TwitchConfig":       contrib.Twitch,
	"TwitterConfig":      contrib.Twitter,
	"VKConfig":           contrib.VK,
	"WeChatConfig":       contrib.WeChat,
	"WordPressConfig":    contrib.WordPress,
	"XConfig":            contrib.X,
	"XeroConfig":         contrib.Xero,
	"YahooConfig":        contrib.Yahoo,
	"YandexConfig":       contrib.Yandex,
	"ZITADELConfig":      contrib.ZITADEL,
	"ZohoConfig":         contrib.Zoho,
	"ZoomConfig":         contrib.Zoom,
}

// For returns the constructor of provider p's preset.
func For(p *presets.Provider) any { return ByConfig[p.Config] }

// Ordered returns the constructors in the order of presets.All.
func Ordered() []any {
	out := make([]any, 0, len(presets.All))
	for _, p := range presets.All {
		out = append(out, ByConfig[p.Config])
	}
	return out
}

// Check reports a provider of presets.All without a constructor here, a
// constructor whose Config type is not the one it is listed under, and a
// constructor of no provider.
func Check() error {
	seen := map[string]bool{}
	for _, p := range presets.All {
		ctor, ok := ByConfig[p.Config]
		if !ok {
			return fmt.Errorf("constructors: %s (%s) has no constructor in internal/presets/constructors", p.Name, p.Config)
		}
		if got := reflect.TypeOf(ctor).In(0).Name(); got != p.Config {
			return fmt.Errorf("constructors: %s is listed under %s but takes a %s", p.Name, p.Config, got)
		}
		seen[p.Config] = true
	}
	for name := range ByConfig {
		if !seen[name] {
			return fmt.Errorf("constructors: %s has no provider in internal/presets", name)
		}
	}
	return nil
}
