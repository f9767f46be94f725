package presets

// Kakao is Kakao Login's REST API.
var Kakao = Provider{
	Name: "kakao", Config: "KakaoConfig",
	AuthURL:     "https://kauth.kakao.com/oauth/authorize",
	TokenURL:    "https://kauth.kakao.com/oauth/token",
	BaseURL:     "https://kapi.kakao.com/",
	Refreshable: true,
	Profile: &Profile{
		URL: "v2/user/me", ID: "id", Name: "kakao_account.profile.nickname",
		Email: "kakao_account.email", Verified: "kakao_account.is_email_verified",
		Avatar: "kakao_account.profile.profile_image_url",
	},
}
