package contrib

import "github.com/gin-dance/dance"

// FacebookConfig configures the Facebook preset, the Go form of
// Flask-Dance's make_facebook_blueprint. Provider documentation:
// https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
//
// Profile: GET /me?fields=id,name,email,picture. Login and EmailVerified
// are always empty; Email needs the "email" permission.
type FacebookConfig struct {
	// ClientID is the app ID; default from FACEBOOK_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the app secret; default from
	// FACEBOOK_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes (permissions) to request, for example "email". Default none.
	// Flask-Dance: scope.
	Scopes []string
	// RerequestDeclinedPermissions asks again for permissions the user
	// declined before (auth_type=rerequest).
	// Flask-Dance: rerequest_declined_permissions.
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
		name:       "facebook",
		authURL:    "https://www.facebook.com/dialog/oauth",
		tokenURL:   "https://graph.facebook.com/oauth/access_token",
		baseURL:    "https://graph.facebook.com/",
		authParams: params{}.setIf(cfg.RerequestDeclinedPermissions, "auth_type", "rerequest"),
		profile: &profileSpec{
			url: "me?fields=id,name,email,picture", id: "id", name: "name", email: "email", avatar: "picture.data.url",
		},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
