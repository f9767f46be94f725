package contrib

import (
	"fmt"
	"regexp"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// CognitoConfig configures the Amazon Cognito preset: OpenID Connect with
// a Cognito user pool's managed login (hosted UI). Provider documentation:
// https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html
//
// The endpoints are Cognito's documented paths: /oauth2/authorize,
// /oauth2/token, /oauth2/userInfo and /oauth2/revoke on the user pool's
// domain, and the issuer https://cognito-idp.{region}.amazonaws.com/{UserPoolID}
// with its key set at /.well-known/jwks.json, which the ID token is
// verified against; there is no discovery call. For anything else, use
// [dance.NewOIDC] with the issuer, which reads the discovery document.
//
// The blueprint is refreshable: Cognito's code grant always gives a
// refresh token. [dance.Client.Revoke] uses Cognito's RFC 7009 endpoint,
// which revokes the refresh token and the access tokens it gave.
//
// Profile: GET /oauth2/userInfo. Login is the Cognito username; Cognito
// sends email_verified as the string "true" or "false", which
// EmailVerified reads.
type CognitoConfig struct {
	// ClientID is the app client's ID; default from
	// COGNITO_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the app client's secret; default from
	// COGNITO_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "openid", "profile", "email".
	Scopes []string
	// Domain is the user pool's domain: its prefix domain, for example
	// "myapp.auth.us-east-1.amazoncognito.com", or its custom domain
	// ("https://" is optional). Required.
	Domain string
	// UserPoolID is the user pool's ID, for example
	// "us-east-1_AbCdEf123"; its region (before the "_") is the issuer's.
	// Required.
	UserPoolID string
	// Endpoints override the user pool's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Domain}/.
	dance.Options
}

// userPoolIDRE is a Cognito user pool ID: the region, "_", and the ID.
var userPoolIDRE = regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9]+)_[0-9A-Za-z]+$`)

// Cognito returns a blueprint named "cognito".
func Cognito(cfg CognitoConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.Cognito, profileFix: cognitoEmailVerified}
	base, err := instanceBase(p.Name, "Domain", cfg.Domain, cfg.Dev, p.AuthURL)
	if err != nil {
		return nil, err
	}
	if cfg.Dev == nil { // development mode stands in for the example pool
		m := userPoolIDRE.FindStringSubmatch(cfg.UserPoolID)
		if m == nil {
			return nil, fmt.Errorf("dance: cognito: UserPoolID %q is not a user pool ID such as us-east-1_AbCdEf123", cfg.UserPoolID)
		}
		p.rebase("https://example.auth.us-east-1.amazoncognito.com", base)
		p.rebase("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE", "https://cognito-idp."+m[1]+".amazonaws.com/"+cfg.UserPoolID)
	}
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// cognitoEmailVerified reads Cognito's email_verified, a string "true" or
// "false" in the userInfo answer (a boolean in the ID token).
func cognitoEmailVerified(_ *dance.Client, p *dance.Profile) error {
	if s, ok := p.Raw["email_verified"].(string); ok && p.Email != "" {
		v := s == "true"
		p.EmailVerified = &v
	}
	return nil
}
