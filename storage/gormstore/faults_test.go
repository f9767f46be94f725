package gormstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"github.com/gin-dance/dance/storage"
	"github.com/redis/go-redis/v9"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// faultyDB is a database whose outages a test controls. On PostgreSQL and
// MariaDB the store's connections go through a dancetest.Proxy, so that
// Down cuts them and refuses new ones, as a database that went away. On
// SQLite, which has no network, a GORM callback fails every statement
// while the database is down, before it reaches the database.
type faultyDB struct {
	*testDB         // the handle for the store
	direct  *testDB // a handle that never fails, to check what is stored
	Down    func()
	Up      func()
	appName string // PostgreSQL application_name of the store's connections
}

// forEachFaultyDB is forEachDB with a faultyDB.
func forEachFaultyDB(t *testing.T, f func(t *testing.T, d *faultyDB)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres", "mysql"} {
		t.Run(name, func(t *testing.T) { f(t, openFaultyDB(t, name)) })
	}
}

// The MySQL driver logs dropped connections itself; the tests check the
// errors that reach the app instead.
func init() { gomysql.SetLogger(quietMySQL{}) }

type quietMySQL struct{}

func (quietMySQL) Print(...any) {}

var errInjected = errors.New("injected fault: database unavailable")

func openFaultyDB(t testing.TB, name string) *faultyDB {
	t.Helper()
	switch name {
	case "sqlite":
		dsn := "file:" + filepath.Join(t.TempDir(), "dance.db") + "?_busy_timeout=10000&_journal_mode=WAL"
		d := &faultyDB{testDB: openDial(t, name, sqlite.Open(dsn)), direct: openDial(t, name, sqlite.Open(dsn))}
		var down atomic.Bool
		d.Down, d.Up = func() { down.Store(true) }, func() { down.Store(false) }
		fail := func(db *gorm.DB) {
			if down.Load() {
				db.AddError(errInjected)
			}
		}
		cb := d.db.Callback()
		for _, err := range []error{
			cb.Query().Before("gorm:query").Register("test:fault", fail),
			cb.Row().Before("gorm:row").Register("test:fault", fail),
			cb.Create().Before("gorm:create").Register("test:fault", fail),
			cb.Update().Before("gorm:update").Register("test:fault", fail),
			cb.Delete().Before("gorm:delete").Register("test:fault", fail),
			cb.Raw().Before("gorm:raw").Register("test:fault", fail),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		return d
	case "postgres":
		dsn := os.Getenv("DANCE_TEST_POSTGRES_DSN")
		if dsn == "" {
			t.Skip("DANCE_TEST_POSTGRES_DSN is not set")
		}
		direct := openDial(t, name, postgres.Open(dsn))
		var addr string
		if err := direct.db.Raw("SELECT inet_server_addr()::text || ' ' || inet_server_port()").Scan(&addr).Error; err != nil {
			t.Fatal(err)
		}
		host, port, _ := strings.Cut(addr, " ")
		host, _, _ = strings.Cut(host, "/")
		p := dancetest.NewProxy(t, host+":"+port)
		phost, pport, _ := strings.Cut(p.Addr(), ":")
		app := "dance-fault-" + randHex(6)
		// Later keywords win in a PostgreSQL keyword/value DSN.
		pdsn := dsn + " host=" + phost + " port=" + pport + " connect_timeout=2 application_name=" + app
		d := &faultyDB{testDB: openDial(t, name, postgres.Open(pdsn)), direct: direct, Down: p.Down, appName: app}
		d.Up = func() {
			if err := p.Up(); err != nil {
				t.Error(err)
			}
		}
		return d
	case "mysql":
		dsn := os.Getenv("DANCE_TEST_MYSQL_DSN")
		if dsn == "" {
			t.Skip("DANCE_TEST_MYSQL_DSN is not set")
		}
		cfg, err := gomysql.ParseDSN(dsn)
		if err != nil {
			t.Fatal(err)
		}
		p := dancetest.NewProxy(t, cfg.Addr)
		cfg.Addr, cfg.Timeout = p.Addr(), 2*time.Second
		d := &faultyDB{testDB: openDial(t, name, mysql.Open(cfg.FormatDSN())), direct: openDial(t, name, mysql.Open(dsn)), Down: p.Down}
		d.Up = func() {
			if err := p.Up(); err != nil {
				t.Error(err)
			}
		}
		return d
	}
	t.Fatalf("unknown database %q", name)
	return nil
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// count returns the number of rows in the store's table, read through the
// handle that never fails.
func (d *faultyDB) count(t testing.TB, s *Store) int64 {
	t.Helper()
	var n int64
	if err := d.direct.db.Table(s.Table()).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// faultyStore returns a migrated store on a fresh table, on the faulty
// handle, with users from the session.
func faultyStore(t testing.TB, d *faultyDB, cfg Config) *Store {
	t.Helper()
	cfg.Table = uniqueTable(t, d.direct)
	cfg.User = userFromSession
	return newStore(t, d.testDB, cfg)
}

// recordIssued makes the app's authorized hook record the last token the
// provider issued.
func recordIssued(a *testApp) *atomic.Value {
	var v atomic.Value
	a.bp.Hooks().OnAuthorized(func(_ *gin.Context, _ *dance.Blueprint, tok *dance.Token) (bool, error) {
		v.Store(tok.AccessToken)
		return true, nil
	})
	return &v
}

// nextError returns the error the app's error hooks received, or fails.
func (a *testApp) nextError(t testing.TB) *dance.Error {
	t.Helper()
	select {
	case e := <-a.errs:
		return e
	default:
		t.Fatal("the error hooks did not run")
		return nil
	}
}

// The database goes away between the provider's answer and the token
// save. Documented behaviour (blueprint_oauth2.go, finish; Flask-Dance's
// too): the error hooks get a clear *dance.Error at the "store" stage, and
// the browser is still redirected to its next URL, where the app shows the
// error (for example as a flash message from the hook). Nothing is stored,
// not even part of a row, and once the database is back the next dance
// stores the token.
func TestFaultDatabaseDownDuringTokenSave(t *testing.T) {
	forEachFaultyDB(t, func(t *testing.T, d *faultyDB) {
		s := faultyStore(t, d, Config{})
		app := newTestApp(t, s, false)
		issued := recordIssued(app)
		u := app.newUser()
		if err := u.loginAs(7); err != nil {
			t.Fatal(err)
		}
		st, loc, _, err := u.get(app.URL + "/login/fake?next=/after")
		if err != nil || st != http.StatusFound {
			t.Fatalf("login: %d %v", st, err)
		}
		if st, loc, _, err = u.get(loc); err != nil || st != http.StatusFound {
			t.Fatalf("authorize: %d %v", st, err)
		}
		d.Down()
		st, loc, body, err := u.get(loc)
		d.Up()
		if err != nil {
			t.Fatal(err)
		}
		if st != http.StatusFound || loc != "/after" {
			t.Fatalf("callback with the database down = %d %q %q, want a redirect to /after", st, loc, body)
		}
		e := app.nextError(t)
		if e.Stage != dance.StageStore || e.Provider != "fake" {
			t.Errorf("error hook got stage %q provider %q, want store, fake", e.Stage, e.Provider)
		}
		if msg := e.Error(); !strings.Contains(msg, "storing the fake token") {
			t.Errorf("error %q does not say that storing the token failed", msg)
		}
		tok, _ := issued.Load().(string)
		if tok == "" {
			t.Fatal("the provider issued no token")
		}
		if strings.Contains(e.Error(), tok) {
			t.Error("the error holds the access token")
		}
		if n := d.count(t, s); n != 0 {
			t.Fatalf("%d rows after a failed save, want 0", n)
		}
		if got, err := u.token(0); err != nil || got != "none" {
			t.Fatalf("after the failed save the user reads %q, %v; want none", got, err)
		}
		// Back: the user logs in again and the token is stored.
		if _, err := u.dance(); err != nil {
			t.Fatal(err)
		}
		second, _ := issued.Load().(string)
		if got, err := u.token(0); err != nil || got != second {
			t.Fatalf("after the second dance the user reads %q, %v; want the new token", got, err)
		}
		if n := d.count(t, s); n != 1 {
			t.Fatalf("%d rows after the second dance, want 1", n)
		}
	})
}

// The database goes away while a logged-in user's token is read.
// Client.Authorized reports an error rather than false, and Required
// answers 500 after the error hooks instead of sending the user to log in,
// which would loop: the login would end in the same unreadable storage.
// Once the database is back, the same user is in again.
func TestFaultDatabaseDownDuringRead(t *testing.T) {
	forEachFaultyDB(t, func(t *testing.T, d *faultyDB) {
		s := faultyStore(t, d, Config{})
		app := newTestApp(t, s, false)
		u := app.newUser()
		if err := u.loginAs(7); err != nil {
			t.Fatal(err)
		}
		if _, err := u.dance(); err != nil {
			t.Fatal(err)
		}
		if st, _, body, err := u.get(app.URL + "/protected"); err != nil || st != http.StatusOK {
			t.Fatalf("protected before the outage: %d %q %v", st, body, err)
		}
		d.Down()
		st, loc, body, err := u.get(app.URL + "/protected")
		if err != nil {
			t.Fatal(err)
		}
		if st != http.StatusInternalServerError || loc != "" {
			t.Errorf("protected with the database down = %d (Location %q), want 500", st, loc)
		}
		if !strings.Contains(body, "Error ID") || strings.Contains(body, "dance:") {
			t.Errorf("body %q is not the default error page", body)
		}
		if e := app.nextError(t); e.Stage != dance.StageStore || !strings.Contains(e.Error(), "reading the fake token") {
			t.Errorf("error hook got %v, want the failed token read at stage store", e)
		}
		if got, err := u.token(0); err == nil {
			t.Errorf("Authorized with the database down = %q and no error", got)
		}
		d.Up()
		if st, _, body, err := u.get(app.URL + "/protected"); err != nil || st != http.StatusOK {
			t.Fatalf("protected after the outage: %d %q %v", st, body, err)
		}
		if n := d.count(t, s); n != 1 {
			t.Fatalf("%d rows, want 1", n)
		}
	})
}

// Redis, as the token cache, goes away mid-run and comes back. While it is
// down, reads and writes go to the database and succeed; once it is back,
// no one reads a token that was replaced during the outage (the
// invalidations that failed are done before the cache is used again), and
// the cache serves reads again.
func TestFaultRedisCacheDownAndBack(t *testing.T) {
	addr := os.Getenv("DANCE_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("DANCE_TEST_REDIS_ADDR is not set")
	}
	redis.SetLogger(quiet{})
	p := dancetest.NewProxy(t, addr)
	client := redis.NewClient(&redis.Options{Addr: p.Addr(), DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	direct := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { direct.Close() })
	prefix := "dance-fault-" + randHex(6) + ":"
	t.Cleanup(func() {
		keys, _ := direct.Keys(context.Background(), prefix+"*").Result()
		if len(keys) > 0 {
			direct.Del(context.Background(), keys...)
		}
	})
	d := openDB(t, "sqlite")
	var logs syncBuffer
	s := newStore(t, d, Config{
		Cache:      NewRedisCache(client, prefix, time.Hour),
		CacheRetry: time.Hour, // the test says when to try Redis again
		Logger:     slog.New(slog.NewTextHandler(&logs, nil)),
	})
	get := func(uid uint, want string) {
		t.Helper()
		got, err := s.Get(ctx(uid), "github")
		if err != nil || got == nil || got.AccessToken != want {
			t.Fatalf("user %d reads %v, %v; want %s", uid, got, err, want)
		}
	}
	set := func(uid uint, tok string) {
		t.Helper()
		if err := s.Set(ctx(uid), "github", &storage.Token{AccessToken: tok}); err != nil {
			t.Fatalf("user %d: Set: %v", uid, err)
		}
	}
	set(1, "alice-1")
	get(1, "alice-1") // now cached
	if n, _ := direct.Exists(context.Background(), prefix+s.cacheKey("github", uint(1))).Result(); n != 1 {
		t.Fatal("the token is not in Redis")
	}

	p.Down()
	set(1, "alice-2") // the invalidation of alice-1 fails
	get(1, "alice-2")
	set(2, "bob-1")
	get(2, "bob-1")
	if !strings.Contains(logs.String(), "token cache failed") {
		t.Errorf("the outage was not logged:\n%s", logs.String())
	}

	if err := p.Up(); err != nil {
		t.Fatal(err)
	}
	s.skipUntil.Store(0) // as after CacheRetry
	get(1, "alice-2")
	get(2, "bob-1")
	before := d.SQL()
	get(1, "alice-2")
	get(2, "bob-1")
	if n := d.SQL() - before; n != 0 {
		t.Errorf("reads after Redis is back ran %d SQL statements, want 0 (from the cache)", n)
	}
	if !strings.Contains(logs.String(), "token cache is back") {
		t.Errorf("the recovery was not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "alice-") {
		t.Error("the log holds a token")
	}
}

// syncBuffer is a bytes.Buffer that a logger and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The app's PostgreSQL connections are terminated (pg_terminate_backend)
// between two calls. The next write, delete and read each succeed on a new
// connection: the statements are idempotent, so the store runs them again
// instead of failing the user's dance.
func TestFaultKilledConnectionIsRetried(t *testing.T) {
	dsn := os.Getenv("DANCE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("DANCE_TEST_POSTGRES_DSN is not set")
	}
	appName := "dance-kill-" + randHex(6)
	d := openDial(t, "postgres", postgres.Open(dsn+" application_name="+appName))
	admin := openDB(t, "postgres")
	s := newStore(t, d, Config{Table: uniqueTable(t, admin)})
	kill := func() {
		t.Helper()
		var n int
		err := admin.db.Raw(`SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ?`, appName).Scan(&n).Error
		if err != nil || n == 0 {
			t.Fatalf("killed %d connections: %v", n, err)
		}
	}
	c := ctx(1)
	for i, step := range []func() error{
		func() error { return s.Set(c, "github", &storage.Token{AccessToken: "first"}) },
		func() error { return s.Set(c, "github", &storage.Token{AccessToken: "second"}) },
		func() error {
			tok, err := s.Get(c, "github")
			if err == nil && (tok == nil || tok.AccessToken != "second") {
				return errors.New("read the wrong token")
			}
			return err
		},
		func() error { return s.Delete(c, "github") },
	} {
		if i > 0 {
			kill()
		}
		if err := step(); err != nil {
			t.Fatalf("step %d after the connections were killed: %v", i, err)
		}
	}
	if n := (&faultyDB{direct: admin}).count(t, s); n != 0 {
		t.Fatalf("%d rows after the delete", n)
	}
}
