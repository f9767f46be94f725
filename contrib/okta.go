package contrib

import (
	"errors"
	"regexp"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// OktaConfig configures the Okta preset: OpenID Connect with an Okta org's
// authorization server. Provider documentation:
// https://developer.okta.com/docs/guides/implement-grant-type/authcode/main/
//
// The endpoints are Okta's documented paths under the org and server
// (https://{Domain}/oauth2/{AuthorizationServer}/v1/authorize, …/token,
// …/keys, …/userinfo, …/revoke), with no discovery call; the ID token is
// verified against the issuer https://{Domain}/oauth2/{AuthorizationServer}
// (https://{Domain} for the org authorization server). For anything else,
// such as a custom domain whose issuer differs, use [dance.NewOIDC] with the
// issuer, which reads the discovery document.
//
// The blueprint is refreshable only when the scopes include
// "offline_access" (and the app allows the refresh token grant).
// [dance.Client.Revoke] uses Okta's RFC 7009 endpoint.
//
// Profile: GET …/v1/userinfo (OpenID Connect claims). Login is the
// preferred_username (the Okta login); Email and EmailVerified need the
// "email" scope.
type OktaConfig struct {
	// ClientID is the app integration's client ID; default from
	// OKTA_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// OKTA_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "openid", "profile", "email"; add
	// "offline_access" for a refresh token.
	Scopes []string
	// Domain is the Okta org's domain, for example
	// "dev-123456.okta.com" or a custom domain ("https://" is
	// optional). Required.
	Domain string
	// AuthorizationServer is the ID of the custom authorization server.
	// Default "default", the one every org with API Access Management
	// has.
	AuthorizationServer string
	// OrgAuthorizationServer uses the org authorization server
	// (https://{Domain}/oauth2/v1/…, issuer https://{Domain}) instead of a
	// custom one, for orgs without API Access Management. It cannot be
	// combined with AuthorizationServer.
	OrgAuthorizationServer bool
	// Endpoints override the org's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Domain}/.
	dance.Options
}

// serverIDRE is what an Okta authorization server ID looks like.
var serverIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Okta returns a blueprint named "okta".
func Okta(cfg OktaConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.Okta}
	base, err := instanceBase(p.Name, "Domain", cfg.Domain, cfg.Dev, p.Issuer)
	if err != nil {
		return nil, err
	}
	if cfg.OrgAuthorizationServer && cfg.AuthorizationServer != "" {
		return nil, errors.New("dance: okta: set AuthorizationServer or OrgAuthorizationServer, not both")
	}
	server := "/oauth2/" + or(cfg.AuthorizationServer, "default")
	if cfg.AuthorizationServer != "" && !serverIDRE.MatchString(cfg.AuthorizationServer) {
		return nil, errors.New("dance: okta: AuthorizationServer is not an authorization server ID")
	}
	if cfg.Dev == nil { // development mode stands in for the example org's default server
		if cfg.OrgAuthorizationServer {
			server = "/oauth2"
		}
		p.rebase("https://example.okta.com/oauth2/default", base+server)
		p.rebase("https://example.okta.com", base)
		if cfg.OrgAuthorizationServer {
			p.Issuer = base
		}
	}
	p.Refreshable = hasOfflineAccess(cfg.Scopes, p.Scopes)
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// hasOfflineAccess reports whether scopes (or def, when nil) ask for a
// refresh token, as the OpenID Connect providers that need it to issue one
// want: "offline_access".
func hasOfflineAccess(scopes, def []string) bool {
	for _, s := range orScopes(scopes, def...) {
		if s == "offline_access" {
			return true
		}
	}
	return false
}
