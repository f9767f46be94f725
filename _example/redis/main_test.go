package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
	goredis "github.com/redis/go-redis/v9"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// env is two instances of the app on PostgreSQL and Redis, with their
// own tables and keys (a random prefix), dropped when the test ends.
type env struct {
	a, b   *httptest.Server
	prefix string
	db     *gorm.DB
	redis  *goredis.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	fake := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	return newEnvWith(t, fakeGitHub(fake))
}

// newEnvWith is newEnv with the GitHub preset configured as gh.
func newEnvWith(t *testing.T, gh contrib.GitHubConfig) *env {
	t.Helper()
	dsn, addr := os.Getenv("DANCE_TEST_POSTGRES_DSN"), os.Getenv("DANCE_TEST_REDIS_ADDR")
	if dsn == "" || addr == "" {
		t.Skip("DANCE_TEST_POSTGRES_DSN and DANCE_TEST_REDIS_ADDR are not both set")
	}
	gin.SetMode(gin.TestMode)
	b := make([]byte, 4)
	rand.Read(b)
	e := &env{prefix: "dance_redis_example_" + hex.EncodeToString(b) + "_"}
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	e.db = db
	e.redis = goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() {
		for _, table := range []string{e.prefix + "oauth", e.prefix + "users"} {
			if err := db.Migrator().DropTable(table); err != nil {
				t.Errorf("dropping %s: %v", table, err)
			}
		}
		if keys := e.keys(t, "*"); len(keys) > 0 {
			e.redis.Del(context.Background(), keys...)
		}
		_ = e.redis.Close()
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	key := []byte("0123456789abcdef0123456789abcdef")
	for _, inst := range []struct {
		name string
		srv  **httptest.Server
	}{{"A", &e.a}, {"B", &e.b}} {
		app, err := newApp(Config{Name: inst.name, DSN: dsn, RedisAddr: addr, Prefix: e.prefix,
			HashKey: key, BlockKey: key, GitHub: gh})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(app.Close)
		*inst.srv = httptest.NewServer(app)
		t.Cleanup((*inst.srv).Close)
	}
	return e
}

// keys lists this test's Redis keys that match pattern after the prefix.
func (e *env) keys(t *testing.T, pattern string) []string {
	t.Helper()
	keys, err := e.redis.Keys(context.Background(), e.prefix+pattern).Result()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func (e *env) tokens(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := e.db.Table(e.prefix + "oauth").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func page(t *testing.T, br *dancetest.Browser, url string) string {
	t.Helper()
	resp := br.Get(url + "/")
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s/: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

const loggedIn = `<p id="greeting">You are @octocat on GitHub</p>`

// Log in on A; B knows the user (session in Redis, token in PostgreSQL
// and the Redis cache); log out on B; A knows it too.
func TestTwoInstances(t *testing.T) {
	e := newEnv(t)
	br := dancetest.NewBrowser(t) // its cookie jar, like a browser's, ignores ports
	if p := page(t, br, e.b.URL); strings.Contains(p, "greeting") || !strings.Contains(p, `id="login"`) {
		t.Fatalf("B before login:\n%s", p)
	}

	if resp := br.Dance(e.a.URL + "/login/github"); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance on A: status %d", resp.StatusCode)
	}
	if p := page(t, br, e.a.URL); !strings.Contains(p, loggedIn) || !strings.Contains(p, "Instance A") {
		t.Fatalf("A after login:\n%s", p)
	}
	p := page(t, br, e.b.URL)
	if !strings.Contains(p, loggedIn) || !strings.Contains(p, "Instance B") || !strings.Contains(p, `<p id="user">Local user 1</p>`) {
		t.Fatalf("B after logging in on A:\n%s", p)
	}
	if n := e.tokens(t); n != 1 {
		t.Fatalf("%d tokens in PostgreSQL, want 1", n)
	}
	if k := e.keys(t, "token:*"); len(k) != 1 {
		t.Fatalf("token keys in Redis = %v, want one", k)
	}
	if k := e.keys(t, "session:*"); len(k) == 0 {
		t.Fatal("no session in Redis")
	}

	// Another browser, with no session cookie, is not logged in on B.
	if p := page(t, dancetest.NewBrowser(t), e.b.URL); strings.Contains(p, "greeting") {
		t.Fatalf("a fresh browser on B:\n%s", p)
	}

	resp, err := br.Post(e.b.URL+"/logout", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", resp.StatusCode)
	}
	if p := page(t, br, e.a.URL); strings.Contains(p, "greeting") || !strings.Contains(p, `id="login"`) {
		t.Fatalf("A after logging out on B:\n%s", p)
	}
	if n, k := e.tokens(t), e.keys(t, "token:*"); n != 0 || len(k) != 0 {
		t.Fatalf("after logout: %d tokens in PostgreSQL, token keys in Redis %v", n, k)
	}

	// Logging in again on B finds the same local user.
	if resp := br.Dance(e.b.URL + "/login/github"); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance on B: status %d", resp.StatusCode)
	}
	if p := page(t, br, e.a.URL); !strings.Contains(p, `<p id="user">Local user 1</p>`) {
		t.Fatalf("A after logging in again on B:\n%s", p)
	}
}
