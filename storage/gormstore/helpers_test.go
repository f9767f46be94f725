package gormstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

func init() { gin.SetMode(gin.TestMode) }

// userOAuth is a token model with a user association, as an app has.
type userOAuth struct {
	Model
	UserID *uint
}

// testDB is one database a test runs on.
type testDB struct {
	name    string
	db      *gorm.DB
	queries atomic.Int64 // SQL statements run, counted by a GORM callback
}

// SQL returns the number of statements run so far.
func (d *testDB) SQL() int64 { return d.queries.Load() }

// forEachDB runs f on SQLite, and on PostgreSQL and MariaDB when their
// DSNs are set, each in a subtest with a fresh database handle.
func forEachDB(t *testing.T, f func(t *testing.T, d *testDB)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres", "mysql"} {
		t.Run(name, func(t *testing.T) {
			f(t, openDB(t, name))
		})
	}
}

func openDB(t testing.TB, name string) *testDB {
	t.Helper()
	var dial gorm.Dialector
	switch name {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "dance.db")
		dial = sqlite.Open("file:" + path + "?_busy_timeout=10000&_journal_mode=WAL")
	case "postgres":
		dsn := os.Getenv("DANCE_TEST_POSTGRES_DSN")
		if dsn == "" {
			t.Skip("DANCE_TEST_POSTGRES_DSN is not set")
		}
		dial = postgres.Open(dsn)
	case "mysql":
		dsn := os.Getenv("DANCE_TEST_MYSQL_DSN")
		if dsn == "" {
			t.Skip("DANCE_TEST_MYSQL_DSN is not set")
		}
		dial = mysql.Open(dsn)
	}
	return openDial(t, name, dial)
}

// openDial opens a testDB on dial, which is a database of kind name.
func openDial(t testing.TB, name string, dial gorm.Dialector) *testDB {
	t.Helper()
	db, err := gorm.Open(dial, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(8) // the servers are shared with other tests
	t.Cleanup(func() { sqlDB.Close() })
	d := &testDB{name: name, db: db}
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

// uniqueTable returns a table name no other test or helper uses, and drops
// the table when the test ends.
func uniqueTable(t testing.TB, d *testDB) string {
	b := make([]byte, 6)
	rand.Read(b)
	table := "t" + hex.EncodeToString(b) + "_oauth"
	t.Cleanup(func() { _ = d.db.Migrator().DropTable(table) })
	return table
}

// newStore returns a migrated store on a fresh table of d.
func newStore(t testing.TB, d *testDB, cfg Config) *Store {
	t.Helper()
	if cfg.Table == "" {
		cfg.Table = uniqueTable(t, d)
	}
	if cfg.Model == nil {
		cfg.Model = &userOAuth{}
	}
	s, err := New(d.db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// row is a stored token row.
type row struct {
	Provider string
	UserID   *uint
	Token    JSONToken
}

func rows(t testing.TB, s *Store) []row {
	t.Helper()
	var out []row
	cols := "provider, token"
	if s.hasUser {
		cols += ", user_id"
	}
	if err := s.db.Table(s.table).Select(cols).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
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

// testApp is a Gin app with a session, a "log in as" route, and a
// blueprint named "fake" on a fake provider that stores into a Store.
type testApp struct {
	*httptest.Server
	fake  *dancetest.Provider
	bp    *dance.Blueprint
	store *Store
	errs  chan *dance.Error
}

// newTestApp builds the app. The session's "uid" is the logged-in user;
// when overrideFromSession is true, a middleware sets it as the
// per-request override, as an app's login middleware would. provider
// optionally configures the fake provider.
func newTestApp(t testing.TB, s *Store, overrideFromSession bool, provider ...dancetest.Config) *testApp {
	t.Helper()
	fake := dancetest.NewProvider(append(provider, dancetest.Config{})[0])
	t.Cleanup(fake.Close)
	cfg := fake.OAuth2Config("fake")
	cfg.Storage = s
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := &testApp{fake: fake, bp: bp, store: s, errs: make(chan *dance.Error, 1000)}
	bp.Hooks().OnError(func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { a.errs <- e })
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	if overrideFromSession {
		r.Use(func(c *gin.Context) {
			if uid, ok := sessions.Default(c).Get("uid").(uint); ok {
				SetUserID(c, "", uid)
			}
		})
	}
	bp.Register(r.Group("/login"))
	r.Use(bp.Middleware())
	r.GET("/as/:uid", func(c *gin.Context) {
		var uid uint
		fmt.Sscan(c.Param("uid"), &uid)
		sess := sessions.Default(c)
		sess.Set("uid", uid)
		_ = sess.Save()
		c.Status(http.StatusNoContent)
	})
	// /protected is behind Required: 200 with a token, else a redirect to
	// login, or 500 when the storage fails.
	r.GET("/protected", bp.Required(), func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	// /token answers the access token the client reads; ?as= switches the
	// user with the override for this blueprint.
	r.GET("/token", func(c *gin.Context) {
		if as := c.Query("as"); as != "" {
			var uid uint
			fmt.Sscan(as, &uid)
			SetUserID(c, "fake", uid)
		}
		cl := bp.Client(c)
		ok, err := cl.Authorized()
		var tok *dance.Token
		if err == nil && ok {
			tok, err = cl.Token()
		}
		switch {
		case err != nil:
			c.String(http.StatusInternalServerError, "error: %v", err)
		case !ok || tok == nil:
			c.String(http.StatusOK, "none")
		default:
			c.String(http.StatusOK, "%s", tok.AccessToken)
		}
	})
	a.Server = httptest.NewServer(r)
	t.Cleanup(a.Close)
	return a
}

// user is one browser of the app.
type user struct {
	app *testApp
	hc  *http.Client
}

func (a *testApp) newUser() *user {
	jar, _ := cookiejar.New(nil)
	return &user{app: a, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// get fetches a URL and returns status, Location and body.
func (u *user) get(rawURL string) (int, string, string, error) {
	resp, err := u.hc.Get(rawURL)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b), err
}

// loginAs logs the browser into the app as uid (0: log out).
func (u *user) loginAs(uid uint) error {
	st, _, _, err := u.get(fmt.Sprintf("%s/as/%d", u.app.URL, uid))
	if err == nil && st != http.StatusNoContent {
		err = fmt.Errorf("/as: status %d", st)
	}
	return err
}

// dance runs the whole dance and returns the callback's redirect target.
// It is safe to call from any goroutine.
func (u *user) dance() (string, error) {
	st, loc, _, err := u.get(u.app.URL + "/login/fake")
	if err != nil || st != http.StatusFound {
		return "", fmt.Errorf("login: %d %v", st, err)
	}
	st, loc, _, err = u.get(loc)
	if err != nil || st != http.StatusFound {
		return "", fmt.Errorf("authorize: %d %v", st, err)
	}
	st, loc, body, err := u.get(loc)
	if err != nil {
		return "", err
	}
	if st != http.StatusFound {
		return "", fmt.Errorf("callback: status %d: %s", st, body)
	}
	return loc, nil
}

// token returns what /token answers, optionally as another user.
func (u *user) token(as uint) (string, error) {
	q := ""
	if as != 0 {
		q = fmt.Sprintf("?as=%d", as)
	}
	st, _, body, err := u.get(u.app.URL + "/token" + q)
	if err != nil {
		return "", err
	}
	if st != http.StatusOK {
		return body, errors.New(body)
	}
	return body, nil
}
