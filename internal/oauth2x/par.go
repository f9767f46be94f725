package oauth2x

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-dance/dance/internal/core"
)

// Push is a pushed authorization request (RFC 9126): it sends every
// parameter of authURL's query to the PAR endpoint parURL, authenticated
// as the token request is, and returns the URL that the browser goes to:
// the authorization endpoint endpoint with only client_id and the
// request_uri the provider answered. A refusal is a [*core.ResponseError];
// a transport error is returned without its URL.
func Push(ctx context.Context, hc *http.Client, auth *ClientAuth, secret, parURL, endpoint, authURL string) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	form := u.Query()
	req, err := auth.Post(ctx, parURL, form, secret)
	if err != nil {
		return "", err
	}
	// client_id is an authorization request parameter, which the push
	// must carry (RFC 9126 2.1; oidc-provider refuses a push without it)
	// even when Basic auth names the client and Apply dropped it.
	form.Set("client_id", auth.ClientID)
	setForm(req, form)
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return "", core.NewResponseError(resp)
	}
	var answer struct {
		RequestURI string `json:"request_uri"`
	}
	if err := core.DecodeJSON(resp.Body, &answer); err != nil || answer.RequestURI == "" {
		return "", errors.New("the PAR endpoint's answer has no request_uri")
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	front := url.Values{"client_id": {auth.ClientID}, "request_uri": {answer.RequestURI}}
	sep := "?"
	if strings.Contains(endpoint, "?") {
		sep = "&"
	}
	return endpoint + sep + front.Encode(), nil
}
