package integration_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/redis/refreshlock"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// fleetStorages are the shared storages the fleet tests run on: memory,
// and gormstore on PostgreSQL when DANCE_TEST_POSTGRES_DSN is set.
func fleetStorages(t *testing.T, f func(t *testing.T, s storage.Storage)) {
	t.Run("memory", func(t *testing.T) { f(t, storage.NewMemory(nil)) })
	t.Run("gormstore-postgres", func(t *testing.T) {
		dsn := os.Getenv("DANCE_TEST_POSTGRES_DSN")
		if dsn == "" {
			t.Skip("DANCE_TEST_POSTGRES_DSN is not set")
		}
		db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			t.Fatal(err)
		}
		sqlDB, _ := db.DB()
		sqlDB.SetMaxOpenConns(8)
		t.Cleanup(func() { sqlDB.Close() })
		table := "fleet_" + randomHex(6)
		s, err := gormstore.New(db, gormstore.Config{Table: table})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Migrator().DropTable(table) })
		f(t, s)
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// fleetInstance is one app instance: its own blueprint (so its own
// in-process refresh sharing) on the shared storage, behind its own server.
func fleetInstance(t *testing.T, fake *dancetest.Provider, s storage.Storage, lock func(context.Context, string) (func(), error)) *httptest.Server {
	t.Helper()
	cfg := fake.OAuth2Config("fake")
	cfg.RefreshURL = "/token"
	cfg.Storage = s
	cfg.RefreshLock = lock
	cfg.Logger = slog.New(slog.NewTextHandler(fleetLogs(t, fake), &slog.HandlerOptions{Level: slog.LevelDebug}))
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(bp.Middleware())
	r.GET("/api", func(c *gin.Context) {
		cl := apptest.Client(c, bp)
		req, err := cl.NewRequest(http.MethodGet, "user", nil)
		if err != nil {
			c.String(http.StatusInternalServerError, "bad request")
			return
		}
		resp, err := cl.Do(req)
		if err != nil {
			c.String(http.StatusBadGateway, "api call failed")
			return
		}
		resp.Body.Close()
		c.Status(resp.StatusCode)
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// fleetLogs returns a log buffer for an instance, checked at the end of
// the test for every secret the fake provider saw or issued.
func fleetLogs(t *testing.T, fake *dancetest.Provider) *apptest.SyncBuffer {
	logs := &apptest.SyncBuffer{}
	t.Cleanup(func() {
		text := logs.String()
		if !strings.Contains(text, "dance:") {
			t.Error("no debug logs captured")
		}
		for _, s := range fake.Secrets() {
			if len(s) >= 8 && strings.Contains(text, s) {
				t.Errorf("log contains a secret (%d chars)", len(s))
			}
		}
	})
	return logs
}

// storeExpired stores an expired token whose refresh token the fake knows.
func storeExpired(t *testing.T, fake *dancetest.Provider, s storage.Storage) string {
	t.Helper()
	rt := fake.IssueRefreshToken("")
	tok := &dance.Token{AccessToken: "at-expired", TokenType: "bearer", RefreshToken: rt, ExpiresAt: time.Now().Add(-time.Hour)}
	if err := s.Set(fleetContext(), "fake", tok); err != nil {
		t.Fatal(err)
	}
	return rt
}

func fleetContext() *gin.Context {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	return c
}

// callAll makes n concurrent API calls on each server and returns the
// statuses.
func callAll(t *testing.T, n int, srvs ...*httptest.Server) []int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []int
	for _, srv := range srvs {
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status := 0
				if resp, err := srv.Client().Get(srv.URL + "/api"); err == nil {
					resp.Body.Close()
					status = resp.StatusCode
				}
				mu.Lock()
				got = append(got, status)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	return got
}

func checkAllOK(t *testing.T, statuses []int) {
	t.Helper()
	bad := 0
	for _, s := range statuses {
		if s != http.StatusOK {
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d API calls failed (statuses %v)", bad, len(statuses), statuses)
	}
}

// checkLoggedIn checks that the stored token is a new, live one.
func checkLoggedIn(t *testing.T, fake *dancetest.Provider, s storage.Storage, old string) {
	t.Helper()
	cur, err := s.Get(fleetContext(), "fake")
	if err != nil || cur == nil {
		t.Fatalf("stored token = %v, %v; want the refreshed token (the user was logged out)", cur, err)
	}
	if cur.RefreshToken == old || !fake.TokenActive(cur.RefreshToken) || !fake.TokenActive(cur.AccessToken) {
		t.Errorf("stored token is not the new, live one (refresh token replaced: %v, live: %v)", cur.RefreshToken != old, fake.TokenActive(cur.RefreshToken))
	}
}

// TestFleetRefreshLock: two instances sharing storage and a Redis refresh
// lock each make 50 concurrent API calls on one expired token, against a
// provider that rotates refresh tokens and revokes the grant on reuse.
// Exactly one refresh reaches the provider, every call succeeds, and the
// stored token is the new one.
func TestFleetRefreshLock(t *testing.T) {
	addr := os.Getenv("DANCE_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("DANCE_TEST_REDIS_ADDR is not set")
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	fleetStorages(t, func(t *testing.T, s storage.Storage) {
		fake := dancetest.NewProvider(dancetest.Config{RefreshToken: true, RotateRefreshTokens: true, DetectRefreshReuse: true})
		t.Cleanup(fake.Close)
		old := storeExpired(t, fake, s)
		lock := &refreshlock.Redis{Client: rdb, Prefix: "dance-test:" + randomHex(8) + ":"}
		a := fleetInstance(t, fake, s, lock.Lock)
		b := fleetInstance(t, fake, s, lock.Lock)
		checkAllOK(t, callAll(t, 50, a, b))
		if n := fake.RefreshCalls(); n != 1 {
			t.Errorf("refresh calls = %d, want exactly 1", n)
		}
		if fake.GrantRevoked(old) {
			t.Error("the provider saw a reused refresh token and revoked the grant")
		}
		checkLoggedIn(t, fake, s, old)
	})
}

// gatedStorage makes certain the race of two instances that load one
// expired token at the same moment: the first instance's Set waits until
// the second has read the token, and the second's reads then wait for
// that Set before they answer with what they read.
type gatedStorage struct {
	storage.Storage
	*gate
	late bool
}

type gate struct {
	read, stored         chan struct{}
	readOnce, storedOnce sync.Once
}

func newGate() *gate { return &gate{read: make(chan struct{}), stored: make(chan struct{})} }

func (g *gatedStorage) Get(c *gin.Context, name string) (*dance.Token, error) {
	tok, err := g.Storage.Get(c, name)
	if g.late {
		g.readOnce.Do(func() { close(g.read) })
		<-g.stored
	}
	return tok, err
}

func (g *gatedStorage) Set(c *gin.Context, name string, tok *dance.Token) error {
	if g.late {
		return g.Storage.Set(c, name, tok)
	}
	<-g.read
	err := g.Storage.Set(c, name, tok)
	g.storedOnce.Do(func() { close(g.stored) })
	return err
}

// CompareAndDelete passes the shared storage's atomic delete through.
func (g *gatedStorage) CompareAndDelete(c *gin.Context, name, rt string) (*dance.Token, error) {
	return storage.CompareAndDelete(g.Storage, c, name, rt)
}

// TestFleetRefreshCompareAndDelete: without the lock, two instances
// refresh the same expired token against a rotating provider; the second
// refresh is refused (invalid_grant) after the first stored the new token.
// Compare-and-delete keeps the new token: every call succeeds and the user
// stays logged in. Before it, the refused instance deleted the new token.
func TestFleetRefreshCompareAndDelete(t *testing.T) {
	fleetStorages(t, func(t *testing.T, s storage.Storage) {
		fake := dancetest.NewProvider(dancetest.Config{RefreshToken: true, RotateRefreshTokens: true})
		t.Cleanup(fake.Close)
		old := storeExpired(t, fake, s)
		g := newGate()
		a := fleetInstance(t, fake, &gatedStorage{Storage: s, gate: g}, nil)
		b := fleetInstance(t, fake, &gatedStorage{Storage: s, gate: g, late: true}, nil)
		checkAllOK(t, callAll(t, 50, a, b))
		if n := fake.RefreshCalls(); n != 2 {
			t.Errorf("refresh calls = %d, want 2 (one refused); the race did not happen", n)
		}
		checkLoggedIn(t, fake, s, old)
	})
}

// TestFleetRefreshReuseRevokes shows why the lock matters: without it,
// the same race against a provider with reuse detection makes the
// provider revoke the whole grant. Compare-and-delete still keeps the
// stored token (it is the provider that ends the session).
func TestFleetRefreshReuseRevokes(t *testing.T) {
	s := storage.NewMemory(nil)
	fake := dancetest.NewProvider(dancetest.Config{RefreshToken: true, RotateRefreshTokens: true, DetectRefreshReuse: true})
	t.Cleanup(fake.Close)
	old := storeExpired(t, fake, s)
	g := newGate()
	a := fleetInstance(t, fake, &gatedStorage{Storage: s, gate: g}, nil)
	b := fleetInstance(t, fake, &gatedStorage{Storage: s, gate: g, late: true}, nil)
	callAll(t, 1, a, b)
	if !fake.GrantRevoked(old) {
		t.Fatal("the reused refresh token did not revoke the grant")
	}
	cur, _ := s.Get(fleetContext(), "fake")
	if cur == nil || cur.RefreshToken == old || fake.TokenActive(cur.RefreshToken) {
		t.Errorf("want the new, now revoked, token kept in storage; got %v", cur != nil)
	}
}

// TestFleetRefreshLockUnavailable: when the refresh lock cannot be taken
// (Redis down), the refresh fails with ErrRefresh, the provider is not
// called, and the stored token is kept for the next request to retry.
func TestFleetRefreshLockUnavailable(t *testing.T) {
	s := storage.NewMemory(nil)
	fake := dancetest.NewProvider(dancetest.Config{RefreshToken: true, RotateRefreshTokens: true})
	t.Cleanup(fake.Close)
	old := storeExpired(t, fake, s)
	down := func(context.Context, string) (func(), error) { return nil, errors.New("dial tcp: connection refused") }
	cfg := fake.OAuth2Config("fake")
	cfg.RefreshURL, cfg.Storage, cfg.RefreshLock = "/token", s, down
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := fleetContext()
	bp.Middleware()(c) // puts the client into c
	_, err = apptest.Client(c, bp).Token()
	var e *dance.Error
	if !errors.As(err, &e) || e.Stage != dance.StageRefresh || errors.Is(err, dance.ErrTokenExpired) || !strings.Contains(err.Error(), "refresh lock") {
		t.Fatalf("Token() with the lock down = %v, want a refresh-stage error about the lock, not ErrTokenExpired", err)
	}
	if n := fake.RefreshCalls(); n != 0 {
		t.Errorf("%d refresh calls without the lock, want 0", n)
	}
	if cur, _ := s.Get(fleetContext(), "fake"); !storage.CarriesRefresh(cur, old) {
		t.Error("the stored token was not kept")
	}
}
