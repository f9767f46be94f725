package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// GiteaConfig configures the Gitea preset, for Gitea and Forgejo (and
// Codeberg, a Forgejo instance). Provider documentation:
// https://docs.gitea.com/development/oauth2-provider
// (Forgejo: https://forgejo.org/docs/latest/user/oauth2-provider/).
//
// Both are OpenID Connect providers too: with "openid" in Scopes, every
// ID token is verified against the instance's keys
// (https://{Hostname}/login/oauth/keys) and its issuer
// https://{Hostname}/. Tokens are refreshable.
//
// Profile: GET https://{Hostname}/api/v1/user (scope read:user on
// instances that enforce scoped tokens). Name is full_name, which can be
// empty; EmailVerified is always empty.
type GiteaConfig struct {
	// ClientID is the OAuth2 application's client ID; default from
	// GITEA_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// GITEA_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "openid", "read:user". Default none.
	Scopes []string
	// Hostname is the instance, for example "codeberg.org" or
	// "git.example.com". Default "gitea.com".
	Hostname string
	// Endpoints override the instance's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Hostname}/api/v1/.
	dance.Options
}

// Gitea returns a blueprint named "gitea".
func Gitea(cfg GiteaConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.Gitea}
	p.rehost("gitea.com", cfg.Hostname)
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
