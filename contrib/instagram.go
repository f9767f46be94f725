package contrib

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// InstagramConfig configures the Instagram preset: the Instagram API with
// Instagram Login (Business Login for Instagram), for Instagram
// professional accounts. (The Basic Display API, for personal accounts,
// was retired in December 2024.) Provider documentation:
// https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login
//
// The token request carries the client ID and secret in the body. Its
// answer carries the Instagram-scoped user ID, in [dance.Token.Extra] as
// "user_id", and may come wrapped in a "data" array, which the preset
// unwraps. The token is short-lived (an hour) and not refreshable; trade
// it for a long-lived one (60 days) with GET
// https://graph.instagram.com/access_token?grant_type=ig_exchange_token
// through the client, and store that with [dance.Client.SetToken].
//
// Profile: GET https://graph.instagram.com/me?fields=user_id,username,name,profile_picture_url.
// Login is the username. Email is always empty.
type InstagramConfig struct {
	// ClientID is the Instagram app ID; default from
	// INSTAGRAM_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the Instagram app secret; default from
	// INSTAGRAM_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "instagram_business_content_publish".
	// Default "instagram_business_basic", which the profile needs.
	Scopes []string
	// ForceReauth makes Instagram ask the user to sign in again
	// (force_reauth=true).
	ForceReauth bool
	// Endpoints override www.instagram.com's and api.instagram.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://graph.instagram.com/.
	dance.Options
}

// Instagram returns a blueprint named "instagram".
func Instagram(cfg InstagramConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.Instagram,
		clientIDInBody: true,
		authParams:     params{}.setIf(cfg.ForceReauth, "force_reauth", "true"),
		transport:      instagramUnwrap,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// instagramUnwrap turns Instagram's token answer
// {"data": [{"access_token": …, "user_id": …, "permissions": …}]} into the
// standard flat one, and its numeric user_id into a string. Other answers
// pass as they are.
func instagramUnwrap(rt http.RoundTripper, tokenURL, _ string) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if err != nil || !sameEndpoint(req, tokenURL) || resp.StatusCode != http.StatusOK {
			return resp, err
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		var ans struct {
			Data []map[string]any `json:"data"`
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&ans) == nil && len(ans.Data) > 0 {
			flat := ans.Data[0]
			if n, ok := flat["user_id"].(json.Number); ok {
				flat["user_id"] = n.String()
			}
			if b, err := json.Marshal(flat); err == nil {
				body = b
			}
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return resp, nil
	})
}

// roundTripFunc is a func as an http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
