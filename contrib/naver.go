package contrib

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
	"golang.org/x/oauth2"
)

// NaverConfig configures the Naver preset (네이버 로그인). Provider
// documentation: https://developers.naver.com/docs/login/api/api.md
//
// Naver needs the state parameter, which every login sends. The token
// request carries the client ID and secret in the body; Naver answers a
// refused request with 200 and an "error" field, which is a failed
// exchange like any other. Tokens are refreshable. [dance.Client.Revoke]
// deletes the token with Naver's grant_type=delete request at the token
// endpoint.
//
// Profile: GET https://openapi.naver.com/v1/nid/me, whose fields are
// under "response"; an answer whose resultcode is not "00" is an error.
// Login is the nickname; Name, Email and AvatarURL can be empty (each is
// a consent item); EmailVerified is always empty.
type NaverConfig struct {
	// ClientID is the application's Client ID; default from
	// NAVER_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the Client Secret; default from
	// NAVER_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// AuthType is Naver's auth_type: "reauthenticate" asks the user to
	// sign in again, "reprompt" asks again for consent to items the user
	// declined. Default none.
	AuthType string
	// Endpoints override nid.naver.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://openapi.naver.com/.
	dance.Options
}

// Naver returns a blueprint named "naver".
func Naver(cfg NaverConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.Naver,
		clientIDInBody: true,
		authParams:     params{}.setIf(true, "auth_type", cfg.AuthType),
		profileCheck:   naverResult,
		revokeAt:       func(tokenURL, _ string) dance.RevokeFunc { return naverDelete(tokenURL) },
	}.build(cfg.ClientID, cfg.ClientSecret, nil, cfg.Endpoints, cfg.Options)
}

// naverResult refuses a profile answer whose resultcode is not "00",
// which Naver may send with 200.
func naverResult(raw map[string]any) error {
	code, _ := raw["resultcode"].(string)
	if code == "" || code == "00" {
		return nil
	}
	msg, _ := raw["message"].(string)
	return fmt.Errorf("naver: resultcode %s: %s", code, msg)
}

// naverDelete is Naver's revocation: a grant_type=delete request at the
// token endpoint with the client credentials and the access token. Naver
// answers 200, with "error" when it refused.
func naverDelete(tokenURL string) dance.RevokeFunc {
	return func(ctx context.Context, hc *http.Client, cfg *oauth2.Config, tok *dance.Token) error {
		form := url.Values{
			"grant_type": {"delete"}, "client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret},
			"access_token": {tok.AccessToken}, "service_provider": {"NAVER"},
		}
		body, err := postFormTo(ctx, hc, tokenURL, form)
		if err != nil {
			return err
		}
		var ans struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(body, &ans) == nil && ans.Error != "" {
			return fmt.Errorf("naver refused the deletion: %s: %s", ans.Error, ans.Description)
		}
		return nil
	}
}
