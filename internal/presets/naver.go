package presets

import (
	"net/http"
	"net/url"
)

// Naver is Naver Login (네이버 로그인).
var Naver = Provider{
	Name: "naver", Config: "NaverConfig",
	AuthURL:     "https://nid.naver.com/oauth2.0/authorize",
	TokenURL:    "https://nid.naver.com/oauth2.0/token",
	BaseURL:     "https://openapi.naver.com/",
	Refreshable: true,
	Profile: &Profile{
		URL: "v1/nid/me", ID: "response.id", Login: "response.nickname", Name: "response.name",
		Email: "response.email", Avatar: "response.profile_image",
	},
	// Naver revokes with grant_type=delete at the token endpoint: the
	// fake's RFC 7009 endpoint.
	Dialect: func(r *http.Request) {
		if f := formOf(r); f.Get("grant_type") == "delete" {
			r.URL.Path = "/revoke"
			setForm(r, url.Values{
				"token": {f.Get("access_token")}, "client_id": {f.Get("client_id")}, "client_secret": {f.Get("client_secret")},
			}.Encode())
		}
	},
}
