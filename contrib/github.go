package contrib

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-dance/dance/internal/presets"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"golang.org/x/oauth2"
)

// GitHubConfig configures the GitHub preset. Provider documentation:
// https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
//
// Route paths, redirects, storage, HTTP client and route handlers are in
// the embedded [dance.Options].
//
// Profile: GET /user; when its email is null (a private address), a second
// call to /user/emails picks the primary verified address, which needs the
// "user:email" scope. Name, Email and EmailVerified can be empty.
type GitHubConfig struct {
	// ClientID is the OAuth app's client ID; default from the environment
	// variable GITHUB_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the OAuth app's client secret; default from
	// GITHUB_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "user:email", "repo". Default none
	// (read-only access to public information).
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
// [dance.Client.Revoke] deletes the app's grant with GitHub's "delete an
// app authorization" API (GitHub has no RFC 7009 endpoint).
func GitHub(cfg GitHubConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:   presets.GitHub,
		profileFix: githubPrimaryEmail,
		revoke:     revokeGitHubGrant,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// githubPrimaryEmail makes GitHub's second call: when /user has no public
// e-mail, /user/emails lists the addresses, and the primary verified one
// is the user's. Without the user:email scope GitHub answers 403 or 404,
// and the e-mail stays empty.
func githubPrimaryEmail(cl *dance.Client, p *dance.Profile) error {
	if p.Email != "" {
		return nil
	}
	body, err := getJSON(cl, http.MethodGet, "user/emails", nil)
	var apiErr *core.ResponseError
	if errors.As(err, &apiErr) && (apiErr.Status == http.StatusForbidden || apiErr.Status == http.StatusNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	if err := json.Unmarshal(body, &emails); err != nil {
		return &dance.Error{Provider: p.Provider, Stage: dance.StageAPI, Err: errors.New("the e-mail list is not a JSON array")}
	}
	for _, e := range emails {
		if e.Primary && e.Verified {
			verified := true
			p.Email, p.EmailVerified = e.Email, &verified
			break
		}
	}
	return nil
}

// revokeGitHubGrant is GitHub's "delete an app authorization": DELETE
// {BaseURL}/applications/{client_id}/grant with the client ID and secret as
// Basic auth and the access token in the JSON body. It revokes the token
// and every other token of the user for the app. GitHub answers 204.
// https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization
func revokeGitHubGrant(baseURL string) dance.RevokeFunc {
	return func(ctx context.Context, hc *http.Client, cfg *oauth2.Config, tok *dance.Token) error {
		base, err := url.Parse(baseURL)
		if err != nil {
			return err
		}
		u := base.JoinPath("applications", url.PathEscape(cfg.ClientID), "grant")
		body, _ := json.Marshal(map[string]string{"access_token": tok.AccessToken})
		req, err := http.NewRequestWithContext(ctx, http.MethodDelete, u.String(), bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		req.SetBasicAuth(cfg.ClientID, cfg.ClientSecret)
		return core.SendRevoke(hc, req, http.StatusNoContent)
	}
}
