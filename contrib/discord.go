package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// DiscordPromptNone is the Discord prompt that skips the consent screen
// when the user already approved the app.
const DiscordPromptNone = "none"

// DiscordConfig configures the Discord preset. Provider documentation:
// https://discord.com/developers/docs/topics/oauth2
//
// Profile: GET /api/users/@me. Email and EmailVerified need the "email"
// scope; AvatarURL is built from the avatar hash and is empty for users
// with the default avatar.
type DiscordConfig struct {
	// ClientID is the client ID; default from DISCORD_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// DISCORD_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "identify".
	Scopes []string
	// Prompt is the authorization flow: "consent" asks every time;
	// [DiscordPromptNone] skips the screen for an app the user already
	// approved. Default "consent".
	Prompt string
	// Endpoints override discord.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://discord.com/.
	dance.Options
}

// Discord returns a blueprint named "discord".
func Discord(cfg DiscordConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:   presets.Discord,
		profileFix: discordAvatar,
		authParams: params{"prompt": or(cfg.Prompt, "consent")},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// discordAvatar builds the CDN URL of a user's avatar from its hash.
func discordAvatar(_ *dance.Client, p *dance.Profile) error {
	if hash := str(p.Raw["avatar"]); hash != "" {
		p.AvatarURL = "https://cdn.discordapp.com/avatars/" + p.ID + "/" + hash + ".png"
	}
	return nil
}
