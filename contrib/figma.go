package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// FigmaConfig configures the Figma preset. Provider documentation:
// https://developers.figma.com/docs/rest-api/authentication/
//
// The token request carries the client ID and secret as HTTP Basic auth.
// Figma refreshes tokens at its own endpoint,
// https://api.figma.com/v1/oauth/refresh, not at the token endpoint
// (Endpoints.RefreshURL moves it; overriding TokenURL does not).
//
// Profile: GET https://api.figma.com/v1/me (scope current_user:read). ID
// is the user ID; Login and Name are the handle; AvatarURL is img_url.
type FigmaConfig struct {
	// ClientID is the OAuth app's client ID; default from
	// FIGMA_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// FIGMA_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "file_content:read". Default
	// "current_user:read", which the profile needs.
	Scopes []string
	// Endpoints override www.figma.com's and api.figma.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.figma.com/.
	dance.Options
}

// Figma returns a blueprint named "figma".
func Figma(cfg FigmaConfig) (*dance.Blueprint, error) {
	return preset{Provider: presets.Figma}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
