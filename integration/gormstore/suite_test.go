package gormstore_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/gin-dance/dance/internal/gormtest"
	"github.com/gin-dance/dance/redis/rediscache"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/redis/go-redis/v9"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
)

// storage/gormstore's suites (internal/gormtest), on PostgreSQL and
// MariaDB; gormstore's own tests run them on SQLite. The test names are
// gormstore's, so that a run of both modules lists each test on every
// database.

// openPostgres opens the PostgreSQL database at DANCE_TEST_POSTGRES_DSN,
// or skips.
func openPostgres(t testing.TB) *gormtest.DB {
	t.Helper()
	return gormtest.Open(t, "postgres", postgres.Open(postgresDSN(t)))
}

// openMySQL opens the MariaDB or MySQL database at DANCE_TEST_MYSQL_DSN,
// or skips.
func openMySQL(t testing.TB) *gormtest.DB {
	t.Helper()
	return gormtest.Open(t, "mysql", mysql.Open(mysqlDSN(t)))
}

func postgresDSN(t testing.TB) string {
	dsn := os.Getenv("DANCE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("DANCE_TEST_POSTGRES_DSN is not set")
	}
	return dsn
}

func mysqlDSN(t testing.TB) string {
	dsn := os.Getenv("DANCE_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("DANCE_TEST_MYSQL_DSN is not set")
	}
	return dsn
}

// dbs are the databases the suites run on here.
var dbs = []gormtest.Database{{Name: "postgres", Open: openPostgres}, {Name: "mysql", Open: openMySQL}}

// flaskFixture is the database that Flask-Dance wrote, in gormstore's
// testdata.
const flaskFixture = "../../storage/gormstore/testdata/flask_dance.db"

// newRedisCache returns a Redis cache at DANCE_TEST_REDIS_ADDR under a
// prefix of its own, whose keys are deleted when the test ends; it skips
// without Redis.
func newRedisCache(t *testing.T) *rediscache.Cache {
	t.Helper()
	addr := os.Getenv("DANCE_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("DANCE_TEST_REDIS_ADDR is not set")
	}
	client := redis.NewClient(&redis.Options{Addr: addr})
	prefix := "dance-test-" + gormtest.RandHex(6) + ":"
	t.Cleanup(func() {
		keys, _ := client.Keys(context.Background(), prefix+"*").Result()
		if len(keys) > 0 {
			client.Del(context.Background(), keys...)
		}
		client.Close()
	})
	return rediscache.New(client, prefix, time.Minute)
}

func TestConformance(t *testing.T) { gormtest.Run(t, gormtest.Conformance, dbs...) }

func TestAcceptance1_NoUserDanceStoresOneRow(t *testing.T) {
	gormtest.Run(t, gormtest.NoUserDanceStoresOneRow, dbs...)
}

func TestAcceptance2_UserRowAndOverride(t *testing.T) {
	gormtest.Run(t, gormtest.UserRowAndOverride, dbs...)
}

func TestAcceptance3_DeleteOnlyCurrentUsersRow(t *testing.T) {
	gormtest.Run(t, gormtest.DeleteOnlyCurrentUsersRow, dbs...)
}

func TestAcceptance4_UserRequired(t *testing.T) { gormtest.Run(t, gormtest.UserRequired, dbs...) }

func TestAcceptance5_HookLogsUserIn(t *testing.T) { gormtest.Run(t, gormtest.HookLogsUserIn, dbs...) }

func TestAcceptance6_OneRowUnderConcurrentSets(t *testing.T) {
	gormtest.Run(t, gormtest.OneRowUnderConcurrentSets, dbs...)
}

func TestAcceptance7_ConcurrentUsersOwnTokens(t *testing.T) {
	gormtest.Run(t, gormtest.ConcurrentUsersOwnTokens, dbs...)
}

// 8. Cache: after a set the key is empty, the first get costs one query
// and the second none, in memory and in Redis; with Redis unreachable, a
// get still succeeds from the database, and the outage is logged once.
func TestAcceptance8_Cache(t *testing.T) {
	gormtest.Run(t, func(t *testing.T, d *gormtest.DB) {
		t.Run("memory", func(t *testing.T) { gormtest.Cache(t, d, gormstore.NewMemoryCache(10, time.Minute)) })
		t.Run("redis", func(t *testing.T) { gormtest.Cache(t, d, newRedisCache(t)) })
		t.Run("redis unreachable", func(t *testing.T) {
			redis.SetLogger(quiet{}) // go-redis's own dial errors; the store's log is checked
			client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond, MaxRetries: -1, DialerRetries: 1})
			t.Cleanup(func() { client.Close() })
			gormtest.CacheUnreachable(t, d, rediscache.New(client, "", time.Minute))
		})
	}, dbs...)
}

func TestCompareAndDelete(t *testing.T) { gormtest.Run(t, gormtest.CompareAndDelete, dbs...) }

func TestCipherRawSelectShowsNoToken(t *testing.T) {
	gormtest.Run(t, func(t *testing.T, d *gormtest.DB) {
		t.Run("memory", func(t *testing.T) {
			gormtest.CipherRawSelectShowsNoToken(t, d, gormstore.NewMemoryCache(100, time.Minute))
		})
		t.Run("redis", func(t *testing.T) { gormtest.CipherRawSelectShowsNoToken(t, d, newRedisCache(t)) })
	}, dbs...)
}

func TestCipherSwappedRowFailsToDecrypt(t *testing.T) {
	gormtest.Run(t, gormtest.CipherSwappedRowFailsToDecrypt, dbs...)
}

func TestCipherRotatedKeyReadsOldWritesNew(t *testing.T) {
	gormtest.Run(t, gormtest.CipherRotatedKeyReadsOldWritesNew, dbs...)
}

func TestRekeyDuringConcurrentDances(t *testing.T) {
	gormtest.Run(t, gormtest.RekeyDuringConcurrentDances, dbs...)
}

func TestCipherFlaskDanceRowsReadThenEncrypted(t *testing.T) {
	fixture := gormtest.FlaskRows(t, flaskFixture)
	gormtest.Run(t, func(t *testing.T, d *gormtest.DB) {
		gormtest.CipherFlaskDanceRowsReadThenEncrypted(t, d, fixture)
	}, dbs...)
}

// quiet is a go-redis logger that drops everything.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}
