package contrib

import (
	"crypto/tls"
	"errors"
	"net/http"

	"github.com/gin-dance/dance/internal/presets"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
)

// GitLabConfig configures the GitLab preset. Provider documentation:
// https://docs.gitlab.com/ee/api/oauth2.html
//
// Profile: GET /api/v4/user. Name, Email and AvatarURL can be empty (the
// e-mail needs the read_user scope); EmailVerified is always empty.
type GitLabConfig struct {
	// ClientID is the application ID; default from GITLAB_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the application secret; default from
	// GITLAB_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "read_user". Default none.
	Scopes []string
	// Hostname is the GitLab instance, for self-hosted GitLab CE/EE.
	// Default "gitlab.com".
	Hostname string
	// InsecureSkipVerify turns TLS certificate verification off for this
	// blueprint only (its own HTTP client, cloned from the shared
	// transport), for a self-hosted instance whose certificate does not
	// validate. It cannot be combined with Options.HTTPClient. Default
	// false.
	InsecureSkipVerify bool
	// Endpoints override the instance's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Hostname}/api/v4/.
	dance.Options
}

// GitLab returns a blueprint named "gitlab".
func GitLab(cfg GitLabConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.GitLab}
	p.rehost("gitlab.com", cfg.Hostname)
	if cfg.InsecureSkipVerify {
		if cfg.HTTPClient != nil {
			return nil, errors.New("dance: gitlab: cannot set both HTTPClient and InsecureSkipVerify")
		}
		t := core.SharedTransport.Clone()
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{}
		}
		t.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // the user's explicit choice, this blueprint only
		p.httpClient = &http.Client{Transport: t}
	}
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
