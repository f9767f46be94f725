// Package redistest gives the redis module's tests a Redis client at
// DANCE_TEST_REDIS_ADDR and a key prefix of their own, so that parallel
// runs do not see each other's keys.
package redistest

import (
	"crypto/rand"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Client returns a client at DANCE_TEST_REDIS_ADDR, closed when t ends,
// and a fresh key prefix; it skips t when the variable is unset.
func Client(t testing.TB) (*redis.Client, string) {
	t.Helper()
	addr := os.Getenv("DANCE_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("DANCE_TEST_REDIS_ADDR is not set")
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb, "dance-test:" + rand.Text()[:16] + ":"
}
