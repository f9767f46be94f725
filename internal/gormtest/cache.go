package gormtest

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
)

// Cache is acceptance 8, on one cache: after a set the key is empty, the
// first get costs one query and the second none; after a delete the key
// is gone and the store has no token.
func Cache(t *testing.T, d *DB, cache gormstore.Cache) {
	t.Helper()
	s := NewStore(t, d, gormstore.Config{Cache: cache})
	c := Ctx(1)
	key := CacheKey(s, "github", uint(1))
	want := &storage.Token{AccessToken: "cached", Scope: []string{"a"}}
	if _, err := s.Get(c, "github"); err != nil { // fills the cache with "no token"
		t.Fatal(err)
	}
	if _, found, err := cache.Get(context.Background(), key); !found || err != nil {
		t.Fatalf("a get did not cache \"no token\" under %q (found %v, err %v)", key, found, err)
	}
	if err := s.Set(c, "github", want); err != nil {
		t.Fatal(err)
	}
	if _, found, err := cache.Get(context.Background(), key); found || err != nil {
		t.Fatalf("after Set the key is still cached (found %v, err %v)", found, err)
	}
	for i, wantSQL := range []int64{1, 0} {
		before := d.SQL()
		got, err := s.Get(c, "github")
		if err != nil || got.AccessToken != want.AccessToken {
			t.Fatalf("get %d = %v, %v", i+1, got, err)
		}
		if n := d.SQL() - before; n != wantSQL {
			t.Errorf("get %d ran %d SQL statements, want %d", i+1, n, wantSQL)
		}
	}
	if err := s.Delete(c, "github"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := cache.Get(context.Background(), key); found {
		t.Fatal("after Delete the key is still cached")
	}
	if got, err := s.Get(c, "github"); err != nil || got != nil {
		t.Fatalf("Get after Delete = %v, %v", got, err)
	}
}

// CacheUnreachable is acceptance 8 with a cache whose every call fails,
// such as Redis at an address where nothing listens: a set and each get
// still succeed from the database, with one statement per get, and the
// outage is logged once, without the token. The store tries the cache
// again on every call (CacheRetry of 1 ns), so the log is checked across
// repeated failures.
func CacheUnreachable(t *testing.T, d *DB, cache gormstore.Cache) {
	t.Helper()
	var logs bytes.Buffer
	s := NewStore(t, d, gormstore.Config{
		Cache:      cache,
		CacheRetry: time.Nanosecond,
		Logger:     slog.New(slog.NewTextHandler(&logs, nil)),
	})
	c := Ctx(1)
	want := &storage.Token{AccessToken: "from-the-database"}
	if err := s.Set(c, "github", want); err != nil {
		t.Fatalf("Set with the cache down: %v", err)
	}
	for range 3 {
		before := d.SQL()
		got, err := s.Get(c, "github")
		if err != nil || got.AccessToken != want.AccessToken {
			t.Fatalf("Get with the cache down = %v, %v", got, err)
		}
		if n := d.SQL() - before; n != 1 {
			t.Errorf("Get with the cache down ran %d statements, want 1", n)
		}
	}
	if n := strings.Count(logs.String(), "token cache failed"); n != 1 {
		t.Errorf("the outage was logged %d times, want once:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), want.AccessToken) {
		t.Error("the log holds the token")
	}
}
