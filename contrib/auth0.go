package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// Auth0Config configures the Auth0 preset: OpenID Connect with an Auth0
// tenant. Provider documentation:
// https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow
//
// The endpoints are Auth0's documented paths under the tenant's domain
// (/authorize, /oauth/token, /userinfo, /oauth/revoke,
// /.well-known/jwks.json), with no discovery call; the ID token is
// verified against the issuer https://{Domain}/ (with the slash, as Auth0
// writes it). For anything else, use [dance.NewOIDC] with the issuer,
// which reads the discovery document.
//
// The blueprint is refreshable only when the scopes include
// "offline_access" (and the API allows offline access).
// [dance.Client.Revoke] uses Auth0's RFC 7009 endpoint, which revokes
// refresh tokens.
//
// Profile: GET /userinfo (OpenID Connect claims). Login is the
// preferred_username when the connection gives one (often empty); Email
// and EmailVerified need the "email" scope.
type Auth0Config struct {
	// ClientID is the application's client ID; default from
	// AUTH0_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the application's client secret; default from
	// AUTH0_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "openid", "profile", "email"; add
	// "offline_access" for a refresh token.
	Scopes []string
	// Domain is the tenant's domain, for example
	// "example.us.auth0.com", or its custom domain ("https://" is
	// optional). Required.
	Domain string
	// Audience is the API identifier to ask an access token for
	// (audience=); without it the access token is only good for
	// /userinfo.
	Audience string
	// Endpoints override the tenant's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Domain}/.
	dance.Options
}

// Auth0 returns a blueprint named "auth0".
func Auth0(cfg Auth0Config) (*dance.Blueprint, error) {
	p := preset{
		Provider:   presets.Auth0,
		authParams: params{}.setIf(true, "audience", cfg.Audience),
	}
	base, err := instanceBase(p.Name, "Domain", cfg.Domain, cfg.Dev, p.Issuer)
	if err != nil {
		return nil, err
	}
	p.rebase("https://example.us.auth0.com", base)
	p.Refreshable = hasOfflineAccess(cfg.Scopes, p.Scopes)
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
