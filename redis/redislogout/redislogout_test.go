package redislogout_test

import (
	"context"
	"testing"
	"time"

	"github.com/gin-dance/dance/redis/internal/redistest"
	"github.com/gin-dance/dance/redis/redislogout"
)

// TestEndedSharedAndLatestKept: a logout recorded through one store is
// seen through another on the same Redis (two instances of an app), and
// an older logout delivered late does not replace a newer one.
func TestEndedSharedAndLatestKept(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a, other := redislogout.New(rdb, prefix), redislogout.New(rdb, prefix)
	ctx := context.Background()
	at := time.Unix(1_700_000_000, 0)
	if got, err := other.Ended(ctx, "sub:1"); err != nil || !got.IsZero() {
		t.Fatalf("Ended before any logout = %v, %v", got, err)
	}
	if err := a.End(ctx, "sub:1", at, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := a.End(ctx, "sub:1", at.Add(-time.Hour), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := other.Ended(ctx, "sid:2", "sub:1")
	if err != nil || !got.Equal(at) {
		t.Fatalf("Ended on another instance = %v, %v; want %v", got, err, at)
	}
	ttl, err := rdb.PTTL(ctx, prefix+"sub:1").Result()
	if err != nil || ttl <= 0 || ttl > time.Minute {
		t.Fatalf("TTL = %v, %v; want at most a minute", ttl, err)
	}
}
