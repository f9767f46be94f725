package contrib

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/gin-dance/dance/internal/presets"

	"github.com/gin-dance/dance"
)

// SlackConfig configures the Slack preset. Provider documentation:
// https://api.slack.com/legacy/oauth
//
// Slack's Web API (the old, pre-v2 OAuth apps) reads the token from a
// "token" parameter; as requests-oauthlib's slack_compliance_fix does, API
// calls carry it there, besides the Bearer header, unless the call already
// has one: in the body of a form POST, else in the query.
//
// Profile: GET /api/users.identity (scope "identity.basic";
// "identity.email" and "identity.avatar" for Email and AvatarURL). Login
// and EmailVerified are always empty.
type SlackConfig struct {
	// ClientID is the client ID; default from SLACK_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// SLACK_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "identify", "chat:write:bot".
	Scopes []string
	// Subdomain is your workspace's subdomain; the user then authorizes at
	// https://{Subdomain}.slack.com/oauth/authorize, which may skip the
	// workspace chooser.
	Subdomain string
	// Endpoints override slack.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://slack.com/api/.
	dance.Options
}

// Slack returns a blueprint named "slack".
func Slack(cfg SlackConfig) (*dance.Blueprint, error) {
	p := preset{
		Provider:  presets.Slack,
		authorize: slackAuthorize,
	}
	if cfg.Subdomain != "" {
		// Only the authorization page is the workspace's.
		p.AuthURL = "https://" + cfg.Subdomain + ".slack.com/oauth/authorize"
	}
	return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// slackAuthorize sends the token as Slack's old Web API expects.
func slackAuthorize(req *http.Request, tok *dance.Token) error {
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	q := req.URL.Query()
	if q.Get("token") != "" {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if req.Method == http.MethodPost && mt == "application/x-www-form-urlencoded" && req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return err
		}
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return err
		}
		if form.Get("token") == "" {
			form.Set("token", tok.AccessToken)
		}
		body := []byte(form.Encode())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		return nil
	}
	q.Set("token", tok.AccessToken)
	req.URL.RawQuery = q.Encode()
	return nil
}
