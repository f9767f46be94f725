package contrib

import "github.com/gin-dance/dance"

// OSMConfig configures the OpenStreetMap preset, the Go form of
// Flask-Dance's make_osm_blueprint. Provider documentation:
// https://wiki.openstreetmap.org/wiki/OAuth
//
// Profile: GET /api/0.6/user/details.json (scope "read_prefs"). Login and
// Name are both the display name; Email and EmailVerified are always
// empty; AvatarURL can be empty.
type OSMConfig struct {
	// ClientID is the client ID; default from OSM_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// OSM_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request, for example "read_prefs". Default none.
	// Flask-Dance: scope.
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
		name:     "osm",
		authURL:  "https://www.openstreetmap.org/oauth2/authorize",
		tokenURL: "https://www.openstreetmap.org/oauth2/token",
		baseURL:  "https://www.openstreetmap.org/api/0.6/",
		profile: &profileSpec{
			url: "user/details.json", id: "user.id", login: "user.display_name", name: "user.display_name",
			avatar: "user.img.href",
		},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
