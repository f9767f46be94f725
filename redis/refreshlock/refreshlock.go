// Package refreshlock is a fleet-wide refresh lock in Redis for
// [dance.Options.RefreshLock]: when several instances of an app find the
// same expired token at once, one refreshes it and the others wait, then
// read the new token from the shared storage.
//
//	lock := &refreshlock.Redis{Client: rdb}
//	bp, err := contrib.GitHub(contrib.GitHubConfig{Options: dance.Options{
//		Storage:     store, // shared by the instances, e.g. gormstore
//		RefreshLock: lock.Lock,
//	}})
package refreshlock

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of [Redis].
const (
	DefaultTTL    = 30 * time.Second
	DefaultPoll   = 10 * time.Millisecond
	DefaultPrefix = "dance:refresh:"
)

// Redis is a lock in Redis: SET NX with an expiry to take it, and a
// compare-and-delete script to release it, so that an instance never
// releases a lock that expired and was taken by another. Waiters poll.
// The zero value is not usable: set Client.
type Redis struct {
	// Client is the Redis client (a *redis.Client, a cluster client, …).
	Client redis.UniversalClient
	// TTL bounds how long a lock is held if its holder dies before
	// releasing it. It should exceed the blueprint's Timeout, which
	// bounds the refresh itself. Default DefaultTTL.
	TTL time.Duration
	// Poll is how often a waiter tries again. Default DefaultPoll.
	Poll time.Duration
	// Prefix is put before every key. Default DefaultPrefix.
	Prefix string
}

// release deletes the lock only if it still holds this holder's value.
var release = redis.NewScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`)

// Lock takes the lock named key, waiting until it is free or ctx is done,
// and returns the function that releases it. Its signature is that of
// [dance.Options.RefreshLock].
func (l *Redis) Lock(ctx context.Context, key string) (unlock func(), err error) {
	if l.Client == nil {
		return nil, errors.New("refreshlock: no Redis client")
	}
	key = or(l.Prefix, DefaultPrefix) + key
	ttl, poll := orDur(l.TTL, DefaultTTL), orDur(l.Poll, DefaultPoll)
	b := make([]byte, 16)
	rand.Read(b)
	val := base64.RawURLEncoding.EncodeToString(b)
	for {
		ok, err := l.Client.SetNX(ctx, key, val, ttl).Result()
		if err != nil {
			return nil, err
		}
		if ok {
			return func() {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				_ = release.Run(ctx, l.Client, []string{key}, val).Err()
			}, nil
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
