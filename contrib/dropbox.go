package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// DropboxConfig configures the Dropbox preset. Provider documentation:
// https://developers.dropbox.com/oauth-guide and
// https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize
//
// With no option set, the authorization request carries exactly client_id,
// redirect_uri, response_type and state, plus PKCE's code_challenge and
// code_challenge_method.
//
// Profile: POST /2/users/get_current_account. Login is always empty;
// AvatarURL can be empty.
type DropboxConfig struct {
	// AppKey is the app key; default from DROPBOX_OAUTH_CLIENT_ID.
	AppKey string
	// AppSecret is the app secret; default from
	// DROPBOX_OAUTH_CLIENT_SECRET.
	AppSecret string
	// Scopes to request. Default none (the app's configured scopes).
	Scopes []string
	// Offline asks for a refresh token (token_access_type=offline).
	Offline bool
	// ForceReapprove makes the user approve the app again
	// (force_reapprove=true).
	ForceReapprove bool
	// DisableSignup hides the sign-up link (disable_signup=true).
	DisableSignup bool
	// RequireRole is "work" to require a Dropbox Business account, or
	// "personal" to require a personal one (require_role=).
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
		Provider: presets.Dropbox,
		authParams: params{}.
			setIf(cfg.Offline, "token_access_type", "offline").
			setIf(cfg.ForceReapprove, "force_reapprove", "true").
			setIf(cfg.DisableSignup, "disable_signup", "true").
			setIf(true, "require_role", cfg.RequireRole),
	}.build(cfg.AppKey, cfg.AppSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
