package contrib

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-gonic/gin"
)

// WeChatConfig configures the WeChat preset: Website App login (网站应用微信
// 登录) on the WeChat Open Platform, where the user scans a QR code with
// WeChat. Provider documentation:
// https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html
//
// WeChat is OAuth 2 with its own spelling, which the preset speaks:
//   - the login sends appid, not client_id, ends the URL with the
//     #wechat_redirect fragment, and has no PKCE (WeChat takes none);
//   - the token request is a GET of
//     /sns/oauth2/access_token?appid=…&secret=…&code=…&grant_type=authorization_code,
//     and the refresh a GET of /sns/oauth2/refresh_token?appid=…&grant_type=refresh_token&refresh_token=…
//     (no secret);
//   - errors come as 200 with errcode and errmsg, which the preset turns
//     into OAuth errors (an expired or used code or refresh token is
//     invalid_grant, so a refused refresh logs the user out);
//   - API calls carry access_token and openid as query parameters.
//
// The token answer names the user: [dance.Token.Extra] holds "openid"
// (the user in this app) and, for apps bound to an Open Platform account,
// "unionid" (the user across the developer's apps).
//
// The credentials are the app's AppID and AppSecret, read from
// WECHAT_OAUTH_CLIENT_ID and WECHAT_OAUTH_CLIENT_SECRET when not given,
// as every preset's.
//
// Profile: GET https://api.weixin.qq.com/sns/userinfo. ID is the openid
// (Raw has unionid), Name the nickname, AvatarURL the headimgurl. Login
// and Email are always empty.
type WeChatConfig struct {
	// ClientID is the Website App's AppID; default from
	// WECHAT_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the AppSecret; default from
	// WECHAT_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "snsapi_login", the only scope of a
	// Website App.
	Scopes []string
	// Lang is the language of the QR code page: "cn" or "en". Default
	// WeChat's ("cn").
	Lang string
	// Endpoints override open.weixin.qq.com's and api.weixin.qq.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.weixin.qq.com/.
	dance.Options
}

// WeChat returns a blueprint named "wechat".
func WeChat(cfg WeChatConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:       presets.WeChat,
		clientIDInBody: true,
		disablePKCE:    true,
		authParams:     params{}.setIf(true, "lang", cfg.Lang),
		authURL:        weChatAuthURL,
		transport:      weChatTransport,
		authorize:      weChatAuthorize,
		profileCheck:   weChatErrcode,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// weChatAuthURL names the client ID appid, as WeChat wants, and adds the
// #wechat_redirect fragment. The query is written sorted, which is
// WeChat's documented order (appid, redirect_uri, response_type, scope,
// state).
func weChatAuthURL(_ *gin.Context, authURL string) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("appid", q.Get("client_id"))
	q.Del("client_id")
	u.RawQuery, u.Fragment = q.Encode(), "wechat_redirect"
	return u.String(), nil
}

// weChatAuthorize sends the token and the user's openid as query
// parameters, WeChat's way.
func weChatAuthorize(req *http.Request, tok *dance.Token) error {
	q := req.URL.Query()
	q.Set("access_token", tok.AccessToken)
	if openid, _ := tok.Get("openid").(string); openid != "" && !q.Has("openid") {
		q.Set("openid", openid)
	}
	req.URL.RawQuery = q.Encode()
	return nil
}

// weChatErrcode refuses an API answer that carries a non-zero errcode.
func weChatErrcode(raw map[string]any) error {
	code, ok := raw["errcode"].(float64)
	if !ok || code == 0 {
		return nil
	}
	msg, _ := raw["errmsg"].(string)
	return fmt.Errorf("wechat: errcode %d: %s", int(code), msg)
}

// weChatTransport turns the standard token and refresh POSTs into
// WeChat's GETs, and WeChat's answers into standard ones.
func weChatTransport(rt http.RoundTripper, tokenURL, refreshURL string) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		var keep []string // the form fields WeChat takes, renamed below
		switch {
		case req.Method != http.MethodPost:
		case sameEndpoint(req, tokenURL):
			keep = []string{"client_id", "client_secret", "code", "grant_type"}
		case sameEndpoint(req, refreshURL):
			keep = []string{"client_id", "grant_type", "refresh_token"}
		}
		if keep == nil {
			return rt.RoundTrip(req)
		}
		get, err := weChatGet(req, keep)
		if err != nil {
			return nil, err
		}
		resp, err := rt.RoundTrip(get)
		if err != nil {
			// The GET's URL holds the secret and the code: no error
			// names it.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, err
		}
		resp.Request = req // the POST, whose URL holds no secret
		return weChatAnswer(resp)
	})
}

// weChatGet is the GET that WeChat wants for the token or refresh POST
// req: the fields in keep, client_id as appid and client_secret as
// secret, in the query.
func weChatGet(req *http.Request, keep []string) (*http.Request, error) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<16))
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	names := map[string]string{"client_id": "appid", "client_secret": "secret"}
	q := url.Values{}
	for _, k := range keep {
		q.Set(or(names[k], k), form.Get(k))
	}
	u := *req.URL
	u.RawQuery = q.Encode()
	get, err := http.NewRequestWithContext(req.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	get.Header.Set("Accept", "application/json")
	return get, nil
}

// weChatAnswer labels WeChat's token answer as JSON (WeChat says
// text/plain, which x/oauth2 would read as a form), and turns an errcode
// answer, which comes with 200, into a 400 OAuth error.
func weChatAnswer(resp *http.Response) (*http.Response, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var ans struct {
		Errcode int    `json:"errcode"`
		Errmsg  string `json:"errmsg"`
	}
	if resp.StatusCode == http.StatusOK && json.Unmarshal(body, &ans) == nil && ans.Errcode != 0 {
		body, _ = json.Marshal(map[string]string{
			"error":             weChatOAuthError(ans.Errcode),
			"error_description": "errcode " + strconv.Itoa(ans.Errcode) + ": " + ans.Errmsg,
		})
		resp.StatusCode, resp.Status = http.StatusBadRequest, "400 Bad Request"
	}
	if json.Valid(bytes.TrimSpace(body)) {
		resp.Header.Set("Content-Type", "application/json")
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return resp, nil
}

// weChatOAuthError is the OAuth error code of a WeChat errcode: a bad,
// used or expired code or refresh token is invalid_grant, a bad appid or
// secret invalid_client, "system busy" temporarily_unavailable.
func weChatOAuthError(errcode int) string {
	switch errcode {
	case 40029, 40163, 42003, 40030, 42002:
		return "invalid_grant"
	case 40013, 40125, 41002, 41004:
		return "invalid_client"
	case -1:
		return "temporarily_unavailable"
	}
	return "invalid_request"
}
