package contrib

import (
	"errors"
	"os"
	"strings"

	"github.com/gin-dance/dance/internal/presets"

	"github.com/gin-dance/dance"
)

// JIRAConfig configures the JIRA preset: OAuth 1.0a with RSA-SHA1, through
// a JIRA application link. Provider documentation:
// https://developer.atlassian.com/server/jira/platform/oauth/
//
// Options.BaseURL is required: the root of your JIRA installation, for
// example https://jira.example.com. The OAuth endpoints are under it, at
// plugins/servlet/oauth/…, and the client's relative URLs
// ("rest/api/2/myself") resolve against it.
type JIRAConfig struct {
	// ConsumerKey is the application link's consumer key; default from the
	// environment variable JIRA_OAUTH_CONSUMER_KEY.
	ConsumerKey string
	// RSAKey is the application link's RSA private key, as PEM text or as
	// the path of a PEM file; default from JIRA_OAUTH_RSA_KEY.
	RSAKey string
	// OAuth1Endpoints override the OAuth endpoints under BaseURL (for tests).
	OAuth1Endpoints
	// Options are the settings every blueprint has; BaseURL is required.
	dance.Options
}

// JIRA returns a blueprint named "jira". Its routes are /jira and
// /jira/authorized on the router it is registered on. Its client signs
// every call with RSA-SHA1 and sends Content-Type: application/json unless
// the call sets its own: JIRA's REST API takes JSON.
func JIRA(cfg JIRAConfig) (*dance.Blueprint, error) {
	if cfg.BaseURL == "" {
		if cfg.Dev == nil {
			return nil, errors.New("dance: jira: Options.BaseURL, the root of the JIRA installation, is required")
		}
		cfg.BaseURL = "https://jira.example.com" // development mode points it at the stand-in
	}
	// JSON unless the call says otherwise: JIRA's REST API takes JSON.
	cfg.Header = withDefault(cfg.Header, "Content-Type", "application/json")
	base := strings.TrimSuffix(cfg.BaseURL, "/") + "/"
	cfg.BaseURL = base // so that "rest/api/2/…" resolves under a path prefix
	oauth := base + "plugins/servlet/oauth/"
	p := presets.JIRA // the endpoints are under the installation's root
	p.RequestTokenURL, p.AuthURL, p.TokenURL, p.BaseURL = oauth+"request-token", oauth+"authorize", oauth+"access-token", base
	return buildOAuth1(p, dance.OAuth1Config{
		ClientKey:       or(cfg.ConsumerKey, os.Getenv("JIRA_OAUTH_CONSUMER_KEY")),
		SignatureMethod: "RSA-SHA1",
		RSAKey:          cfg.RSAKey, // default from JIRA_OAUTH_RSA_KEY
		Options:         cfg.Options,
	}, cfg.OAuth1Endpoints)
}
