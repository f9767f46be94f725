package gormtest

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// FaultyDB is a database whose outages a test controls. On PostgreSQL
// and MariaDB the store's connections go through a dancetest.Proxy, so
// that Down cuts them and refuses new ones, as a database that went away.
// On SQLite ([FaultySQLite]), which has no network, a GORM callback fails
// every statement while the database is down, before it reaches the
// database.
type FaultyDB struct {
	*DB         // the handle for the store
	Direct  *DB // a handle that never fails, to check what is stored
	Down    func()
	Up      func()
	AppName string // PostgreSQL application_name of the store's connections
}

// A FaultyDatabase names a database and opens a [FaultyDB] on it.
type FaultyDatabase struct {
	Name string
	Open func(t testing.TB) *FaultyDB
}

// RunFaulty is [Run] with a [FaultyDB].
func RunFaulty(t *testing.T, suite func(t *testing.T, d *FaultyDB), dbs ...FaultyDatabase) {
	t.Helper()
	for _, db := range dbs {
		t.Run(db.Name, func(t *testing.T) { suite(t, db.Open(t)) })
	}
}

// ErrInjected is the error of every statement on a [FaultySQLite] that
// is down.
var ErrInjected = errors.New("injected fault: database unavailable")

// FaultySQLite opens a [FaultyDB] on a new SQLite database.
func FaultySQLite(t testing.TB) *FaultyDB {
	t.Helper()
	dsn := SQLiteDSN(t)
	d := &FaultyDB{DB: Open(t, "sqlite", sqlite.Open(dsn)), Direct: Open(t, "sqlite", sqlite.Open(dsn))}
	var down atomic.Bool
	d.Down, d.Up = func() { down.Store(true) }, func() { down.Store(false) }
	fail := func(db *gorm.DB) {
		if down.Load() {
			db.AddError(ErrInjected)
		}
	}
	cb := d.DB.DB.Callback()
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
}

// Count returns the number of rows in the store's table, read through
// the handle that never fails.
func (d *FaultyDB) Count(t testing.TB, s *gormstore.Store) int64 {
	t.Helper()
	var n int64
	if err := d.Direct.DB.Table(s.Table()).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// FaultyStore returns a migrated store on a fresh table, on the faulty
// handle, with users from the session.
func FaultyStore(t testing.TB, d *FaultyDB, cfg gormstore.Config) *gormstore.Store {
	t.Helper()
	cfg.Table = UniqueTable(t, d.Direct)
	cfg.User = UserFromSession
	return NewStore(t, d.DB, cfg)
}

// RecordIssued makes the app's authorized hook record the last token the
// provider issued.
func RecordIssued(a *App) *atomic.Value {
	var v atomic.Value
	a.SetAuthorized(func(_ *gin.Context, _ *dance.Blueprint, tok *dance.Token) (bool, error) {
		v.Store(tok.AccessToken)
		return true, nil
	})
	return &v
}

// FaultDatabaseDownDuringTokenSave: the database goes away between the
// provider's answer and the token save. Documented behaviour (routes.go,
// finish): the error hook gets a clear *dance.Error at the "store" stage, and
// the browser is still redirected to its next URL, where the app shows the
// error (for example as a flash message from the hook). Nothing is stored,
// not even part of a row, and once the database is back the next dance
// stores the token.
func FaultDatabaseDownDuringTokenSave(t *testing.T, d *FaultyDB) {
	s := FaultyStore(t, d, gormstore.Config{})
	app := NewApp(t, s, false)
	issued := RecordIssued(app)
	u := app.NewUser()
	if err := u.LoginAs(7); err != nil {
		t.Fatal(err)
	}
	st, loc, _, err := u.Get(app.URL + "/login/fake?next=/after")
	if err != nil || st != http.StatusFound {
		t.Fatalf("login: %d %v", st, err)
	}
	if st, loc, _, err = u.Get(loc); err != nil || st != http.StatusFound {
		t.Fatalf("authorize: %d %v", st, err)
	}
	d.Down()
	st, loc, body, err := u.Get(loc)
	d.Up()
	if err != nil {
		t.Fatal(err)
	}
	if st != http.StatusFound || loc != "/after" {
		t.Fatalf("callback with the database down = %d %q %q, want a redirect to /after", st, loc, body)
	}
	e := app.NextError(t)
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
	if n := d.Count(t, s); n != 0 {
		t.Fatalf("%d rows after a failed save, want 0", n)
	}
	if got, err := u.Token(0); err != nil || got != "none" {
		t.Fatalf("after the failed save the user reads %q, %v; want none", got, err)
	}
	// Back: the user logs in again and the token is stored.
	if _, err := u.Dance(); err != nil {
		t.Fatal(err)
	}
	second, _ := issued.Load().(string)
	if got, err := u.Token(0); err != nil || got != second {
		t.Fatalf("after the second dance the user reads %q, %v; want the new token", got, err)
	}
	if n := d.Count(t, s); n != 1 {
		t.Fatalf("%d rows after the second dance, want 1", n)
	}
}

// FaultDatabaseDownDuringRead: the database goes away while a logged-in user's token is read.
// Client.Authorized reports an error rather than false, and Required
// answers 500 after the error hooks instead of sending the user to log in,
// which would loop: the login would end in the same unreadable storage.
// Once the database is back, the same user is in again.
func FaultDatabaseDownDuringRead(t *testing.T, d *FaultyDB) {
	s := FaultyStore(t, d, gormstore.Config{})
	app := NewApp(t, s, false)
	u := app.NewUser()
	if err := u.LoginAs(7); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Dance(); err != nil {
		t.Fatal(err)
	}
	if st, _, body, err := u.Get(app.URL + "/protected"); err != nil || st != http.StatusOK {
		t.Fatalf("protected before the outage: %d %q %v", st, body, err)
	}
	d.Down()
	st, loc, body, err := u.Get(app.URL + "/protected")
	if err != nil {
		t.Fatal(err)
	}
	if st != http.StatusInternalServerError || loc != "" {
		t.Errorf("protected with the database down = %d (Location %q), want 500", st, loc)
	}
	if !strings.Contains(body, "Error ID") || strings.Contains(body, "dance:") {
		t.Errorf("body %q is not the default error page", body)
	}
	if e := app.NextError(t); e.Stage != dance.StageStore || !strings.Contains(e.Error(), "reading the fake token") {
		t.Errorf("error hook got %v, want the failed token read at stage store", e)
	}
	if got, err := u.Token(0); err == nil {
		t.Errorf("Authorized with the database down = %q and no error", got)
	}
	d.Up()
	if st, _, body, err := u.Get(app.URL + "/protected"); err != nil || st != http.StatusOK {
		t.Fatalf("protected after the outage: %d %q %v", st, body, err)
	}
	if n := d.Count(t, s); n != 1 {
		t.Fatalf("%d rows, want 1", n)
	}
}
