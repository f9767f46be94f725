package gormstore

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/gin-gonic/gin"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// The tests in package gormstore are those that need the store's
// unexported parts, on SQLite. The tests that run on every database are
// suites in internal/gormtest, run on SQLite by suite_test.go and on
// PostgreSQL and MariaDB by the integration module.

func init() { gin.SetMode(gin.TestMode) }

// userOAuth is a token model with a user association, as an app has.
type userOAuth struct {
	Model
	UserID *uint
}

// testUser is an app's user model, for Config.User.
type testUser struct {
	ID   uint
	Name string
}

// newSQLiteStore returns a migrated store with cfg on a new SQLite
// database, with the model userOAuth unless cfg.Model is set.
func newSQLiteStore(t testing.TB, cfg Config) *Store {
	t.Helper()
	db, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "dance.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { sqlDB.Close() })
	if cfg.Model == nil {
		cfg.Model = &userOAuth{}
	}
	s, err := New(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// ctx returns a request context for storage calls outside a dance, with
// the override set to uid when it is not 0.
func ctx(uid uint) *gin.Context {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/", nil)
	if uid != 0 {
		SetUserID(c, "", uid)
	}
	return c
}

// testKey returns a key with ID id whose bytes are id repeated: stable,
// distinct per ID, and easy to look for in output.
func testKey(t testing.TB, id string) (Key, []byte) {
	t.Helper()
	raw := bytes.Repeat([]byte(id), KeySize/len(id)+1)[:KeySize]
	k, err := NewKey(id, raw)
	if err != nil {
		t.Fatal(err)
	}
	return k, raw
}
