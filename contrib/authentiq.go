package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// AuthentiqConfig configures the Authentiq preset. Provider documentation:
// https://developers.authentiq.com/
//
// Profile: GET /userinfo (OpenID Connect). Login, Email, EmailVerified and
// AvatarURL can be empty, depending on the scopes granted.
type AuthentiqConfig struct {
	// ClientID is the client ID; default from AUTHENTIQ_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// AUTHENTIQ_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "openid", "profile".
	Scopes []string
	// Hostname is the Authentiq instance, for a private Authentiq CE/EE.
	// Default "connect.authentiq.io".
	Hostname string
	// Endpoints override the instance's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Hostname}/.
	dance.Options
}

// Authentiq returns a blueprint named "authentiq".
func Authentiq(cfg AuthentiqConfig) (*dance.Blueprint, error) {
	// ID tokens (the default scope has openid) are verified.
	p := preset{Provider: presets.Authentiq}
	p.rehost("connect.authentiq.io", cfg.Hostname)
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
