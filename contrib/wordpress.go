package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// WordPressConfig configures the WordPress.com preset (WordPress.com and
// Jetpack sites). Provider documentation:
// https://developer.wordpress.com/docs/oauth2/
//
// The token request carries the client ID and secret in the body. The
// token answer names the blog the user authorized: [dance.Token.Extra]
// holds "blog_id" and "blog_url" (empty for a global-scope token).
//
// Profile: GET https://public-api.wordpress.com/rest/v1.1/me. ID is the
// numeric user ID, Login the username, Name the display name; Email and
// EmailVerified are WordPress.com's; AvatarURL is the Gravatar.
type WordPressConfig struct {
	// ClientID is the application's client ID; default from
	// WORDPRESS_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// WORDPRESS_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request: none (one blog), "global" (every blog of the
	// user), "auth" (authentication only), or "posts", "comments", ….
	// Default none.
	Scopes []string
	// Blog preselects the blog (its URL or ID) on the consent page.
	Blog string
	// Endpoints override public-api.wordpress.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://public-api.wordpress.com/rest/v1.1/.
	dance.Options
}

// WordPress returns a blueprint named "wordpress".
func WordPress(cfg WordPressConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.WordPress,
		clientIDInBody: true,
		authParams:     params{}.setIf(true, "blog", cfg.Blog),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
