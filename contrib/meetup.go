package contrib

import "github.com/gin-dance/dance"

// MeetupConfig configures the Meetup preset, the Go form of Flask-Dance's
// make_meetup_blueprint. Provider documentation:
// https://www.meetup.com/api/authentication/
//
// The token request sends the key and secret in its body.
//
// Profile: GET /2/member/self. Login, Email and EmailVerified are always
// empty; AvatarURL can be empty.
type MeetupConfig struct {
	// Key is the OAuth consumer key; default from MEETUP_OAUTH_CLIENT_ID.
	// Flask-Dance: key.
	Key string
	// Secret is the OAuth consumer secret; default from
	// MEETUP_OAUTH_CLIENT_SECRET. Flask-Dance: secret.
	Secret string
	// Scopes to request. Default "basic". Flask-Dance: scope.
	Scopes []string
	// Endpoints override secure.meetup.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.meetup.com/2/.
	dance.Options
}

// Meetup returns a blueprint named "meetup".
func Meetup(cfg MeetupConfig) (*dance.Blueprint, error) {
	return preset{
		name:           "meetup",
		authURL:        "https://secure.meetup.com/oauth2/authorize",
		tokenURL:       "https://secure.meetup.com/oauth2/access",
		baseURL:        "https://api.meetup.com/2/",
		scopes:         []string{"basic"},
		clientIDInBody: true,
		profile:        &profileSpec{url: "member/self", id: "id", name: "name", avatar: "photo.photo_link"},
	}.build(cfg.Key, cfg.Secret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
