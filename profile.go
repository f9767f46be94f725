package dance

import (
	"errors"

	"github.com/gin-dance/dance/internal/core"
)

// Profile is who the user is at the provider, in one shape for every
// provider, like OmniAuth's auth hash and Passport's profile. Presets fill it from the provider's identity API; fields the
// provider does not give are empty.
type Profile struct {
	// Provider is the blueprint's name, for example "github".
	Provider string
	// ID is the provider's stable user ID, always as a string.
	ID string
	// Login is the username or handle, where the provider has one.
	Login string
	// Name is the display name.
	Name string
	// Email is the user's e-mail address, where the provider gives one.
	Email string
	// EmailVerified says whether the provider verified Email; nil when the
	// provider does not say.
	EmailVerified *bool
	// AvatarURL is the URL of the user's picture.
	AvatarURL string
	// Raw is the provider's identity response, decoded from JSON.
	Raw map[string]any
}

// ProfileFunc fetches the current user's profile through the client. An
// error that is not an [*Error] reaches the caller of [Client.Profile]
// wrapped in an *Error of stage [StageAPI].
type ProfileFunc func(cl *Client) (*Profile, error)

// errNoProfile means the blueprint has no profile mapping (Options.Profile).
var errNoProfile = errors.New("this blueprint has no profile mapping: set Options.Profile")

// Profile returns the current user's profile, fetched through the
// blueprint's [ProfileFunc] (set by presets, or by Options.Profile). It
// makes at least one API call; cache the result if you need it often.
func (cl *Client) Profile() (*Profile, error) {
	if cl.bp.profile == nil {
		return nil, &Error{Provider: cl.bp.name, Stage: StageAPI, Err: errNoProfile}
	}
	p, err := cl.bp.profile(cl)
	if err != nil {
		var e *Error
		var re *core.ResponseError
		switch {
		case errors.As(err, &e):
		case errors.As(err, &re):
			err = cl.apiError(re)
		default:
			err = &Error{Provider: cl.bp.name, Stage: StageAPI, Err: err}
		}
		return nil, err
	}
	if p.Provider == "" {
		p.Provider = cl.bp.name
	}
	return p, nil
}
