package contrib

import (
	"crypto/tls"
	"errors"
	"net/http"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
)

// GitLabConfig configures the GitLab preset, the Go form of Flask-Dance's
// make_gitlab_blueprint. Provider documentation:
// https://docs.gitlab.com/ee/api/oauth2.html
//
// Profile: GET /api/v4/user. Name, Email and AvatarURL can be empty (the
// e-mail needs the read_user scope); EmailVerified is always empty.
type GitLabConfig struct {
	// ClientID is the application ID; default from GITLAB_OAUTH_CLIENT_ID.
	// Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the application secret; default from
	// GITLAB_OAUTH_CLIENT_SECRET. Flask-Dance: client_secret.
	ClientSecret string
	// Scopes to request, for example "read_user". Default none.
	// Flask-Dance: scope.
	Scopes []string
	// Hostname is the GitLab instance, for self-hosted GitLab CE/EE.
	// Default "gitlab.com". Flask-Dance: hostname.
	Hostname string
	// InsecureSkipVerify turns TLS certificate verification off for this
	// blueprint only (its own HTTP client, cloned from the shared
	// transport), for a self-hosted instance whose certificate does not
	// validate. It cannot be combined with Options.HTTPClient. Default
	// false. Flask-Dance: verify_tls_certificates=False.
	InsecureSkipVerify bool
	// Endpoints override the instance's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Hostname}/api/v4/.
	dance.Options
}

// GitLab returns a blueprint named "gitlab".
func GitLab(cfg GitLabConfig) (*dance.Blueprint, error) {
	host := or(cfg.Hostname, "gitlab.com")
	p := preset{
		name:     "gitlab",
		authURL:  hostURL(host, "/oauth/authorize"),
		tokenURL: hostURL(host, "/oauth/token"),
		baseURL:  hostURL(host, "/api/v4/"),
		profile: &profileSpec{
			url: "user", id: "id", login: "username", name: "name", email: "email", avatar: "avatar_url",
		},
	}
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
