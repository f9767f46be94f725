// Package redisstate is a [statestore.Store] in Redis, shared by every
// instance of an app: a state used on one instance is refused on all of
// them, and after a restart.
package redisstate

import (
	"context"
	"time"

	"github.com/gin-dance/dance/statestore"
	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is the key prefix used when [New] is given none.
const DefaultPrefix = "dance:used:"

// Store records used states with SET NX and a TTL of the state's remaining
// life: the check and the record are one atomic Redis command.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var _ statestore.Store = (*Store)(nil)

// New returns a store that keeps its keys in client under prefix
// (default [DefaultPrefix]).
func New(client redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{client: client, prefix: prefix}
}

// Use implements [statestore.Store].
func (s *Store) Use(ctx context.Context, key string, until time.Time) (bool, error) {
	ttl := time.Until(until)
	if ttl < time.Second {
		ttl = time.Second // Redis needs a positive TTL; the state is refused as expired anyway
	}
	return s.client.SetNX(ctx, s.prefix+key, 1, ttl).Result()
}
