package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// ZohoConfig configures the Zoho preset. Provider documentation:
// https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html
//
// API calls carry "Authorization: Zoho-oauthtoken <token>", not Bearer.
//
// Profile: GET https://accounts.zoho.com/oauth/user/info (scope
// "AaaServer.profile.Read"). Login, EmailVerified and AvatarURL are always
// empty.
type ZohoConfig struct {
	// ClientID is the client ID; default from ZOHO_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// ZOHO_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "ZohoCRM.users.all".
	Scopes []string
	// Offline asks for a refresh token: access_type=offline instead of
	// access_type=online.
	Offline bool
	// RepromptConsent makes Zoho ask for consent again (prompt=consent).
	RepromptConsent bool
	// Endpoints override accounts.zoho.com's (for another data centre,
	// such as accounts.zoho.eu).
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://www.zohoapis.com/.
	dance.Options
}

// Zoho returns a blueprint named "zoho".
func Zoho(cfg ZohoConfig) (*dance.Blueprint, error) {
	access := "online"
	if cfg.Offline {
		access = "offline"
	}
	return preset{
		Provider:   presets.Zoho,
		authParams: params{"access_type": access}.prompt(cfg.RepromptConsent, "consent"),
		authorize:  authScheme("Zoho-oauthtoken"),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
