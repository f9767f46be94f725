package gormstore_test

import (
	"testing"
	"time"

	"github.com/gin-dance/dance/internal/gormtest"
	"github.com/gin-dance/dance/storage/gormstore"
)

// The suites of internal/gormtest, on SQLite. The integration module runs
// the same suites on PostgreSQL and MariaDB (integration/gormstore), and
// the redis module runs those that take a cache with the Redis cache.

var onSQLite = gormtest.Database{Name: "sqlite", Open: gormtest.SQLite}

func TestConformance(t *testing.T) { gormtest.Run(t, gormtest.Conformance, onSQLite) }

func TestAcceptance1_NoUserDanceStoresOneRow(t *testing.T) {
	gormtest.Run(t, gormtest.NoUserDanceStoresOneRow, onSQLite)
}

func TestAcceptance2_UserRowAndOverride(t *testing.T) {
	gormtest.Run(t, gormtest.UserRowAndOverride, onSQLite)
}

func TestAcceptance3_DeleteOnlyCurrentUsersRow(t *testing.T) {
	gormtest.Run(t, gormtest.DeleteOnlyCurrentUsersRow, onSQLite)
}

func TestAcceptance4_UserRequired(t *testing.T) { gormtest.Run(t, gormtest.UserRequired, onSQLite) }

func TestAcceptance5_HookLogsUserIn(t *testing.T) { gormtest.Run(t, gormtest.HookLogsUserIn, onSQLite) }

func TestAcceptance6_OneRowUnderConcurrentSets(t *testing.T) {
	gormtest.Run(t, gormtest.OneRowUnderConcurrentSets, onSQLite)
}

func TestAcceptance7_ConcurrentUsersOwnTokens(t *testing.T) {
	gormtest.Run(t, gormtest.ConcurrentUsersOwnTokens, onSQLite)
}

// 8. Cache: after a set the key is empty, the first get costs one query
// and the second none. The Redis cache's runs are in the redis module.
func TestAcceptance8_Cache(t *testing.T) {
	gormtest.Run(t, func(t *testing.T, d *gormtest.DB) {
		t.Run("memory", func(t *testing.T) { gormtest.Cache(t, d, gormstore.NewMemoryCache(10, time.Minute)) })
	}, onSQLite)
}

func TestCompareAndDelete(t *testing.T) { gormtest.Run(t, gormtest.CompareAndDelete, onSQLite) }

func TestCipherRawSelectShowsNoToken(t *testing.T) {
	gormtest.Run(t, func(t *testing.T, d *gormtest.DB) {
		t.Run("memory", func(t *testing.T) {
			gormtest.CipherRawSelectShowsNoToken(t, d, gormstore.NewMemoryCache(100, time.Minute))
		})
	}, onSQLite)
}

func TestCipherSwappedRowFailsToDecrypt(t *testing.T) {
	gormtest.Run(t, gormtest.CipherSwappedRowFailsToDecrypt, onSQLite)
}

func TestCipherRotatedKeyReadsOldWritesNew(t *testing.T) {
	gormtest.Run(t, gormtest.CipherRotatedKeyReadsOldWritesNew, onSQLite)
}

func TestRekeyDuringConcurrentDances(t *testing.T) {
	gormtest.Run(t, gormtest.RekeyDuringConcurrentDances, onSQLite)
}

func TestCipherFlaskDanceRowsReadThenEncrypted(t *testing.T) {
	fixture := gormtest.FlaskRows(t, flaskFixture)
	gormtest.Run(t, func(t *testing.T, d *gormtest.DB) {
		gormtest.CipherFlaskDanceRowsReadThenEncrypted(t, d, fixture)
	}, onSQLite)
}

var faultySQLite = gormtest.FaultyDatabase{Name: "sqlite", Open: gormtest.FaultySQLite}

func TestFaultDatabaseDownDuringTokenSave(t *testing.T) {
	gormtest.RunFaulty(t, gormtest.FaultDatabaseDownDuringTokenSave, faultySQLite)
}

func TestFaultDatabaseDownDuringRead(t *testing.T) {
	gormtest.RunFaulty(t, gormtest.FaultDatabaseDownDuringRead, faultySQLite)
}

// gormtest's copy of the cache keys' format is the store's: the suites
// read the cache under it (a wrong copy would make "the key is gone"
// checks pass vacuously).
func TestCacheKeys(t *testing.T) {
	d := gormtest.SQLite(t)
	plain := gormtest.NewStore(t, d, gormstore.Config{})
	sealed := gormtest.NewStore(t, d, gormstore.Config{Cipher: gormtest.Cipher(t, "k1")})
	for _, uid := range []any{nil, uint(7), "42", int64(-1)} {
		if got, want := gormtest.CacheKey(plain, "github", uid), gormstore.CacheKeyOf(plain, "github", uid); got != want {
			t.Errorf("gormtest.CacheKey(%v) = %q, the store's is %q", uid, got, want)
		}
		if got, want := gormtest.CacheKey(sealed, "github", uid), gormstore.PlainCacheKeyOf(sealed, "github", uid); got != want {
			t.Errorf("gormtest.CacheKey(%v) with a cipher = %q, the store's plaintext key is %q", uid, got, want)
		}
		if got, want := gormtest.SealedCacheKey(sealed, "github", uid), gormstore.CacheKeyOf(sealed, "github", uid); got != want {
			t.Errorf("gormtest.SealedCacheKey(%v) = %q, the store's is %q", uid, got, want)
		}
	}
}
