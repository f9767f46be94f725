// Package rediscache is a token cache in Redis for gormstore
// ([github.com/gin-dance/dance/storage/gormstore.Options]): one cache shared
// by every instance of the app, so that a token that one instance replaces
// is not read back stale by another.
package rediscache

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/redis/go-redis/v9"
)

// Cache is a [gormstore.SealedCache] in Redis. Tokens are kept as the JSON
// that gormstore writes to its token column; with a gormstore Cipher, only
// the encrypted envelopes are kept.
//
// Give the client short timeouts (for example DialTimeout and ReadTimeout
// of 100 ms): while Redis is down, every token read waits for them before
// the store falls back to the database.
type Cache struct {
	client redis.UniversalClient
	prefix string
	ttl    time.Duration
}

var _ gormstore.SealedCache = (*Cache)(nil)

// New returns a cache in client. Keys start with prefix (which may be ""),
// and live for ttl (default [gormstore.DefaultCacheTTL]).
func New(client redis.UniversalClient, prefix string, ttl time.Duration) *Cache {
	if ttl <= 0 {
		ttl = gormstore.DefaultCacheTTL
	}
	return &Cache{client: client, prefix: prefix, ttl: ttl}
}

// Get implements [gormstore.Cache].
func (r *Cache) Get(ctx context.Context, key string) (*storage.Token, bool, error) {
	b, found, err := r.get(ctx, key)
	if !found || err != nil {
		return nil, found, err
	}
	var t gormstore.JSONToken
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, false, err
	}
	return t.Token, true, nil
}

// Set implements [gormstore.Cache].
func (r *Cache) Set(ctx context.Context, key string, tok *storage.Token) error {
	b, err := json.Marshal(gormstore.JSONToken{Token: tok})
	if err != nil {
		return err
	}
	return r.client.Set(ctx, r.prefix+key, b, r.ttl).Err()
}

// GetSealed implements [gormstore.SealedCache]. An empty value is "no
// token".
func (r *Cache) GetSealed(ctx context.Context, key string) ([]byte, bool, error) {
	b, found, err := r.get(ctx, key)
	if len(b) == 0 {
		b = nil
	}
	return b, found, err
}

// SetSealed implements [gormstore.SealedCache].
func (r *Cache) SetSealed(ctx context.Context, key string, env []byte) error {
	return r.client.Set(ctx, r.prefix+key, env, r.ttl).Err()
}

// Delete implements [gormstore.Cache].
func (r *Cache) Delete(ctx context.Context, key string) error {
	return r.client.Del(ctx, r.prefix+key).Err()
}

// get reads key's raw value; a missing key is found == false, not an error.
func (r *Cache) get(ctx context.Context, key string) ([]byte, bool, error) {
	b, err := r.client.Get(ctx, r.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}
