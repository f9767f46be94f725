package contrib

import "github.com/gin-dance/dance"

// TwitterConfig configures the Twitter preset, the Go form of Flask-Dance's
// make_twitter_blueprint (OAuth 1.0a, HMAC-SHA1). Provider documentation:
// https://developer.twitter.com/en/docs/authentication/oauth-1-0a
//
// Route paths, redirects, storage, HTTP client and route handlers are in
// the embedded [dance.Options] (login_url, authorized_url, redirect_url,
// redirect_to, storage, session_class, rule_kwargs).
type TwitterConfig struct {
	// APIKey is the app's API key (consumer key); default from the
	// environment variable TWITTER_OAUTH_CLIENT_KEY. Flask-Dance: api_key.
	APIKey string
	// APISecret is the app's API secret (consumer secret); default from
	// TWITTER_OAUTH_CLIENT_SECRET. Flask-Dance: api_secret.
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
	return oauth1Preset{
		name:            "twitter",
		requestTokenURL: "https://api.twitter.com/oauth/request_token",
		authURL:         "https://api.twitter.com/oauth/authorize",
		accessTokenURL:  "https://api.twitter.com/oauth/access_token",
		baseURL:         "https://api.twitter.com/1.1/",
	}.build(dance.OAuth1Config{
		ClientKey:       cfg.APIKey,
		ClientSecret:    cfg.APISecret,
		ClientKeyEnv:    "TWITTER_OAUTH_CLIENT_KEY",
		ClientSecretEnv: "TWITTER_OAUTH_CLIENT_SECRET",
		Options:         cfg.Options,
	}, cfg.OAuth1Endpoints)
}
