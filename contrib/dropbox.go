package contrib

import "github.com/gin-dance/dance"

// DropboxConfig configures the Dropbox preset, the Go form of
// Flask-Dance's make_dropbox_blueprint. Provider documentation:
// https://developers.dropbox.com/oauth-guide and
// https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize
//
// With no option set, the authorization request carries exactly
// client_id, redirect_uri, response_type and state, plus PKCE's
// code_challenge and code_challenge_method.
//
// Profile: POST /2/users/get_current_account. Login is always empty;
// AvatarURL can be empty.
type DropboxConfig struct {
	// AppKey is the app key; default from DROPBOX_OAUTH_CLIENT_ID.
	// Flask-Dance: app_key.
	AppKey string
	// AppSecret is the app secret; default from
	// DROPBOX_OAUTH_CLIENT_SECRET. Flask-Dance: app_secret.
	AppSecret string
	// Scopes to request. Default none (the app's configured scopes).
	// Flask-Dance: scope.
	Scopes []string
	// Offline asks for a refresh token (token_access_type=offline).
	// Flask-Dance: offline.
	Offline bool
	// ForceReapprove makes the user approve the app again
	// (force_reapprove=true). Flask-Dance: force_reapprove.
	ForceReapprove bool
	// DisableSignup hides the sign-up link (disable_signup=true).
	// Flask-Dance: disable_signup.
	DisableSignup bool
	// RequireRole is "work" to require a Dropbox Business account, or
	// "personal" to require a personal one (require_role=).
	// Flask-Dance: require_role.
	RequireRole string
	// Endpoints override www.dropbox.com's and api.dropbox.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.dropbox.com/2/.
	dance.Options
}

// Dropbox returns a blueprint named "dropbox".
func Dropbox(cfg DropboxConfig) (*dance.Blueprint, error) {
	return preset{
		name:     "dropbox",
		authURL:  "https://www.dropbox.com/oauth2/authorize",
		tokenURL: "https://api.dropbox.com/oauth2/token",
		baseURL:  "https://api.dropbox.com/2/",
		authParams: params{}.
			setIf(cfg.Offline, "token_access_type", "offline").
			setIf(cfg.ForceReapprove, "force_reapprove", "true").
			setIf(cfg.DisableSignup, "disable_signup", "true").
			setIf(true, "require_role", cfg.RequireRole),
		profile: &profileSpec{
			url: "users/get_current_account", method: "POST", id: "account_id", name: "name.display_name",
			email: "email", verified: "email_verified", avatar: "profile_photo_url",
		},
	}.build(cfg.AppKey, cfg.AppSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
