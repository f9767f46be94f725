package gormstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gin-dance/dance/storage"
	"gorm.io/gorm"
)

// benchRows is how many token rows the miss benchmarks read among.
const benchRows = 100_000

// benchDB returns a SQLite store holding benchRows tokens, one per user.
// It runs only under -bench, so the normal test run stays fast.
func benchDB(b *testing.B) *Store {
	b.Helper()
	d := openDB(b, "sqlite")
	s, err := New(d.db, Config{Model: &userOAuth{}, Table: "bench_oauth"})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	tok, _ := JSONToken{sampleToken()}.Value()
	err = d.db.Transaction(func(tx *gorm.DB) error {
		for i := 1; i <= benchRows; i++ {
			err := tx.Exec("INSERT INTO bench_oauth (provider, created_at, token, user_id) VALUES (?, ?, ?, ?)",
				"github", time.Now().UTC(), tok, i).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func sampleToken() *storage.Token {
	return &storage.Token{
		AccessToken: "gho_16C7e42F292c6912E7710c838347Ae178B4a", TokenType: "bearer",
		Scope: []string{"user:email", "repo"}, RefreshToken: "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169",
		ExpiresAt: time.Unix(1900000000, 0),
	}
}

// A cache hit against the floor: a plain map lookup of a token.
func BenchmarkGetCacheHit(b *testing.B) {
	b.Run("store", func(b *testing.B) {
		d := openDB(b, "sqlite")
		s := newStore(b, d, Config{Cache: NewMemoryCache(1000, time.Hour)})
		c := ctx(1)
		if err := s.Set(c, "github", sampleToken()); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Get(c, "github"); err != nil { // fill the cache
			b.Fatal(err)
		}
		before := d.SQL()
		b.ReportAllocs()
		for b.Loop() {
			if tok, err := s.Get(c, "github"); err != nil || tok == nil {
				b.Fatal(tok, err)
			}
		}
		if d.SQL() != before {
			b.Fatal("a cache hit ran SQL")
		}
	})
	b.Run("map", func(b *testing.B) {
		m := map[string]*storage.Token{}
		for i := range 1000 {
			m[fmt.Sprintf("flask_dance_token|t|github|%d", i)] = sampleToken()
		}
		b.ReportAllocs()
		for b.Loop() {
			if m["flask_dance_token|t|github|1"] == nil {
				b.Fatal("missing")
			}
		}
	})
}

// A cache miss against the floor: one raw SELECT, among 100,000 rows.
func BenchmarkGetCacheMiss(b *testing.B) {
	s := benchDB(b)
	b.Run("store", func(b *testing.B) {
		cache := NewMemoryCache(1000, time.Hour)
		s2, err := New(s.db, Config{Model: &userOAuth{}, Table: s.table, Cache: cache})
		if err != nil {
			b.Fatal(err)
		}
		c := ctx(0)
		uid := 0
		b.ReportAllocs()
		for b.Loop() {
			uid = uid%benchRows + 1
			SetUserID(c, "", uid)
			tok, err := s2.Get(c, "github")
			if err != nil || tok == nil {
				b.Fatal(tok, err)
			}
			_ = cache.Delete(context.Background(), s2.cacheKey("github", uid))
		}
	})
	b.Run("raw SELECT", func(b *testing.B) {
		sqlDB, _ := s.db.DB()
		uid := 0
		b.ReportAllocs()
		for b.Loop() {
			uid = uid%benchRows + 1
			var raw []byte
			err := sqlDB.QueryRow("SELECT token FROM bench_oauth WHERE provider = ? AND user_id = ?", "github", uid).Scan(&raw)
			if err != nil || len(raw) == 0 {
				b.Fatal(err)
			}
		}
	})
}
