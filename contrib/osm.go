package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// OSMConfig configures the OpenStreetMap preset. Provider documentation:
// https://wiki.openstreetmap.org/wiki/OAuth
//
// Profile: GET /api/0.6/user/details.json (scope "read_prefs"). Login and
// Name are both the display name; Email and EmailVerified are always empty;
// AvatarURL can be empty.
type OSMConfig struct {
	// ClientID is the client ID; default from OSM_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// OSM_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "read_prefs". Default none.
	Scopes []string
	// Endpoints override www.openstreetmap.org's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://www.openstreetmap.org/api/0.6/.
	dance.Options
}

// OSM returns a blueprint named "osm".
func OSM(cfg OSMConfig) (*dance.Blueprint, error) {
	return preset{
		Provider: presets.OSM,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
