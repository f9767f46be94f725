package contrib

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/presets"
	"golang.org/x/oauth2"
)

// NotionConfig configures the Notion preset: a public integration's OAuth.
// Provider documentation:
// https://developers.notion.com/docs/authorization
//
// The authorization request asks the user to add the integration
// (owner=user) and carries no scope: Notion has none, the integration's
// capabilities decide. The token requests (the code's and the refresh)
// send the client ID and secret as HTTP Basic auth and a JSON body with
// only the fields Notion documents; no PKCE challenge is sent, as Notion
// documents none. Every API call carries the Notion-Version header.
// [dance.Client.Revoke] uses Notion's revocation endpoint. The token answer
// also holds the workspace (workspace_id, workspace_name) and bot_id, in
// the token's Extra.
//
// Profile: GET /v1/users/me, the token's bot user, whose owner is the
// user who added the integration: ID, Name, Email and AvatarURL are that
// user's; Login and EmailVerified are always empty.
type NotionConfig struct {
	// ClientID is the integration's OAuth client ID; default from
	// NOTION_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the integration's OAuth client secret; default
	// from NOTION_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// NotionVersion is the API version sent as Notion-Version on every
	// call. Default "2022-06-28"; Options.Header can set it too.
	NotionVersion string
	// Endpoints override api.notion.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.notion.com/v1/.
	dance.Options
}

// Notion returns a blueprint named "notion".
func Notion(cfg NotionConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:    presets.Notion,
		authParams:  params{"owner": "user"},
		disablePKCE: true,
		tokenForm:   jsonFields("grant_type", "code", "redirect_uri", "refresh_token"),
		header:      staticHeader("Notion-Version", or(cfg.NotionVersion, "2022-06-28")),
		revoke:      revokeNotion,
	}.build(cfg.ClientID, cfg.ClientSecret, nil, cfg.Endpoints, cfg.Options)
}

// revokeNotion is Notion's revocation: POST {BaseURL}oauth/revoke with the
// client ID and secret as Basic auth and {"token": access token} as a
// JSON body (RFC 7009's, but in JSON). Notion answers 200.
func revokeNotion(baseURL string) dance.RevokeFunc {
	return func(ctx context.Context, hc *http.Client, cfg *oauth2.Config, tok *dance.Token) error {
		base, err := url.Parse(baseURL)
		if err != nil {
			return err
		}
		u := base.JoinPath("oauth", "revoke")
		body, _ := json.Marshal(map[string]string{"token": tok.AccessToken})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
		return core.SendRevoke(hc, req, http.StatusOK)
	}
}
