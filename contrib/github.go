package contrib

import "github.com/gin-dance/dance"

// GitHubConfig configures the GitHub preset, the Go form of Flask-Dance's
// make_github_blueprint. Provider documentation:
// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
//
// Route paths, redirects, storage, HTTP client and route handlers are in
// the embedded [dance.Options] (login_url, authorized_url, redirect_url,
// redirect_to, storage, session_class, rule_kwargs).
type GitHubConfig struct {
	// ClientID is the OAuth app's client ID; default from the environment
	// variable GITHUB_OAUTH_CLIENT_ID. Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the OAuth app's client secret; default from
	// GITHUB_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request, for example "user:email", "repo". Default none
	// (read-only access to public information). Flask-Dance: scope.
	Scopes []string
	// Endpoints override github.com's (for GitHub Enterprise, or tests).
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.github.com/.
	dance.Options
}

// GitHub returns a blueprint named "github" for GitHub's OAuth apps. Its
// routes are /github and /github/authorized on the router it is
// registered on, and its client calls https://api.github.com/.
func GitHub(cfg GitHubConfig) (*dance.Blueprint, error) {
	return preset{
		name:     "github",
		authURL:  "https://github.com/login/oauth/authorize",
		tokenURL: "https://github.com/login/oauth/access_token",
		baseURL:  "https://api.github.com/",
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options, nil)
}
