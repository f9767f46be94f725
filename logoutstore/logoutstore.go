// Package logoutstore records the sessions that OpenID Connect
// back-channel logouts ended, so that every instance of an app logs those
// users out: in the process ([dance.Options.EndedSessions] left nil) or,
// with a shared Store such as
// [github.com/gin-dance/dance/redis/redislogout], across a fleet of
// instances and restarts.
//
// A back-channel logout reaches one instance; the user's next request may
// reach another, and with a cookie-only session there is nothing on the
// server to delete. So the instance that receives the logout records it
// here, and every instance consults the record when it loads a token:
// a token whose ID token was issued at or before a recorded logout of its
// user (or of its provider session) is deleted, and the user is logged
// out.
package logoutstore

import (
	"context"
	"time"
)

// Store records ended sessions. Implementations must be safe for
// concurrent use. Keys are hashes that name a provider's user or session,
// never the user's identifier itself.
type Store interface {
	// End records that the sessions under key ended at the time at (the
	// provider's clock: the logout token's iat), keeping the record until
	// the time until. When key already has a later time, it is kept.
	End(ctx context.Context, key string, at, until time.Time) error
	// Ended returns the latest time at which the sessions under any of
	// keys ended, and the zero time when none did. An error means nothing
	// is known; dance then refuses to use the token.
	Ended(ctx context.Context, keys ...string) (time.Time, error)
}
