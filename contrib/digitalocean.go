package contrib

import (
	"strings"

	"github.com/gin-dance/dance/internal/presets"

	"github.com/gin-dance/dance"
)

// DigitalOceanConfig configures the DigitalOcean preset. Provider
// documentation: https://docs.digitalocean.com/reference/api/oauth/
//
// Commas in the scopes become spaces ("read,write" is "read write"), as
// DigitalOcean expects.
//
// Profile: GET https://api.digitalocean.com/v2/account (absolute, since
// BaseURL is the OAuth host). Login and AvatarURL are always empty; Name
// can be empty.
type DigitalOceanConfig struct {
	// ClientID is the client ID; default from DIGITALOCEAN_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// DIGITALOCEAN_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request: "read", "write", or "read,write". Default none
	// (DigitalOcean grants "read").
	Scopes []string
	// Endpoints override cloud.digitalocean.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://cloud.digitalocean.com/v1/oauth.
	dance.Options
}

// DigitalOcean returns a blueprint named "digitalocean".
func DigitalOcean(cfg DigitalOceanConfig) (*dance.Blueprint, error) {
	var scopes []string
	for _, s := range cfg.Scopes {
		scopes = append(scopes, strings.Fields(strings.ReplaceAll(s, ",", " "))...)
	}
	return preset{
		Provider: presets.DigitalOcean,
	}.build(cfg.ClientID, cfg.ClientSecret, scopes, cfg.Endpoints, cfg.Options)
}
