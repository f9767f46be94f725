package contrib

import "github.com/gin-dance/dance"

// RedditConfig configures the Reddit preset, the Go form of Flask-Dance's
// make_reddit_blueprint. Provider documentation:
// https://github.com/reddit-archive/reddit/wiki/OAuth2
//
// The token request sends the client ID and secret as HTTP Basic auth, as
// Reddit requires; every API call carries a non-generic User-Agent, as
// Reddit's API rules demand; the blueprint is refreshable.
//
// Profile: GET /api/v1/me. Name, Email and EmailVerified are always empty
// (Reddit has no display name or e-mail in its API); Login is the
// username.
type RedditConfig struct {
	// ClientID is the client ID; default from REDDIT_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the client secret; default from
	// REDDIT_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request. Default "identity". Flask-Dance: scope.
	Scopes []string
	// Permanent asks for a refresh token (duration=permanent); otherwise
	// access lasts one hour. Flask-Dance: permanent.
	Permanent bool
	// UserAgent is sent on every API call. Default [DefaultUserAgent].
	// Flask-Dance: user_agent.
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
		name:        "reddit",
		authURL:     "https://www.reddit.com/api/v1/authorize",
		tokenURL:    "https://www.reddit.com/api/v1/access_token",
		baseURL:     "https://oauth.reddit.com/",
		scopes:      []string{"identity"},
		authParams:  params{}.setIf(cfg.Permanent, "duration", "permanent"),
		refreshable: true,
		header:      userAgent(cfg.UserAgent),
		profile:     &profileSpec{url: "api/v1/me", id: "id", login: "name", avatar: "icon_img"},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
