package contrib

import (
	"net/url"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// YandexConfig configures the Yandex preset (Yandex ID). Provider
// documentation: https://yandex.com/dev/id/doc/en/
//
// API calls carry "Authorization: OAuth <token>", Yandex's scheme, not
// "Bearer". Tokens are refreshable.
//
// Profile: GET https://login.yandex.ru/info?format=json. Login is the
// Yandex login; Name is real_name, or display_name; Email is
// default_email (scope login:email); AvatarURL is built from
// default_avatar_id (scope login:avatar), empty when the user has none.
// EmailVerified is always empty.
type YandexConfig struct {
	// ClientID is the app's ClientID; default from
	// YANDEX_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the Client secret; default from
	// YANDEX_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "login:info", "login:email",
	// "login:avatar". Default none: the app's configured access.
	Scopes []string
	// ForceConfirm asks the user to confirm access again even when
	// granted (force_confirm=yes).
	ForceConfirm bool
	// LoginHint pre-fills the user's login on the sign-in page.
	LoginHint string
	// Endpoints override oauth.yandex.com's (oauth.yandex.ru works too).
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://login.yandex.ru/.
	dance.Options
}

// Yandex returns a blueprint named "yandex".
func Yandex(cfg YandexConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:   presets.Yandex,
		authParams: params{}.setIf(cfg.ForceConfirm, "force_confirm", "yes").setIf(true, "login_hint", cfg.LoginHint),
		authorize:  authScheme("OAuth"),
		profileFix: yandexAvatar,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// yandexAvatar builds the avatar URL from default_avatar_id: Yandex's
// profile has the avatar's ID, not its URL, and an empty avatar when
// is_avatar_empty is true.
func yandexAvatar(_ *dance.Client, p *dance.Profile) error {
	id, _ := p.Raw["default_avatar_id"].(string)
	if empty, _ := p.Raw["is_avatar_empty"].(bool); empty || id == "" {
		return nil
	}
	p.AvatarURL = "https://avatars.yandex.net/get-yapic/" + url.PathEscape(id) + "/islands-200"
	return nil
}
