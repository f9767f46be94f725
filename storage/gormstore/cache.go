package gormstore

import (
	"context"
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Cache keeps tokens in front of the database. A [Store] caches
// what it reads (also "no token", as a nil token), and deletes the key on
// every Set and Delete. When a cache call fails, the store uses the
// database and logs the outage once; the keys it could not delete meanwhile
// are deleted before it uses the cache again, so a token replaced during an
// outage is not read back afterwards. Implementations must be safe for
// concurrent use.
type Cache interface {
	// Get returns the token cached under key. found reports a hit; a hit
	// may hold a nil token, which means "no token".
	Get(ctx context.Context, key string) (tok *storage.Token, found bool, err error)
	// Set caches tok (which may be nil) under key.
	Set(ctx context.Context, key string, tok *storage.Token) error
	// Delete removes key. Deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// SealedCache is a [Cache] that can also hold encrypted tokens: the
// envelopes that a [Store] with a [Cipher] caches instead of tokens, so
// that the cache never holds plaintext. Each read decrypts the envelope.
// [MemoryCache] implements it, and so does the Redis cache
// [github.com/gin-dance/dance/redis/rediscache.Cache].
type SealedCache interface {
	Cache
	// GetSealed returns the envelope cached under key. found reports a
	// hit; a hit may hold a nil envelope, which means "no token". The
	// caller does not modify the envelope.
	GetSealed(ctx context.Context, key string) (env []byte, found bool, err error)
	// SetSealed caches env (which may be nil) under key. The cache may
	// keep env without copying it; the caller does not modify it.
	SetSealed(ctx context.Context, key string, env []byte) error
}

// DefaultCacheTTL is how long a cached token lives when no TTL is given.
// It also bounds how long another instance, or a cache outage that made
// an invalidation fail, can leave a stale token in a shared cache.
const DefaultCacheTTL = 5 * time.Minute

// MemoryCache is an in-process [Cache] with a size bound (least recently
// used tokens go first) and a TTL, on hashicorp/golang-lru/v2's expirable
// LRU. It suits a single app instance; for several, use a cache they
// share, such as [github.com/gin-dance/dance/redis/rediscache.Cache].
type MemoryCache struct {
	lru *expirable.LRU[string, cached]
}

// cached is a MemoryCache entry: a token, or an envelope.
type cached struct {
	tok    *storage.Token
	sealed []byte
}

// NewMemoryCache returns a cache of at most size tokens (default 10,000
// when size <= 0), each kept for ttl (default [DefaultCacheTTL]).
func NewMemoryCache(size int, ttl time.Duration) *MemoryCache {
	if size <= 0 {
		size = 10_000
	}
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	return &MemoryCache{lru: expirable.NewLRU[string, cached](size, nil, ttl)}
}

// Get implements [Cache]. It returns a copy of the cached token.
func (m *MemoryCache) Get(_ context.Context, key string) (*storage.Token, bool, error) {
	e, ok := m.lru.Get(key)
	return e.tok.Clone(), ok, nil
}

// Set implements [Cache]. It caches a copy of tok.
func (m *MemoryCache) Set(_ context.Context, key string, tok *storage.Token) error {
	m.lru.Add(key, cached{tok: tok.Clone()})
	return nil
}

// GetSealed implements [SealedCache].
func (m *MemoryCache) GetSealed(_ context.Context, key string) ([]byte, bool, error) {
	e, ok := m.lru.Get(key)
	return e.sealed, ok, nil
}

// SetSealed implements [SealedCache].
func (m *MemoryCache) SetSealed(_ context.Context, key string, env []byte) error {
	m.lru.Add(key, cached{sealed: env})
	return nil
}

// Delete implements [Cache].
func (m *MemoryCache) Delete(_ context.Context, key string) error {
	m.lru.Remove(key)
	return nil
}

// Len returns the number of cached entries.
func (m *MemoryCache) Len() int { return m.lru.Len() }
