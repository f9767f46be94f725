package gormstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/storagetest"
	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// The conformance suite, without users, with one user, and with a cache.
func TestConformance(t *testing.T) {
	forEachDB(t, func(t *testing.T, d *testDB) {
		t.Run("no user", func(t *testing.T) {
			storagetest.Run(t, func(t *testing.T) storagetest.Harness {
				s := newStore(t, d, Config{Model: &Model{}})
				return storagetest.Harness{Storage: s, Request: func() *gin.Context { return ctx(0) }}
			})
		})
		t.Run("user", func(t *testing.T) {
			storagetest.Run(t, func(t *testing.T) storagetest.Harness {
				s := newStore(t, d, Config{UserRequired: new(true)})
				return storagetest.Harness{Storage: s, Request: func() *gin.Context { return ctx(42) }}
			})
		})
		t.Run("cache", func(t *testing.T) {
			storagetest.Run(t, func(t *testing.T) storagetest.Harness {
				s := newStore(t, d, Config{Cache: NewMemoryCache(100, time.Minute)})
				return storagetest.Harness{Storage: s, Request: func() *gin.Context { return ctx(42) }}
			})
		})
	})
}

// The user is the call's argument, else the Config's, else the
// per-request override; IDs before users, as in SQLAlchemyStorage.
func TestUserResolutionOrder(t *testing.T) {
	d := openDB(t, "sqlite")
	s := newStore(t, d, Config{
		UserID: func(c *gin.Context) any { v, _ := c.Get("cfg_id"); return v },
		User:   func(c *gin.Context) any { v, _ := c.Get("cfg_user"); return v },
	})
	tests := []struct {
		name string
		who  Who
		set  func(c *gin.Context)
		want any
	}{
		{"call ID", Who{UserID: 1, User: &testUser{ID: 9}}, func(c *gin.Context) { c.Set("cfg_id", 2); SetUserID(c, "", 3) }, 1},
		{"config ID", Who{}, func(c *gin.Context) { c.Set("cfg_id", 2); SetUserID(c, "", 3) }, 2},
		{"override ID", Who{User: &testUser{ID: 9}}, func(c *gin.Context) { SetUserID(c, "", 3) }, 3},
		{"blueprint override wins", Who{}, func(c *gin.Context) { SetUserID(c, "", 3); SetUserID(c, "github", 4) }, 4},
		{"other blueprint's override", Who{}, func(c *gin.Context) { SetUserID(c, "google", 4) }, nil},
		{"call user", Who{User: &testUser{ID: 5}}, func(c *gin.Context) { c.Set("cfg_user", &testUser{ID: 6}) }, uint(5)},
		{"config user", Who{}, func(c *gin.Context) { c.Set("cfg_user", &testUser{ID: 6}); SetUser(c, "", &testUser{ID: 7}) }, uint(6)},
		{"override user", Who{}, func(c *gin.Context) { SetUser(c, "github", testUser{ID: 7}) }, uint(7)},
		{"anonymous user skipped", Who{User: &testUser{}}, func(c *gin.Context) { SetUser(c, "", &testUser{ID: 8}) }, uint(8)},
		{"pointer ID", Who{UserID: new(uint(10))}, func(*gin.Context) {}, uint(10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ctx(0)
			tt.set(c)
			got, err := s.userID(c, "github", tt.who)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("got %v, want ErrUserRequired", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v (%T), %v; want %v (%T)", got, got, err, tt.want, tt.want)
			}
		})
	}
	s.anonymous = func(u any) bool { return u.(*testUser).Name == "guest" }
	c := ctx(0)
	if _, err := s.userID(c, "github", Who{User: &testUser{ID: 1, Name: "guest"}}); err != storage.ErrUserRequired {
		t.Errorf("Anonymous user: err %v, want ErrUserRequired", err)
	}
}

func TestNewRejectsUserWithoutColumn(t *testing.T) {
	d := openDB(t, "sqlite")
	_, err := New(d.db, Config{Model: &Model{}, UserID: func(*gin.Context) any { return 1 }})
	if err == nil {
		t.Fatal("New accepted a user source on a model without user_id")
	}
}

// 8. Cache: after a set the key is empty, the first get costs one query
// and the second none; the same with Redis; with Redis unreachable, a get
// still succeeds from the database, and the outage is logged once.
func TestAcceptance8_Cache(t *testing.T) {
	check := func(t *testing.T, d *testDB, cache Cache) {
		t.Helper()
		s := newStore(t, d, Config{Cache: cache})
		c := ctx(1)
		key := s.cacheKey("github", uint(1))
		want := &storage.Token{AccessToken: "cached", Scope: []string{"a"}}
		if _, err := s.Get(c, "github"); err != nil { // fills the cache with "no token"
			t.Fatal(err)
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
	forEachDB(t, func(t *testing.T, d *testDB) {
		t.Run("memory", func(t *testing.T) { check(t, d, NewMemoryCache(10, time.Minute)) })
		t.Run("redis", func(t *testing.T) {
			addr := os.Getenv("DANCE_TEST_REDIS_ADDR")
			if addr == "" {
				t.Skip("DANCE_TEST_REDIS_ADDR is not set")
			}
			client := redis.NewClient(&redis.Options{Addr: addr})
			t.Cleanup(func() { client.Close() })
			b := make([]byte, 6)
			rand.Read(b)
			prefix := "dance-test-" + hex.EncodeToString(b) + ":"
			t.Cleanup(func() {
				keys, _ := client.Keys(context.Background(), prefix+"*").Result()
				if len(keys) > 0 {
					client.Del(context.Background(), keys...)
				}
			})
			check(t, d, NewRedisCache(client, prefix, time.Minute))
		})
		t.Run("redis unreachable", func(t *testing.T) {
			redis.SetLogger(quiet{}) // go-redis's own dial errors; the store's log is checked below
			client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond, MaxRetries: -1, DialerRetries: 1})
			t.Cleanup(func() { client.Close() })
			var logs bytes.Buffer
			s := newStore(t, d, Config{
				Cache:  NewRedisCache(client, "", time.Minute),
				Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			})
			c := ctx(1)
			want := &storage.Token{AccessToken: "from-the-database"}
			if err := s.Set(c, "github", want); err != nil {
				t.Fatalf("Set with Redis down: %v", err)
			}
			for i := range 3 {
				if i == 2 {
					s.skipUntil.Store(0) // try Redis again, as after CacheRetry
				}
				before := d.SQL()
				got, err := s.Get(c, "github")
				if err != nil || got.AccessToken != want.AccessToken {
					t.Fatalf("Get with Redis down = %v, %v", got, err)
				}
				if n := d.SQL() - before; n != 1 {
					t.Errorf("Get with Redis down ran %d statements, want 1", n)
				}
			}
			if n := strings.Count(logs.String(), "token cache failed"); n != 1 {
				t.Errorf("the outage was logged %d times, want once:\n%s", n, logs.String())
			}
			if strings.Contains(logs.String(), want.AccessToken) {
				t.Error("the log holds the token")
			}
		})
	})
}

// flaskDB returns a copy of the database that Flask-Dance wrote
// (testdata/flask_dance.db, made by testdata/flask_dance_tokens.py).
func flaskDB(t *testing.T) (*gorm.DB, string) {
	t.Helper()
	src, err := os.ReadFile("testdata/flask_dance.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "flask_dance.db")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := gorm.Open(sqlite.Open(path), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { sqlDB.Close() })
	return db, path
}

// 9. Rows written by Flask-Dance's SQLAlchemyStorage are read correctly,
// and a token written by us has exactly the keys Flask-Dance writes.
func TestAcceptance9_FlaskDanceCompatibility(t *testing.T) {
	t.Run("read Flask-Dance rows", func(t *testing.T) {
		db, _ := flaskDB(t)
		s, err := New(db, Config{Model: &userOAuth{}}) // table flask_dance_oauth
		if err != nil {
			t.Fatal(err)
		}
		if s.Table() != "flask_dance_oauth" {
			t.Fatalf("table %q", s.Table())
		}
		get := func(name string, uid any) *storage.Token {
			t.Helper()
			tok, err := s.GetFor(ctx(0), name, Who{UserID: uid})
			if err != nil || tok == nil {
				t.Fatalf("%s for %v: %v, %v", name, uid, tok, err)
			}
			return tok
		}
		gh := get("github", 1)
		if gh.AccessToken != "alice-github-access" || gh.RefreshToken != "alice-github-refresh" || gh.TokenType != "bearer" ||
			!slices.Equal(gh.Scope, []string{"user:email", "repo"}) || !gh.ExpiresAt.Equal(time.Unix(1700003600, 0)) {
			t.Errorf("alice's github token = %+v", gh)
		}
		if got := get("github", 2).AccessToken; got != "bob-github-access" {
			t.Errorf("bob's github token = %q", got)
		}
		g := get("google", 1)
		if g.Extra["id_token"] != "header.payload.signature" || !g.ExpiresAt.Equal(time.Unix(1700003599, 0)) {
			t.Errorf("alice's google token = %+v", g)
		}
		if tok, err := s.GetFor(ctx(0), "google", Who{UserID: 2}); err != nil || tok != nil {
			t.Errorf("bob has no google token, got %v, %v", tok, err)
		}
		tw := get("twitter", nil) // the user-less OAuth 1 token
		if tw.OAuthToken != "tw-token" || tw.OAuthTokenSecret != "tw-secret" || tw.Extra["screen_name"] != "twitterapi" {
			t.Errorf("twitter token = %+v", tw)
		}
	})

	t.Run("our keys are Flask-Dance's", func(t *testing.T) {
		db, _ := flaskDB(t)
		var flask string
		if err := db.Raw("SELECT token FROM flask_dance_oauth WHERE provider = 'github' AND user_id = 1").Scan(&flask).Error; err != nil {
			t.Fatal(err)
		}
		// Our dance, against a provider that answers as GitHub did there.
		d := openDB(t, "sqlite")
		s := newStore(t, d, Config{})
		app := newTestApp(t, s, false, dancetest.Config{Scope: "user:email repo", RefreshToken: true})
		if _, err := app.newUser().dance(); err != nil {
			t.Fatal(err)
		}
		var ours string
		if err := d.db.Raw("SELECT token FROM " + s.Table()).Scan(&ours).Error; err != nil {
			t.Fatal(err)
		}
		if fk, ok := keys(t, flask), keys(t, ours); !slices.Equal(fk, ok) {
			t.Errorf("our token's keys %v, Flask-Dance's %v", ok, fk)
		}
	})

	t.Run("Flask-Dance reads our rows", func(t *testing.T) {
		if _, err := exec.Command("/usr/bin/python3", "-c", "import flask_dance, flask_sqlalchemy").CombinedOutput(); err != nil {
			t.Skip("Flask-Dance is not installed (apt-get install python3-flask-dance python3-flask-sqlalchemy)")
		}
		db, path := flaskDB(t)
		s, err := New(db, Config{Model: &userOAuth{}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(context.Background()); err != nil { // adds the indexes to Flask-Dance's table
			t.Fatal(err)
		}
		want := &storage.Token{AccessToken: "go-wrote-this", TokenType: "bearer", Scope: []string{"repo"},
			ExpiresAt: time.Now().Add(time.Hour).Truncate(time.Second), Extra: map[string]any{"id_token": "x.y.z"}}
		if err := s.SetFor(ctx(0), "github", Who{UserID: 1}, want); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("/usr/bin/python3", "testdata/flask_dance_tokens.py", "read", path, "github", "1").CombinedOutput()
		if err != nil {
			t.Fatalf("Flask-Dance could not read our row: %v\n%s", err, out)
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("Flask-Dance printed %q: %v", out, err)
		}
		if got["access_token"] != "go-wrote-this" || got["id_token"] != "x.y.z" || got["expires_at"] != float64(want.ExpiresAt.Unix()) {
			t.Errorf("Flask-Dance read %v", got)
		}
		// Bob's row, written by Flask-Dance, is untouched.
		if tok, _ := s.GetFor(ctx(0), "github", Who{UserID: 2}); tok == nil || tok.AccessToken != "bob-github-access" {
			t.Errorf("bob's token = %v", tok)
		}
	})
}

func keys(t *testing.T, raw string) []string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(m))
}

// quiet is a go-redis logger that drops everything.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}
