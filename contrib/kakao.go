package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// KakaoConfig configures the Kakao preset (Kakao Login, REST API).
// Provider documentation:
// https://developers.kakao.com/docs/latest/en/kakaologin/rest-api
//
// The token request carries client_id (the app's REST API key) in the
// body, and client_secret only when the app turned the client secret on
// in its console (it is optional at Kakao). Tokens are refreshable.
//
// Profile: GET https://kapi.kakao.com/v2/user/me. ID is the numeric
// member number; Name is kakao_account.profile.nickname; Email and
// EmailVerified (kakao_account.email, is_email_verified) need the user's
// consent to the account_email item; AvatarURL is
// kakao_account.profile.profile_image_url. Login is always empty.
type KakaoConfig struct {
	// ClientID is the app's REST API key; default from
	// KAKAO_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret, when the app has it turned on;
	// default from KAKAO_OAUTH_CLIENT_SECRET. Optional.
	ClientSecret string
	// Scopes are consent items to ask for beyond the app's configured
	// ones, for example "account_email", "profile_nickname". Default
	// none: the consent items set in the console.
	Scopes []string
	// Prompt is Kakao's prompt: "login" asks the user to sign in again,
	// "select_account" shows the account chooser. Default none.
	Prompt string
	// LoginHint pre-fills the Kakao account on the sign-in page.
	LoginHint string
	// Endpoints override kauth.kakao.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://kapi.kakao.com/.
	dance.Options
}

// Kakao returns a blueprint named "kakao".
func Kakao(cfg KakaoConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.Kakao,
		clientIDInBody: true,
		authParams:     params{}.setIf(true, "prompt", cfg.Prompt).setIf(true, "login_hint", cfg.LoginHint),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
