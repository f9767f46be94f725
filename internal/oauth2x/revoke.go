package oauth2x

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// RevokeRequest is an RFC 7009 revocation request to endpoint: the refresh
// token when there is one (revoking it revokes its access tokens too),
// else the access token, with the client credentials sent as cfg sends
// them to the token endpoint.
func RevokeRequest(ctx context.Context, endpoint string, cfg *oauth2.Config, accessToken, refreshToken string) (*http.Request, error) {
	form := url.Values{}
	if refreshToken != "" {
		form.Set("token", refreshToken)
		form.Set("token_type_hint", "refresh_token")
	} else {
		form.Set("token", accessToken)
		form.Set("token_type_hint", "access_token")
	}
	basic := cfg.Endpoint.AuthStyle != oauth2.AuthStyleInParams && cfg.ClientSecret != ""
	if !basic {
		form.Set("client_id", cfg.ClientID)
		if cfg.ClientSecret != "" {
			form.Set("client_secret", cfg.ClientSecret)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
	}
	return req, nil
}
