package oauth2x

import (
	"context"
	"net/http"
	"net/url"
)

// RevokeRequest is an RFC 7009 revocation request to endpoint: the refresh
// token when there is one (revoking it revokes its access tokens too),
// else the access token, with the client authenticated as at the token
// endpoint.
func RevokeRequest(ctx context.Context, endpoint string, auth *ClientAuth, secret, accessToken, refreshToken string) (*http.Request, error) {
	form := url.Values{}
	if refreshToken != "" {
		form.Set("token", refreshToken)
		form.Set("token_type_hint", "refresh_token")
	} else {
		form.Set("token", accessToken)
		form.Set("token_type_hint", "access_token")
	}
	return auth.Post(ctx, endpoint, form, secret)
}
