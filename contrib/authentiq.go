package contrib

import "github.com/gin-dance/dance"

// AuthentiqConfig configures the Authentiq preset, the Go form of
// Flask-Dance's make_authentiq_blueprint. Provider documentation:
// https://developers.authentiq.com/
//
// Profile: GET /userinfo (OpenID Connect). Login, Email, EmailVerified and
// AvatarURL can be empty, depending on the scopes granted.
type AuthentiqConfig struct {
	// ClientID is the client ID; default from AUTHENTIQ_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// AUTHENTIQ_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request. Default "openid", "profile". Flask-Dance: scope.
	Scopes []string
	// Hostname is the Authentiq instance, for a private Authentiq CE/EE.
	// Default "connect.authentiq.io". Flask-Dance: hostname.
	Hostname string
	// Endpoints override the instance's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Hostname}/.
	dance.Options
}

// Authentiq returns a blueprint named "authentiq".
func Authentiq(cfg AuthentiqConfig) (*dance.Blueprint, error) {
	host := or(cfg.Hostname, "connect.authentiq.io")
	return preset{
		name:     "authentiq",
		authURL:  hostURL(host, "/authorize"),
		tokenURL: hostURL(host, "/token"),
		baseURL:  hostURL(host, "/"),
		scopes:   []string{"openid", "profile"},
		profile:  oidcProfile("userinfo"),
		// ID tokens (the default scope has openid) are verified.
		issuer:  hostURL(host, "/"),
		jwksURL: hostURL(host, "/jwks"),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// oidcProfile maps an OpenID Connect userinfo endpoint (Authentiq,
// LinkedIn, Salesforce).
func oidcProfile(url string) *profileSpec {
	return &profileSpec{
		url: url, id: "sub", login: "preferred_username", name: "name",
		nameParts: []string{"given_name", "family_name"},
		email:     "email", verified: "email_verified", avatar: "picture",
	}
}
