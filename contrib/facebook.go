package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// FacebookConfig configures the Facebook preset. Provider documentation:
// https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
//
// Profile: GET /me?fields=id,name,email,picture. Login and EmailVerified
// are always empty; Email needs the "email" permission.
type FacebookConfig struct {
	// ClientID is the app ID; default from FACEBOOK_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the app secret; default from
	// FACEBOOK_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes (permissions) to request, for example "email". Default none.
	Scopes []string
	// RerequestDeclinedPermissions asks again for permissions the user
	// declined before (auth_type=rerequest).
	RerequestDeclinedPermissions bool
	// Endpoints override www.facebook.com's and graph.facebook.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://graph.facebook.com/.
	dance.Options
}

// Facebook returns a blueprint named "facebook".
func Facebook(cfg FacebookConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:   presets.Facebook,
		authParams: params{}.setIf(cfg.RerequestDeclinedPermissions, "auth_type", "rerequest"),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
