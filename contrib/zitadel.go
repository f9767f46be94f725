package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// ZITADELConfig configures the ZITADEL preset: OpenID Connect with a
// ZITADEL instance (ZITADEL Cloud or self-hosted). Provider documentation:
// https://zitadel.com/docs/apis/openidoauth/endpoints
//
// The endpoints are ZITADEL's documented paths under the instance
// (/oauth/v2/authorize, /oauth/v2/token, /oauth/v2/keys,
// /oidc/v1/userinfo, /oauth/v2/revoke), with no discovery call; the ID
// token is verified against the issuer, the instance's URL. For anything
// else, use [dance.NewOIDC] with the issuer, which reads the discovery
// document.
//
// The blueprint is refreshable only when the scopes include
// "offline_access". [dance.Client.Revoke] uses ZITADEL's RFC 7009
// endpoint.
//
// Profile: GET /oidc/v1/userinfo (OpenID Connect claims). Login is the
// preferred_username (the ZITADEL login name); Email and EmailVerified
// need the "email" scope.
type ZITADELConfig struct {
	// ClientID is the application's client ID; default from
	// ZITADEL_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the application's client secret; default from
	// ZITADEL_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "openid", "profile", "email"; add
	// "offline_access" for a refresh token.
	Scopes []string
	// Domain is the instance's domain, for example
	// "my-instance-abc123.zitadel.cloud", or the URL of a self-hosted
	// one ("http://localhost:8080"); a host alone means https. Required.
	Domain string
	// Endpoints override the instance's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Domain}/.
	dance.Options
}

// ZITADEL returns a blueprint named "zitadel".
func ZITADEL(cfg ZITADELConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.ZITADEL}
	base, err := instanceBase(p.Name, "Domain", cfg.Domain, cfg.Dev, p.Issuer)
	if err != nil {
		return nil, err
	}
	p.rebase("https://example.zitadel.cloud", base)
	p.Refreshable = hasOfflineAccess(cfg.Scopes, p.Scopes)
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
