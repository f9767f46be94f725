package contrib

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// MeetupConfig configures the Meetup preset. Provider documentation:
// https://www.meetup.com/api/authentication/
//
// The token request sends the key and secret in its body.
//
// Profile: GET /2/member/self. Login, Email and EmailVerified are always
// empty; AvatarURL can be empty.
type MeetupConfig struct {
	// Key is the OAuth consumer key; default from MEETUP_OAUTH_CLIENT_ID.
	Key string
	// Secret is the OAuth consumer secret; default from
	// MEETUP_OAUTH_CLIENT_SECRET.
	Secret string
	// Scopes to request. Default "basic".
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
		Provider:       presets.Meetup,
		clientIDInBody: true,
	}.build(cfg.Key, cfg.Secret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}
