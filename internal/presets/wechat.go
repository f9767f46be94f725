package presets

import (
	"net/http"
	"net/url"
)

// WeChat is WeChat's Website App login (微信网站应用登录), on the Open
// Platform.
var WeChat = Provider{
	Name: "wechat", Config: "WeChatConfig",
	AuthURL:     "https://open.weixin.qq.com/connect/qrconnect",
	TokenURL:    "https://api.weixin.qq.com/sns/oauth2/access_token",
	RefreshURL:  "https://api.weixin.qq.com/sns/oauth2/refresh_token",
	BaseURL:     "https://api.weixin.qq.com/",
	Refreshable: true,
	Scopes:      []string{"snsapi_login"},
	Profile:     &Profile{URL: "sns/userinfo", ID: "openid", Name: "nickname", Avatar: "headimgurl"},
	// The token answer names the user: openid for this app, unionid
	// across the developer's apps.
	TokenFields: func(who Identity) map[string]any {
		return map[string]any{"openid": who.ID, "unionid": "union-" + who.ID}
	},
	TokenWithoutRedirectURI: true,
	RefreshByClientID:       true,
	Dialect:                 weChatDialect,
}

// weChatDialect turns WeChat's requests into standard ones: appid for
// client_id on the authorization request, the GET token and refresh
// requests (appid, secret) into POSTs of the form, and the access token
// of API calls, a query parameter, into the Authorization header.
func weChatDialect(r *http.Request) {
	q := r.URL.Query()
	if at := q.Get("access_token"); at != "" && r.Header.Get("Authorization") == "" {
		r.Header.Set("Authorization", "Bearer "+at)
	}
	if r.Method != http.MethodGet || !q.Has("appid") {
		return
	}
	switch q.Get("grant_type") {
	case "authorization_code":
		r.URL.RawQuery = ""
		setForm(r, url.Values{
			"grant_type": {"authorization_code"}, "code": {q.Get("code")},
			"client_id": {q.Get("appid")}, "client_secret": {q.Get("secret")},
		}.Encode())
	case "refresh_token":
		r.URL.RawQuery = ""
		setForm(r, url.Values{
			"grant_type": {"refresh_token"}, "refresh_token": {q.Get("refresh_token")}, "client_id": {q.Get("appid")},
		}.Encode())
	default:
		q.Set("client_id", q.Get("appid"))
		q.Del("appid")
		r.URL.RawQuery = q.Encode()
	}
}
