package gormstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gin-dance/dance/internal/gormtest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"gorm.io/gorm"
)

// benchRows is how many token rows the miss benchmarks read among.
const benchRows = 100_000

// benchDB returns a SQLite store holding benchRows tokens, one per user.
// It runs only under -bench, so the normal test run stays fast.
func benchDB(b *testing.B) *gormstore.Store {
	b.Helper()
	d := gormtest.SQLite(b)
	s, err := gormstore.New(d.DB, gormstore.Config{Model: &gormtest.UserOAuth{}, Table: "bench_oauth"})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	tok, _ := gormstore.JSONToken{sampleToken()}.Value()
	err = d.DB.Transaction(func(tx *gorm.DB) error {
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

// A cache hit against the floor: a plain map lookup of a token; and with
// a cipher, where the cache holds the envelope and each hit decrypts it.
func BenchmarkGetCacheHit(b *testing.B) {
	for _, sealed := range []bool{false, true} {
		name := "store"
		if sealed {
			name = "store+cipher"
		}
		b.Run(name, func(b *testing.B) {
			d := gormtest.SQLite(b)
			cfg := gormstore.Config{Cache: gormstore.NewMemoryCache(1000, time.Hour)}
			if sealed {
				cfg.Cipher = gormtest.Cipher(b, "k1")
			}
			s := gormtest.NewStore(b, d, cfg)
			c := gormtest.Ctx(1)
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
	}
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

// A cache miss against the floor: one raw SELECT, among 100,000 rows; and
// with a cipher, on a copy of the table that Rekey encrypted.
func BenchmarkGetCacheMiss(b *testing.B) {
	s := benchDB(b)
	cipher := gormtest.Cipher(b, "k1")
	sealed, err := gormstore.New(s.DB(), gormstore.Config{Model: &gormtest.UserOAuth{}, Table: "bench_oauth_sealed", Cipher: cipher})
	if err != nil {
		b.Fatal(err)
	}
	if err := sealed.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	err = s.DB().Exec("INSERT INTO bench_oauth_sealed (provider, created_at, token, user_id) SELECT provider, created_at, token, user_id FROM bench_oauth ORDER BY id").Error
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sealed.Rekey(context.Background(), gormstore.RekeyOptions{BatchSize: 1000}); err != nil {
		b.Fatal(err)
	}
	for _, table := range []string{"bench_oauth", "bench_oauth_sealed"} {
		name := "store"
		cfg := gormstore.Config{Model: &gormtest.UserOAuth{}, Table: table, Cache: gormstore.NewMemoryCache(1000, time.Hour)}
		if table == "bench_oauth_sealed" {
			name, cfg.Cipher = "store+cipher", cipher
		}
		b.Run(name, func(b *testing.B) {
			s2, err := gormstore.New(s.DB(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			c := gormtest.Ctx(0)
			uid := 0
			b.ReportAllocs()
			for b.Loop() {
				uid = uid%benchRows + 1
				gormstore.SetUserID(c, "", uid)
				tok, err := s2.Get(c, "github")
				if err != nil || tok == nil {
					b.Fatal(tok, err)
				}
				_ = cfg.Cache.Delete(context.Background(), gormtest.CacheKey(s2, "github", uid))
			}
		})
	}
	b.Run("raw SELECT", func(b *testing.B) {
		sqlDB, _ := s.DB().DB()
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
