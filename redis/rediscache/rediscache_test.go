package rediscache_test

import (
	"context"
	"testing"
	"time"

	"github.com/gin-dance/dance/redis/internal/redistest"
	"github.com/gin-dance/dance/redis/rediscache"
	"github.com/gin-dance/dance/storage"
	"github.com/redis/go-redis/v9"
)

// newCache returns a cache at DANCE_TEST_REDIS_ADDR under a prefix of its
// own, with the client and the prefix.
func newCache(t *testing.T, ttl time.Duration) (*rediscache.Cache, *redis.Client, string) {
	rdb, prefix := redistest.Client(t)
	return rediscache.New(rdb, prefix, ttl), rdb, prefix
}

// TestTokenRoundTrip: a token comes back as it was set, "no token" (nil)
// is a hit, a missing key is a miss, and Delete makes a hit a miss.
func TestTokenRoundTrip(t *testing.T) {
	c, _, _ := newCache(t, 0)
	ctx := context.Background()
	if _, found, err := c.Get(ctx, "k"); found || err != nil {
		t.Fatalf("missing key: found=%v err=%v", found, err)
	}
	tok := &storage.Token{AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt"}
	if err := c.Set(ctx, "k", tok); err != nil {
		t.Fatal(err)
	}
	got, found, err := c.Get(ctx, "k")
	if err != nil || !found || got.AccessToken != "at" || got.RefreshToken != "rt" {
		t.Fatalf("Get = %+v, %v, %v", got, found, err)
	}
	if err := c.Set(ctx, "none", nil); err != nil {
		t.Fatal(err)
	}
	if got, found, err := c.Get(ctx, "none"); err != nil || !found || got != nil {
		t.Fatalf("nil token: %+v, %v, %v", got, found, err)
	}
	if err := c.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := c.Get(ctx, "k"); found {
		t.Fatal("deleted key still found")
	}
}

// TestSealedKeepsOnlyTheEnvelope: the envelope is stored as given (no
// token JSON beside it), and an empty envelope reads back as "no token".
func TestSealedKeepsOnlyTheEnvelope(t *testing.T) {
	c, rdb, prefix := newCache(t, time.Minute)
	ctx := context.Background()
	if err := c.SetSealed(ctx, "k", []byte("sealed-bytes")); err != nil {
		t.Fatal(err)
	}
	raw, err := rdb.Get(ctx, prefix+"k").Result()
	if err != nil || raw != "sealed-bytes" {
		t.Fatalf("raw value = %q, %v", raw, err)
	}
	if ttl := rdb.TTL(ctx, prefix+"k").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("TTL = %v, want (0, 1m]", ttl)
	}
	env, found, err := c.GetSealed(ctx, "k")
	if err != nil || !found || string(env) != "sealed-bytes" {
		t.Fatalf("GetSealed = %q, %v, %v", env, found, err)
	}
	if err := c.SetSealed(ctx, "none", nil); err != nil {
		t.Fatal(err)
	}
	if env, found, err := c.GetSealed(ctx, "none"); err != nil || !found || env != nil {
		t.Fatalf("empty envelope: %q, %v, %v", env, found, err)
	}
}
