package presets

// Amazon is Login with Amazon.
var Amazon = Provider{
	Name: "amazon", Config: "AmazonConfig",
	AuthURL:     "https://www.amazon.com/ap/oa",
	TokenURL:    "https://api.amazon.com/auth/o2/token",
	BaseURL:     "https://api.amazon.com/",
	Scopes:      []string{"profile"},
	Refreshable: true,
	Profile:     &Profile{URL: "user/profile", ID: "user_id", Name: "name", Email: "email"},
}
