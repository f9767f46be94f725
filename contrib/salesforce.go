package contrib

import "github.com/gin-dance/dance"

// SalesforceConfig configures the Salesforce preset, the Go form of
// Flask-Dance's make_salesforce_blueprint. Provider documentation:
// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
//
// Profile: GET /services/oauth2/userinfo. Email and EmailVerified can be
// empty; AvatarURL is Salesforce's picture URL, which itself needs the
// token.
type SalesforceConfig struct {
	// ClientID is the consumer key; default from
	// SALESFORCE_OAUTH_CLIENT_ID. Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the consumer secret; default from
	// SALESFORCE_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request, for example "api", "openid". Default none.
	// Flask-Dance: scope.
	Scopes []string
	// RepromptConsent makes Salesforce ask for consent again
	// (prompt=consent). Flask-Dance: reprompt_consent.
	RepromptConsent bool
	// Hostname is your Salesforce instance's login host, for example
	// "mycompany.my.salesforce.com". Default "login.salesforce.com", or
	// "test.salesforce.com" with IsSandbox. Flask-Dance: hostname.
	Hostname string
	// IsSandbox uses test.salesforce.com when Hostname is empty.
	// Flask-Dance: is_sandbox.
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
	if host == "" {
		host = "login.salesforce.com"
		if cfg.IsSandbox {
			host = "test.salesforce.com"
		}
	}
	profile := oidcProfile("services/oauth2/userinfo")
	profile.id = "user_id"
	return preset{
		name:       "salesforce",
		authURL:    hostURL(host, "/services/oauth2/authorize"),
		tokenURL:   hostURL(host, "/services/oauth2/token"),
		baseURL:    hostURL(host, "/"),
		authParams: params{}.prompt(cfg.RepromptConsent, "consent"),
		profile:    profile,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
