package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// ZoomConfig configures the Zoom preset (a user-managed OAuth app).
// Provider documentation:
// https://developers.zoom.us/docs/integrations/oauth/
//
// The token request sends the client ID and secret as HTTP Basic auth;
// the blueprint is refreshable (Zoom's access tokens last an hour, and
// each refresh gives a new refresh token). [dance.Client.Revoke] uses
// Zoom's revocation endpoint. The scopes are the app's, set where it is
// registered.
//
// Profile: GET /v2/users/me. Name is display_name, or first and last
// name; EmailVerified reads Zoom's "verified" (1 or 0); Login is always
// empty.
type ZoomConfig struct {
	// ClientID is the app's client ID; default from ZOOM_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the app's client secret; default from
	// ZOOM_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default none: the app's scopes.
	Scopes []string
	// Endpoints override zoom.us's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.zoom.us/v2/.
	dance.Options
}

// Zoom returns a blueprint named "zoom".
func Zoom(cfg ZoomConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:   presets.Zoom,
		profileFix: zoomVerified,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// zoomVerified reads Zoom's "verified", a number: 1 for a verified
// address, 0 for one that is not.
func zoomVerified(_ *dance.Client, p *dance.Profile) error {
	if n, ok := p.Raw["verified"].(float64); ok && p.Email != "" {
		v := n == 1
		p.EmailVerified = &v
	}
	return nil
}
