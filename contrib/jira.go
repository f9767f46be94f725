package contrib

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-dance/dance"
)

// JIRAConfig configures the JIRA preset, the Go form of Flask-Dance's
// make_jira_blueprint: OAuth 1.0a with RSA-SHA1, through a JIRA
// application link. Provider documentation:
// https://developer.atlassian.com/server/jira/platform/oauth/
//
// Options.BaseURL is required: the root of your JIRA installation, for
// example https://jira.example.com (Flask-Dance: base_url). The OAuth
// endpoints are under it, at plugins/servlet/oauth/…, and the client's
// relative URLs ("rest/api/2/myself") resolve against it.
type JIRAConfig struct {
	// ConsumerKey is the application link's consumer key; default from the
	// environment variable JIRA_OAUTH_CONSUMER_KEY.
	// Flask-Dance: consumer_key.
	ConsumerKey string
	// RSAKey is the application link's RSA private key, as PEM text or as
	// the path of a PEM file; default from JIRA_OAUTH_RSA_KEY.
	// Flask-Dance: rsa_key.
	RSAKey string
	// OAuth1Endpoints override the OAuth endpoints under BaseURL (for tests).
	OAuth1Endpoints
	// Options are the settings every blueprint has; BaseURL is required.
	dance.Options
}

// JIRA returns a blueprint named "jira". Its routes are /jira and
// /jira/authorized on the router it is registered on. Its client signs
// every call with RSA-SHA1 and sends Content-Type: application/json unless
// the call sets its own (Flask-Dance's JsonOAuth1Session).
func JIRA(cfg JIRAConfig) (*dance.Blueprint, error) {
	if cfg.BaseURL == "" {
		if cfg.Dev == nil {
			return nil, errors.New("dance: jira: Options.BaseURL, the root of the JIRA installation, is required")
		}
		cfg.BaseURL = "https://jira.example.com" // development mode points it at the stand-in
	}
	base := strings.TrimSuffix(cfg.BaseURL, "/") + "/"
	cfg.BaseURL = base // so that "rest/api/2/…" resolves under a path prefix
	oauth := base + "plugins/servlet/oauth/"
	return oauth1Preset{
		name:            "jira",
		requestTokenURL: oauth + "request-token",
		authURL:         oauth + "authorize",
		accessTokenURL:  oauth + "access-token",
	}.build(dance.OAuth1Config{
		ClientKey:       cfg.ConsumerKey,
		ClientKeyEnv:    "JIRA_OAUTH_CONSUMER_KEY",
		SignatureMethod: "RSA-SHA1",
		RSAKey:          cfg.RSAKey,
		RSAKeyEnv:       "JIRA_OAUTH_RSA_KEY",
		DefaultHeader:   http.Header{"Content-Type": {"application/json"}},
		Options:         cfg.Options,
	}, cfg.OAuth1Endpoints)
}
