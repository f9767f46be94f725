package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// TwitterConfig configures the Twitter preset. Provider documentation:
// https://developer.twitter.com/en/docs/authentication/oauth-1-0a
//
// Route paths, redirects, storage, HTTP client and route handlers are in
// the embedded [dance.Options].
type TwitterConfig struct {
	// APIKey is the app's API key (consumer key); default from the
	// environment variable TWITTER_OAUTH_CLIENT_KEY.
	APIKey string
	// APISecret is the app's API secret (consumer secret); default from
	// TWITTER_OAUTH_CLIENT_SECRET.
	APISecret string
	// OAuth1Endpoints override api.twitter.com's (for tests).
	OAuth1Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.twitter.com/1.1/.
	dance.Options
}

// Twitter returns a blueprint named "twitter". Its routes are /twitter and
// /twitter/authorized on the router it is registered on, and its client
// calls https://api.twitter.com/1.1/ (for example
// "account/verify_credentials.json"), signing every call.
func Twitter(cfg TwitterConfig) (*dance.Blueprint, error) {
	return buildOAuth1(presets.Twitter, dance.OAuth1Config{
		ClientKey:    cfg.APIKey,    // default from TWITTER_OAUTH_CLIENT_KEY
		ClientSecret: cfg.APISecret, // default from TWITTER_OAUTH_CLIENT_SECRET
		Options:      cfg.Options,
	}, cfg.OAuth1Endpoints)
}
