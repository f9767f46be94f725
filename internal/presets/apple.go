package presets

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Apple is Sign in with Apple on the web. Apple has no identity API: who
// the user is comes in the verified ID token, and the user's name once,
// in the "user" field of the first answer, which is a form_post.
var Apple = Provider{
	Name: "apple", Config: "AppleConfig",
	AuthURL:   "https://appleid.apple.com/auth/authorize",
	TokenURL:  "https://appleid.apple.com/auth/token",
	RevokeURL: "https://appleid.apple.com/auth/revoke",
	Issuer:    "https://appleid.apple.com",
	JWKSURL:   "https://appleid.apple.com/auth/keys",
	Scopes:    []string{"openid", "name", "email"},
	// The first answer to a persona carries its name, as Apple's does.
	FirstAnswer: func(who Identity) url.Values {
		first, last, _ := strings.Cut(who.Name, " ")
		b, _ := json.Marshal(map[string]any{
			"name":  map[string]string{"firstName": first, "lastName": last},
			"email": who.Email,
		})
		return url.Values{"user": {string(b)}}
	},
}
