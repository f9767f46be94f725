package redisstate_test

import (
	"context"
	"testing"
	"time"

	"github.com/gin-dance/dance/redis/internal/redistest"
	"github.com/gin-dance/dance/redis/redisstate"
)

// TestUseOnce: a state is accepted once, refused after, by every store on
// the same Redis (as two instances of an app would share it).
func TestUseOnce(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	a, other := redisstate.New(rdb, prefix), redisstate.New(rdb, prefix)
	ctx := context.Background()
	exp := time.Now().Add(time.Minute)
	ok, err := a.Use(ctx, "state-1", exp)
	if err != nil || !ok {
		t.Fatalf("first use = %v, %v", ok, err)
	}
	if ok, err := other.Use(ctx, "state-1", exp); err != nil || ok {
		t.Fatalf("replay on another instance = %v, %v; want refused", ok, err)
	}
	if ok, err := a.Use(ctx, "state-2", exp); err != nil || !ok {
		t.Fatalf("another state = %v, %v", ok, err)
	}
}
