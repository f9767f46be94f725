// Package gormtest is the test suite of storage/gormstore that runs on
// every database: gormstore's own tests run it on SQLite, and the
// integration module (which holds the PostgreSQL and MySQL drivers, so
// that the root module does not) runs it on PostgreSQL and MariaDB, with
// the same assertions. The suites use gormstore's exported API only.
//
// A suite is a func(t, d) that a test runs on each database with [Run]:
//
//	func TestCompareAndDelete(t *testing.T) {
//		gormtest.Run(t, gormtest.CompareAndDelete, gormtest.Database{Name: "sqlite", Open: gormtest.SQLite})
//	}
package gormtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

func init() { gin.SetMode(gin.TestMode) }

// DB is one database a test runs on, with a count of the SQL statements
// run through it, so that a test can check what a cache saves.
type DB struct {
	Name    string // "sqlite", "postgres" or "mysql"
	DB      *gorm.DB
	queries atomic.Int64
}

// SQL returns the number of statements run so far.
func (d *DB) SQL() int64 { return d.queries.Load() }

// Database names a database and opens a fresh handle on it. Open skips
// the test when the database is not configured.
type Database struct {
	Name string
	Open func(t testing.TB) *DB
}

// Run runs suite on each database, each in a subtest named after it with
// a fresh handle.
func Run(t *testing.T, suite func(t *testing.T, d *DB), dbs ...Database) {
	t.Helper()
	for _, db := range dbs {
		t.Run(db.Name, func(t *testing.T) { suite(t, db.Open(t)) })
	}
}

// SQLiteDSN returns the DSN of a new SQLite database in t's temporary
// folder.
func SQLiteDSN(t testing.TB) string {
	return "file:" + filepath.Join(t.TempDir(), "dance.db") + "?_busy_timeout=10000&_journal_mode=WAL"
}

// SQLite opens a new SQLite database.
func SQLite(t testing.TB) *DB {
	t.Helper()
	return Open(t, "sqlite", sqlite.Open(SQLiteDSN(t)))
}

// Open opens a DB on dial, which is a database of kind name, and closes
// it when the test ends.
func Open(t testing.TB, name string, dial gorm.Dialector) *DB {
	t.Helper()
	db, err := gorm.Open(dial, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(8) // the servers are shared with other tests
	t.Cleanup(func() { sqlDB.Close() })
	d := &DB{Name: name, DB: db}
	count := func(*gorm.DB) { d.queries.Add(1) }
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("test:count", count),
		cb.Row().After("gorm:row").Register("test:count", count),
		cb.Create().After("gorm:create").Register("test:count", count),
		cb.Update().After("gorm:update").Register("test:count", count),
		cb.Delete().After("gorm:delete").Register("test:count", count),
		cb.Raw().After("gorm:raw").Register("test:count", count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// RandHex returns n random bytes in hex, for names that no other test
// uses.
func RandHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// UniqueTable returns a table name no other test or helper uses, and drops
// the table when the test ends.
func UniqueTable(t testing.TB, d *DB) string {
	table := "t" + RandHex(6) + "_oauth"
	t.Cleanup(func() { _ = d.DB.Migrator().DropTable(table) })
	return table
}

// UserOAuth is a token model with a user association, as an app has.
type UserOAuth struct {
	gormstore.Model
	UserID *uint
}

// NewStore returns a migrated store on a fresh table of d (unless
// cfg.Table is set), with the model [UserOAuth] unless cfg.Model is set.
func NewStore(t testing.TB, d *DB, cfg gormstore.Config) *gormstore.Store {
	t.Helper()
	if cfg.Table == "" {
		cfg.Table = UniqueTable(t, d)
	}
	if cfg.Model == nil {
		cfg.Model = &UserOAuth{}
	}
	s, err := gormstore.New(d.DB, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// Row is a stored token row.
type Row struct {
	Provider string
	UserID   *uint
	Token    gormstore.JSONToken
}

// Rows returns the rows of the store's table, by ID.
func Rows(t testing.TB, s *gormstore.Store) []Row {
	t.Helper()
	var out []Row
	cols := "provider, token"
	if s.DB().Migrator().HasColumn(s.Table(), "user_id") {
		cols += ", user_id"
	}
	if err := s.DB().Table(s.Table()).Select(cols).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// Where selects the rows of the blueprint name and the user uid (nil: the
// rows without a user) of a store whose model has a user_id column.
func Where(s *gormstore.Store, name string, uid any) *gorm.DB {
	db := s.DB().Table(s.Table()).Where("provider = ?", name)
	if uid == nil {
		return db.Where("user_id IS NULL")
	}
	return db.Where("user_id = ?", uid)
}

// Ctx returns a request context for storage calls outside a dance, with
// the override set to uid when it is not 0.
func Ctx(uid uint) *gin.Context {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/", nil)
	if uid != 0 {
		gormstore.SetUserID(c, "", uid)
	}
	return c
}

// CacheKey is the key under which a store without a cipher caches the
// token of (name, uid): "flask_dance_token|" + table + "|" + name + "|" +
// uid, or "-" for no user. gormstore's TestCacheKeys keeps it in step
// with the store.
func CacheKey(s *gormstore.Store, name string, uid any) string {
	return cacheKey("flask_dance_token|", s.Table(), name, uid)
}

// SealedCacheKey is the key under which a store with a cipher caches the
// envelope of (name, uid): as [CacheKey], under "flask_dance_sealed|".
func SealedCacheKey(s *gormstore.Store, name string, uid any) string {
	return cacheKey("flask_dance_sealed|", s.Table(), name, uid)
}

func cacheKey(prefix, table, name string, uid any) string {
	u := "-"
	if uid != nil {
		u = fmt.Sprint(uid)
	}
	return prefix + table + "|" + name + "|" + u
}
