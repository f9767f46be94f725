package integration_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	redisstore "github.com/gin-contrib/sessions/redis"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
)

// The sessions live in Redis (gin-contrib/sessions/redis), and so do the
// dance's state and, with the default Session storage, the token. Redis
// goes away mid-run and comes back. While it is down, the app answers a
// clear 500 and never panics: gin-contrib/sessions logs a failed session
// load and hands out an empty session, so a logged-in user is sent once
// to the login route, whose session save fails with a 500 naming the
// session store; it does not loop. Once Redis is back, the user is still
// logged in (the token was not lost) and a new dance works.
func TestFaultRedisSessionStoreDownAndBack(t *testing.T) {
	addr := os.Getenv("DANCE_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("DANCE_TEST_REDIS_ADDR is not set")
	}
	// gin-contrib/sessions logs failed session loads to slog's default
	// logger; keep them out of the test output.
	old := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	t.Cleanup(func() { slog.SetDefault(old) })
	proxy := dancetest.NewProxy(t, addr)
	store, err := redisstore.NewStore(4, "tcp", proxy.Addr(), "", "", []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	prefix := "dance-fault-session-" + strings.ToLower(rand.Text()) + ":"
	if err := redisstore.SetKeyPrefix(store, prefix); err != nil {
		t.Fatal(err)
	}
	store.Options(sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 600})
	direct := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() {
		keys, _ := direct.Keys(context.Background(), prefix+"*").Result()
		if len(keys) > 0 {
			direct.Del(context.Background(), keys...)
		}
		direct.Close()
		if rs, err := redisstore.GetRedisStore(store); err == nil {
			rs.Close()
		}
	})

	p := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(p.Close)
	var errs []*dance.Error
	cfg := p.OAuth2Config("github")
	cfg.Hooks.OnError = func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { errs = append(errs, e) }
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", store))
	bp.Register(r.Group("/login"))
	r.Use(bp.Middleware())
	r.GET("/private", bp.Required(), func(c *gin.Context) { c.String(http.StatusOK, "secret page") })
	app := httptest.NewServer(r)
	t.Cleanup(app.Close)
	b := dancetest.NewBrowser(t)
	get := func(path string) (int, string, string) {
		t.Helper()
		resp := b.Get(app.URL + path)
		defer resp.Body.Close()
		var sb strings.Builder
		_, _ = io.Copy(&sb, resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), sb.String()
	}

	if resp := b.Dance(app.URL + "/login/github"); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance with Redis up: status %d", resp.StatusCode)
	}
	if st, _, body := get("/private"); st != http.StatusOK {
		t.Fatalf("private with Redis up: %d %q", st, body)
	}

	proxy.Down()
	st, loc, _ := get("/private")
	if st != http.StatusFound || !strings.HasPrefix(loc, "/login/github") {
		t.Fatalf("private with Redis down: %d %q, want one redirect to the login route", st, loc)
	}
	st, loc, body := get(loc)
	if st != http.StatusInternalServerError || loc != "" {
		t.Fatalf("login with Redis down: %d (Location %q), want 500", st, loc)
	}
	if !strings.Contains(body, "The login could not be started.") || strings.Contains(body, "dance:") {
		t.Errorf("login with Redis down answered %q, want the default page and no internal text", body)
	}
	// The error (for the hooks and the log) names the session store.
	if len(errs) != 1 || errs[0].Stage != dance.StageLogin || !strings.Contains(errs[0].Error(), "saving the session") {
		t.Errorf("error hooks got %v, want one login-stage error", errs)
	}

	if err := proxy.Up(); err != nil {
		t.Fatal(err)
	}
	if st, _, body := get("/private"); st != http.StatusOK {
		t.Fatalf("private after Redis is back: %d %q; the token was lost", st, body)
	}
	if resp := b.Dance(app.URL + "/login/github"); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance after Redis is back: status %d", resp.StatusCode)
	}
	if st, _, _ := get("/private"); st != http.StatusOK {
		t.Fatalf("private after the second dance: %d", st)
	}
}
