package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// RedditConfig configures the Reddit preset. Provider documentation:
// https://github.com/reddit-archive/reddit/wiki/OAuth2
//
// The token request sends the client ID and secret as HTTP Basic auth, as
// Reddit requires; every API call carries a non-generic User-Agent, as
// Reddit's API rules demand; the blueprint is refreshable.
//
// Profile: GET /api/v1/me. Name, Email and EmailVerified are always empty
// (Reddit has no display name or e-mail in its API); Login is the username.
type RedditConfig struct {
	// ClientID is the client ID; default from REDDIT_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// REDDIT_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "identity".
	Scopes []string
	// Permanent asks for a refresh token (duration=permanent); otherwise
	// access lasts one hour.
	Permanent bool
	// UserAgent is sent on every API call. Default [DefaultUserAgent].
	UserAgent string
	// Endpoints override www.reddit.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://oauth.reddit.com/.
	dance.Options
}

// Reddit returns a blueprint named "reddit".
func Reddit(cfg RedditConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:   presets.Reddit,
		authParams: params{}.setIf(cfg.Permanent, "duration", "permanent"),
		header:     userAgent(cfg.UserAgent),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
