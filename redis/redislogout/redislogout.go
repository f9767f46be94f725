// Package redislogout is a [logoutstore.Store] in Redis, shared by every
// instance of an app: a back-channel logout that one instance receives
// logs the user out on all of them, and after a restart, even when the
// session is a cookie with nothing on the server to delete.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	cfg.EndedSessions = redislogout.New(rdb, "")
package redislogout

import (
	"context"
	"strconv"
	"time"

	"github.com/gin-dance/dance/logoutstore"
	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is the key prefix used when [New] is given none.
const DefaultPrefix = "dance:ended:"

// Store keeps each ended session's time (Unix seconds) under its key,
// with a TTL: End keeps the later of two times in one atomic script, and
// Ended reads every key in one MGET round trip.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var _ logoutstore.Store = (*Store)(nil)

// New returns a store that keeps its keys in client under prefix
// (default [DefaultPrefix]).
func New(client redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{client: client, prefix: prefix}
}

// endScript sets KEYS[1] to ARGV[1] unless it holds a later time, and
// extends its TTL to ARGV[2] milliseconds when that is longer.
var endScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local left = redis.call('PTTL', KEYS[1])
if left > ttl then ttl = left end
if cur > at then at = cur end
redis.call('SET', KEYS[1], at, 'PX', ttl)
return at
`)

// End implements [logoutstore.Store].
func (s *Store) End(ctx context.Context, key string, at, until time.Time) error {
	ttl := time.Until(until).Milliseconds()
	if ttl < 1000 {
		ttl = 1000
	}
	return endScript.Run(ctx, s.client, []string{s.prefix + key}, at.Unix(), ttl).Err()
}

// Ended implements [logoutstore.Store].
func (s *Store) Ended(ctx context.Context, keys ...string) (time.Time, error) {
	if len(keys) == 0 {
		return time.Time{}, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = s.prefix + k
	}
	vals, err := s.client.MGet(ctx, full...).Result()
	if err != nil {
		return time.Time{}, err
	}
	var latest int64
	for _, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(str, 10, 64); err == nil && n > latest {
			latest = n
		}
	}
	if latest == 0 {
		return time.Time{}, nil
	}
	return time.Unix(latest, 0), nil
}
