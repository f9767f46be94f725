// Package statestore records the states of completed logins, so that a
// replayed callback is refused: in the process ([dance.Options.UsedStates]
// left nil) or, with a shared Store such as
// [github.com/gin-dance/dance/redis/redisstate], across a fleet of instances
// and restarts.
package statestore

import (
	"context"
	"time"
)

// Store records used states. Implementations must be safe for concurrent
// use, and Use must check and record in one atomic step, so that of many
// concurrent callbacks with one state exactly one is admitted.
type Store interface {
	// Use records key as used until the given time and reports whether
	// it was unused before. key is a hash of the state, never the state
	// itself. An error means nothing is known; dance then refuses the
	// callback.
	Use(ctx context.Context, key string, until time.Time) (first bool, err error)
}
