package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// TumblrConfig configures the Tumblr preset, on OAuth 1.0a with
// HMAC-SHA1 signatures. (Tumblr also speaks OAuth 2; this preset is its
// OAuth 1.0a, which every Tumblr app has.) Provider documentation:
// https://www.tumblr.com/docs/en/api/v2#oauth1-authorization
//
// Route paths, redirects, storage, HTTP client and route handlers are in
// the embedded [dance.Options].
//
// Profile: GET https://api.tumblr.com/v2/user/info. Tumblr knows a user by
// name (the primary blog's), which is the ID, Login and Name; Raw has the
// blogs. Email and AvatarURL are always empty.
type TumblrConfig struct {
	// ConsumerKey is the app's OAuth consumer key; default from the
	// environment variable TUMBLR_OAUTH_CLIENT_KEY.
	ConsumerKey string
	// ConsumerSecret is the app's secret key; default from
	// TUMBLR_OAUTH_CLIENT_SECRET.
	ConsumerSecret string
	// OAuth1Endpoints override www.tumblr.com's (for tests).
	OAuth1Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.tumblr.com/v2/.
	dance.Options
}

// Tumblr returns a blueprint named "tumblr", whose client signs every
// call to https://api.tumblr.com/v2/ (for example "user/dashboard").
func Tumblr(cfg TumblrConfig) (*dance.Blueprint, error) {
	return buildOAuth1(presets.Tumblr, dance.OAuth1Config{
		ClientKey:    cfg.ConsumerKey,    // default from TUMBLR_OAUTH_CLIENT_KEY
		ClientSecret: cfg.ConsumerSecret, // default from TUMBLR_OAUTH_CLIENT_SECRET
		Options:      cfg.Options,
	}, cfg.OAuth1Endpoints)
}
