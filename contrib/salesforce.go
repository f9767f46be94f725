package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// SalesforceConfig configures the Salesforce preset. Provider
// documentation:
// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
//
// Profile: GET /services/oauth2/userinfo. Email and EmailVerified can be
// empty; AvatarURL is Salesforce's picture URL, which itself needs the
// token.
type SalesforceConfig struct {
	// ClientID is the consumer key; default from
	// SALESFORCE_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the consumer secret; default from
	// SALESFORCE_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "api", "openid". Default none.
	Scopes []string
	// RepromptConsent makes Salesforce ask for consent again
	// (prompt=consent).
	RepromptConsent bool
	// Hostname is your Salesforce instance's login host, for example
	// "mycompany.my.salesforce.com". Default "login.salesforce.com", or
	// "test.salesforce.com" with IsSandbox.
	Hostname string
	// IsSandbox uses test.salesforce.com when Hostname is empty.
	IsSandbox bool
	// Endpoints override the instance's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Hostname}/.
	dance.Options
}

// Salesforce returns a blueprint named "salesforce".
func Salesforce(cfg SalesforceConfig) (*dance.Blueprint, error) {
	host := cfg.Hostname
	if host == "" && cfg.IsSandbox {
		host = "test.salesforce.com"
	}
	p := preset{
		Provider:   presets.Salesforce,
		authParams: params{}.prompt(cfg.RepromptConsent, "consent"),
	}
	p.rehost("login.salesforce.com", host)
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
