package presets

import (
	"net/http"
	"strings"
)

// HubSpot is HubSpot's OAuth 2 for public apps.
var HubSpot = Provider{
	Name: "hubspot", Config: "HubSpotConfig",
	AuthURL:     "https://app.hubspot.com/oauth/authorize",
	TokenURL:    "https://api.hubapi.com/oauth/v1/token",
	BaseURL:     "https://api.hubapi.com/",
	Refreshable: true,
	Scopes:      []string{"oauth"},
	// The token's own metadata, at a path that holds the token.
	Profile: &Profile{URL: "oauth/v1/access-tokens/{token}", ID: "user_id", Login: "user", Email: "user"},
	// The fake serves the metadata at the path with "{token}", for the
	// token in the path.
	Dialect: func(r *http.Request) {
		if at, ok := strings.CutPrefix(r.URL.Path, "/oauth/v1/access-tokens/"); ok && at != "{token}" {
			r.URL.Path, r.URL.RawPath = "/oauth/v1/access-tokens/{token}", ""
			r.Header.Set("Authorization", "Bearer "+at)
		}
	},
	TokenFields: func(Identity) map[string]any { return map[string]any{"hub_id": 62515} },
}
