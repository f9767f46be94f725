package presets

// PayPal is Log in with PayPal, live; the preset's Sandbox moves it.
var PayPal = Provider{
	Name: "paypal", Config: "PayPalConfig",
	AuthURL:     "https://www.paypal.com/signin/authorize",
	TokenURL:    "https://api-m.paypal.com/v1/oauth2/token",
	BaseURL:     "https://api-m.paypal.com/",
	Scopes:      []string{"openid", "profile", "email"},
	Refreshable: true,
	Profile: &Profile{
		URL: "v1/identity/oauth2/userinfo?schema=paypalv1.1", ID: "user_id", Name: "name",
		Email: "emails.0.value", Verified: "emails.0.confirmed",
	},
}
