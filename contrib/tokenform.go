package contrib

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-dance/dance"
)

// maxTokenForm bounds the token request body that a rewrite reads; x/oauth2
// writes a few hundred bytes.
const maxTokenForm = 64 << 10

// rewriteTokenRequests makes cfg's HTTP client (its own, or the shared
// one) send every POST to the token and refresh endpoints through rewrite:
// x/oauth2 writes the standard form, and some providers want another body
// (Notion's JSON) or more fields (TikTok's client_key). Other requests
// pass untouched.
func rewriteTokenRequests(cfg *dance.OAuth2Config, rewrite func(url.Values, string) (string, []byte, error)) {
	var targets []string
	for _, ref := range []string{cfg.TokenURL, cfg.RefreshURL} {
		if ref != "" {
			targets = append(targets, resolve(cfg.BaseURL, ref))
		}
	}
	toToken := func(req *http.Request) bool {
		return req.Method == http.MethodPost && req.Body != nil &&
			slices.ContainsFunc(targets, func(u string) bool { return sameEndpoint(req, u) })
	}
	clientID := cfg.ClientID
	cfg.HTTPClient = wrapTransport(cfg.HTTPClient, func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			if !toToken(req) {
				return next.RoundTrip(req)
			}
			b, err := io.ReadAll(io.LimitReader(req.Body, maxTokenForm))
			req.Body.Close()
			if err != nil {
				return nil, err
			}
			form, err := url.ParseQuery(string(b))
			if err != nil {
				return nil, err
			}
			contentType, body, err := rewrite(form, clientID)
			if err != nil {
				return nil, err
			}
			r := req.Clone(req.Context())
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			r.ContentLength = int64(len(body))
			r.Header.Set("Content-Type", contentType)
			return next.RoundTrip(r)
		})
	})
}

// jsonFields is a token rewrite that sends the form's fields named keep,
// those it has, as a JSON object of strings: for a token endpoint that
// takes JSON and refuses fields it does not know (Notion).
func jsonFields(keep ...string) func(url.Values, string) (string, []byte, error) {
	return func(form url.Values, _ string) (string, []byte, error) {
		obj := map[string]string{}
		for _, k := range keep {
			if form.Has(k) {
				obj[k] = form.Get(k)
			}
		}
		b, err := json.Marshal(obj)
		return "application/json", b, err
	}
}

// withClientIDAs is a token rewrite that adds the client ID to the form
// under another name, k (TikTok's client_key), keeping client_id.
func withClientIDAs(k string) func(url.Values, string) (string, []byte, error) {
	return func(form url.Values, clientID string) (string, []byte, error) {
		form.Set(k, clientID)
		return "application/x-www-form-urlencoded", []byte(form.Encode()), nil
	}
}
