package presets

// Cognito is an Amazon Cognito user pool: its managed login (hosted UI)
// on the example prefix domain, and its issuer, the example pool in
// us-east-1.
var Cognito = Provider{
	Name: "cognito", Config: "CognitoConfig",
	AuthURL:     "https://example.auth.us-east-1.amazoncognito.com/oauth2/authorize",
	TokenURL:    "https://example.auth.us-east-1.amazoncognito.com/oauth2/token",
	BaseURL:     "https://example.auth.us-east-1.amazoncognito.com/",
	RevokeURL:   "https://example.auth.us-east-1.amazoncognito.com/oauth2/revoke",
	Issuer:      "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE",
	JWKSURL:     "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE/.well-known/jwks.json",
	Scopes:      []string{"openid", "profile", "email"},
	Refreshable: true, // the code grant always gives a refresh token
	Profile: &Profile{
		URL: "oauth2/userInfo", ID: "sub", Login: "username", Name: "name",
		NameParts: []string{"given_name", "family_name"},
		Email:     "email", Verified: "email_verified", Avatar: "picture",
	},
	Instance: map[string]string{"Domain": "example.auth.us-east-1.amazoncognito.com", "UserPoolID": "us-east-1_EXAMPLE"},
}
