package contrib

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
)

// VKConfig configures the VK preset: VK ID, VK's OAuth 2.1 login
// (id.vk.com), which VK has given new apps since 2024, with PKCE and
// refresh tokens. (Classic VK OAuth at oauth.vk.com, with the user_id and
// email in the token answer, is for apps registered before it; this preset
// does not speak it.) Provider documentation:
// https://id.vk.com/about/business/go/docs/en/vkid/latest/vk-id/connection/api-integration/api-description
//
// VK ID's callback carries a device_id, which the token request must
// repeat, with the callback's state: the preset takes both from the
// callback and adds them. The token request carries client_id in the body
// (VK ID needs no client secret: PKCE proves the client). The token
// answer names the user: [dance.Token.Extra] holds "user_id", and
// "device_id", which the preset keeps there.
//
// The blueprint is not refreshable: VK ID's refresh request also needs
// the device_id, which dance's refresh does not send. The access token
// lasts an hour; refresh it yourself (POST https://id.vk.com/oauth2/auth
// with grant_type=refresh_token, refresh_token, client_id, device_id and
// state), or log the user in again. [dance.Client.Revoke] uses
// https://id.vk.com/oauth2/revoke.
//
// Profile: POST https://id.vk.com/oauth2/user_info with the access token
// and client_id in the body. ID is the user_id; Name is first_name and
// last_name; Email needs the "email" scope; AvatarURL is the avatar.
// Login and EmailVerified are always empty.
type VKConfig struct {
	// ClientID is the app's ID; default from VK_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the app's protected key; default from
	// VK_OAUTH_CLIENT_SECRET. Optional: VK ID's token request needs none.
	ClientSecret string
	// Scopes to request, for example "email", "phone". Default
	// "vkid.personal_info".
	Scopes []string
	// Provider is the account to sign in with: "vkid" (VK ID, the
	// default), "ok_ru" (Odnoklassniki) or "mail_ru" (Mail).
	Provider string
	// Endpoints override id.vk.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://id.vk.com/ (the VK API, https://api.vk.com/method/, takes
	// the same token).
	dance.Options
}

// VK returns a blueprint named "vk".
func VK(cfg VKConfig) (*dance.Blueprint, error) {
	clientID := or(cfg.ClientID, os.Getenv("VK_OAUTH_CLIENT_ID"))
	if cfg.Dev != nil {
		clientID, _ = cfg.Dev.credentials()
	}
	if cfg.Profile == nil {
		cfg.Profile = vkProfile(clientID, or(cfg.ProfileURL, presets.VK.Profile.URL))
	}
	return preset{
		Provider:       presets.VK,
		clientIDInBody: true,
		authParams:     params{}.setIf(true, "provider", cfg.Provider),
		routeHandler:   vkCallback,
		transport:      vkTransport,
		revoke: func(baseURL string) dance.RevokeFunc {
			return vkRevoke(resolve(baseURL, "oauth2/revoke"))
		},
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// vkCallbackKey keys the callback's device_id and state in the request's
// context, from the callback route to the token request.
type vkCallbackKey struct{}

// vkCallback keeps the callback's device_id and state in the request's
// context, for vkTransport to add to the token request.
func vkCallback(c *gin.Context) {
	if id := c.Query("device_id"); id != "" {
		v := url.Values{"device_id": {id}, "state": {c.Query("state")}}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), vkCallbackKey{}, v))
	}
}

// vkTransport adds the callback's device_id and state to the token
// request, and keeps device_id in the token answer (for a refresh or an
// API call that needs it).
func vkTransport(rt http.RoundTripper, tokenURL, _ string) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		cb, _ := req.Context().Value(vkCallbackKey{}).(url.Values)
		if cb == nil || req.Method != http.MethodPost || !sameEndpoint(req, tokenURL) {
			return rt.RoundTrip(req)
		}
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<16))
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		form.Set("device_id", cb.Get("device_id"))
		form.Set("state", cb.Get("state"))
		enc := form.Encode()
		r2 := req.Clone(req.Context())
		r2.Body, r2.ContentLength = io.NopCloser(strings.NewReader(enc)), int64(len(enc))
		resp, err := rt.RoundTrip(r2)
		if err != nil || resp.StatusCode != http.StatusOK {
			return resp, err
		}
		return withField(resp, "device_id", cb.Get("device_id"))
	})
}

// withField adds k: v to the JSON object of resp's body.
func withField(resp *http.Response, k, v string) (*http.Response, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) == nil {
		if _, set := obj[k]; !set {
			obj[k], _ = json.Marshal(v)
			b, _ = json.Marshal(obj)
		}
	}
	resp.Body, resp.ContentLength = io.NopCloser(strings.NewReader(string(b))), int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// vkProfile is the profile of VK ID: POST profileURL (oauth2/user_info) with the
// access token and the client ID in the body.
func vkProfile(clientID, profileURL string) dance.ProfileFunc {
	spec := &profileSpec{Profile: presets.VK.Profile}
	return func(cl *dance.Client) (*dance.Profile, error) {
		tok, err := cl.Token()
		if err != nil {
			return nil, err
		}
		if tok == nil {
			return nil, dance.ErrNoToken
		}
		body, err := postForm(cl, profileURL, url.Values{"client_id": {clientID}, "access_token": {tok.AccessToken}})
		if err != nil {
			return nil, err
		}
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("vk: %s: %s", e.Error, e.Description)
		}
		return spec.mapProfile(body)
	}
}

// vkRevoke is VK ID's revocation: POST with client_id and access_token;
// VK answers {"response": 1}, or an "error".
func vkRevoke(revokeURL string) dance.RevokeFunc {
	return func(ctx context.Context, hc *http.Client, cfg *oauth2.Config, tok *dance.Token) error {
		body, err := postFormTo(ctx, hc, revokeURL, url.Values{"client_id": {cfg.ClientID}, "access_token": {tok.AccessToken}})
		if err != nil {
			return err
		}
		var ans struct {
			Response int    `json:"response"`
			Error    string `json:"error"`
		}
		if err := json.Unmarshal(body, &ans); err != nil || ans.Response != 1 {
			return errors.New("vk: the revocation was refused")
		}
		return nil
	}
}
