package contrib

import (
	"errors"
	"net/url"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// KeycloakConfig configures the Keycloak preset: OpenID Connect with a
// Keycloak realm. Provider documentation:
// https://www.keycloak.org/securing-apps/oidc-layers
//
// The endpoints are Keycloak's documented paths under the realm
// ({URL}/realms/{Realm}/protocol/openid-connect/auth, …/token, …/certs,
// …/userinfo, …/revoke), with no discovery call; the ID token is verified
// against the issuer {URL}/realms/{Realm}. For anything else (a proxy that
// rewrites the paths, a frontend URL that differs from the backend's), use
// [dance.NewOIDC] with the issuer, which reads the discovery document.
//
// The blueprint is refreshable: Keycloak's code grant always gives a
// refresh token ("offline_access" makes it an offline token).
// [dance.Client.Revoke] uses Keycloak's RFC 7009 endpoint.
//
// Profile: GET …/protocol/openid-connect/userinfo (OpenID Connect claims).
// Login is the preferred_username; Email and EmailVerified need the
// "email" scope.
type KeycloakConfig struct {
	// ClientID is the client's ID; default from
	// KEYCLOAK_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the confidential client's secret; default from
	// KEYCLOAK_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "openid", "profile", "email".
	Scopes []string
	// URL is the Keycloak server's root, for example
	// "https://sso.example.com", or "https://sso.example.com/auth" for a
	// server that still has the old /auth prefix; a host alone means
	// https. Required.
	URL string
	// Realm is the realm's name. Required.
	Realm string
	// Endpoints override the realm's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// {URL}/realms/{Realm}/.
	dance.Options
}

// Keycloak returns a blueprint named "keycloak".
func Keycloak(cfg KeycloakConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.Keycloak}
	base, err := instanceBase(p.Name, "URL", cfg.URL, cfg.Dev, p.Issuer)
	if err != nil {
		return nil, err
	}
	if cfg.Dev == nil { // development mode stands in for the example realm
		if cfg.Realm == "" {
			return nil, errors.New("dance: keycloak: Realm is required")
		}
		p.rebase("https://keycloak.example.com/realms/example", base+"/realms/"+url.PathEscape(cfg.Realm))
	}
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
