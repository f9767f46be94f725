package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// TikTokConfig configures the TikTok preset: Login Kit for the web (API
// v2). Provider documentation:
// https://developers.tiktok.com/doc/login-kit-web
//
// TikTok names the client ID "client_key": the authorization request and
// every token request (the code's and the refresh) carry it as
// client_key, besides client_id; the client secret goes in the token
// request's body. Scopes are sent comma-separated, as TikTok wants, so a
// step-up login ([dance.Blueprint.Required] with scopes) asks for them as
// one. No PKCE challenge is sent: TikTok's web flow documents none, and
// its desktop flow's is not RFC 7636's. The blueprint is refreshable.
//
// Profile: GET /v2/user/info/ with fields open_id, union_id, avatar_url
// and display_name. ID is the open_id (one per app); Login, Email and
// EmailVerified are always empty.
type TikTokConfig struct {
	// ClientID is the app's client key; default from
	// TIKTOK_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the app's client secret; default from
	// TIKTOK_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "user.info.basic".
	Scopes []string
	// Endpoints override www.tiktok.com's and open.tiktokapis.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://open.tiktokapis.com/v2/.
	dance.Options
}

// TikTok returns a blueprint named "tiktok".
func TikTok(cfg TikTokConfig) (*dance.Blueprint, error) {
	p := preset{
		Provider:       presets.TikTok,
		clientIDInBody: true,
		clientIDParam:  "client_key",
		tokenForm:      withClientIDAs("client_key"),
		disablePKCE:    true,
	}
	return p.build(cfg.ClientID, cfg.ClientSecret, commaScopes(orScopes(cfg.Scopes, p.Scopes...)), cfg.Endpoints, cfg.Options)
}
