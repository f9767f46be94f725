package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// TwitchConfig configures the Twitch preset. Provider documentation:
// https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#authorization-code-grant-flow
//
// Every API call carries a Client-Id header, as the Helix API requires; the
// token request sends the client ID and secret in its body; the blueprint
// is refreshable.
//
// Profile: GET /helix/users. Email needs the "user:read:email" scope;
// EmailVerified is always empty.
type TwitchConfig struct {
	// ClientID is the client ID; default from TWITCH_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// TWITCH_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default none.
	Scopes []string
	// Endpoints override id.twitch.tv's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.twitch.tv/helix/.
	dance.Options
}

// Twitch returns a blueprint named "twitch".
func Twitch(cfg TwitchConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.Twitch,
		clientIDInBody: true,
		clientIDHeader: "Client-Id",
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
