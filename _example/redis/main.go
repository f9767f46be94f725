// Command redis runs two instances of one dance app, as behind a load
// balancer: they share nothing in memory, only PostgreSQL (the tokens,
// through gormstore) and Redis (the sessions, through gin-contrib/sessions'
// Redis store, and gormstore's token cache). A user who logs in on
// instance A is logged in on instance B, and a logout on B is seen by A.
//
//	cd _example/redis && go run .
//
// It is a module of its own, so that the PostgreSQL and Redis drivers stay
// out of the library's go.mod.
//
// Both instances run in this one process, on PORT (default 8080, instance
// A) and PORT_B (default PORT+1, instance B), each with its own database
// pool, Redis connections and session store. One process lets them share
// the fake provider that stands in for GitHub when GITHUB_OAUTH_CLIENT_ID
// is not set; with real credentials, run one instance per process instead
// (see the README).
//
// DATABASE_URL is the PostgreSQL DSN (default "host=127.0.0.1 port=5432
// user=postgres dbname=test sslmode=disable"), REDIS_ADDR the Redis
// address (default 127.0.0.1:6379), and PREFIX the prefix of the app's
// tables and Redis keys (default "dance_redis_example_").
// SESSION_HASH_KEY and SESSION_BLOCK_KEY (hex) are the session cookie keys,
// which every instance must share; by default both instances get the same
// random keys.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gin-contrib/sessions"
	redisstore "github.com/gin-contrib/sessions/redis"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/_example/devserver"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/ginlog"
	"github.com/gin-dance/dance/redis/rediscache"
	"github.com/gin-dance/dance/redis/redisstate"
	"github.com/gin-dance/dance/sessionstore"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
	goredis "github.com/redis/go-redis/v9"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// User is a local account, created on the first login with GitHub.
type User struct {
	ID       uint
	GitHubID string `gorm:"size:64;uniqueIndex"`
	Login    string
}

// OAuth is a token row of a user: gormstore's model with a user_id column.
type OAuth struct {
	gormstore.Model
	UserID *uint `gorm:"index"`
}

// Config is what one instance needs. Every instance gets the same
// values, except Name.
type Config struct {
	// Name names the instance on its page ("A", "B").
	Name string
	// DSN is the PostgreSQL DSN, RedisAddr the Redis address.
	DSN, RedisAddr string
	// Prefix starts the names of the app's tables and Redis keys.
	Prefix string
	// HashKey and BlockKey sign and encrypt the session cookie, which
	// holds only the session's ID: the session itself is in Redis.
	HashKey, BlockKey []byte
	// GitHub configures the GitHub preset.
	GitHub contrib.GitHubConfig
}

func main() {
	port := or(os.Getenv("PORT"), "8080")
	portB := os.Getenv("PORT_B")
	if portB == "" {
		n, err := strconv.Atoi(port)
		if err != nil {
			log.Fatalf("PORT=%q is not a number", port)
		}
		portB = strconv.Itoa(n + 1)
	}
	cfg := Config{
		DSN:       or(os.Getenv("DATABASE_URL"), "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable"),
		RedisAddr: or(os.Getenv("REDIS_ADDR"), "127.0.0.1:6379"),
		Prefix:    or(os.Getenv("PREFIX"), "dance_redis_example_"),
	}
	cfg.HashKey, cfg.BlockKey = sessionKeys()
	devserver.Quiet()              // no Gin debug banner unless GIN_MODE asks for it
	dev := devserver.DevProvider() // -dev-provider: development mode, on only when asked
	cfg.GitHub.Dev = dev
	using := devserver.Using("GitHub", "GITHUB_OAUTH_CLIENT_ID", "", dev)
	if os.Getenv("GITHUB_OAUTH_CLIENT_ID") == "" && dev == nil {
		fake := dancetest.NewProvider(dancetest.Config{Consent: true})
		defer fake.Close()
		cfg.GitHub = fakeGitHub(fake)
		using = devserver.Using("GitHub", "GITHUB_OAUTH_CLIENT_ID", fake.URL, nil)
	}
	var urls []string
	errs := make(chan error, 2)
	for _, inst := range []struct{ name, port string }{{"A", port}, {"B", portB}} {
		c := cfg
		c.Name = inst.name
		app, err := newApp(c)
		if err != nil {
			log.Fatalf("instance %s: %v", inst.name, err)
		}
		defer app.Close()
		l, url, err := devserver.Listen(inst.port)
		if err != nil {
			log.Fatalf("instance %s: %v", inst.name, err)
		}
		go func() { errs <- http.Serve(l, app) }()
		urls = append(urls, fmt.Sprintf("%s (instance %s)", url, inst.name))
	}
	fmt.Printf("open %s and %s\n", urls[0], urls[1])
	fmt.Println(using)
	log.Print(<-errs)
}

// fakeGitHub points the GitHub preset at a fake provider.
func fakeGitHub(p *dancetest.Provider) contrib.GitHubConfig {
	return contrib.GitHubConfig{
		ClientID:     p.ClientID(),
		ClientSecret: p.ClientSecret(),
		Endpoints:    contrib.Endpoints{AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token"},
		Options:      dance.Options{BaseURL: p.URL + "/"},
	}
}

// App is one instance: its router and the connections it owns.
type App struct {
	*gin.Engine
	github   *dance.Blueprint
	db       *gorm.DB
	cache    *goredis.Client
	sessions redisstore.Store
}

// Close closes the instance's connections.
func (a *App) Close() {
	if sqlDB, err := a.db.DB(); err == nil {
		_ = sqlDB.Close()
	}
	_ = a.cache.Close()
	if rs, err := redisstore.GetRedisStore(a.sessions); err == nil {
		_ = rs.Close()
	}
}

const (
	sessionName    = "dance_redis"
	sessionUserKey = "user_id"
)

// newApp builds one instance: its own connections to PostgreSQL and Redis,
// and the app's tables, created if missing.
func newApp(cfg Config) (*App, error) {
	db, err := gorm.Open(postgres.Open(cfg.DSN), &gorm.Config{
		NamingStrategy: schema.NamingStrategy{TablePrefix: cfg.Prefix}, // users → PREFIXusers
	})
	if err != nil {
		return nil, err
	}
	a := &App{db: db}
	// The token cache: short timeouts, so that a Redis outage costs each
	// token read little before the store falls back to PostgreSQL.
	a.cache = goredis.NewClient(&goredis.Options{Addr: cfg.RedisAddr,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	// The sessions, and in them dance's state and PKCE verifier between
	// login and callback: any instance can answer any request.
	a.sessions, err = redisstore.NewStore(10, "tcp", cfg.RedisAddr, "", "", cfg.HashKey, cfg.BlockKey)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("redis session store: %w", err)
	}
	if err := redisstore.SetKeyPrefix(a.sessions, cfg.Prefix+"session:"); err != nil {
		a.Close()
		return nil, err
	}
	a.sessions.Options(sessionstore.Options(false, 86400*7)) // HttpOnly, SameSite=Lax, Path=/; pass true on https

	if err := a.init(cfg); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) init(cfg Config) error {
	ctx := context.Background()
	if err := a.db.WithContext(ctx).AutoMigrate(&User{}); err != nil {
		return err
	}
	// Tokens in PostgreSQL, per user, with Redis in front: a token that
	// one instance deletes is gone from the cache for every instance.
	store, err := gormstore.New(a.db, gormstore.Config{
		Model:  &OAuth{},
		Table:  cfg.Prefix + "oauth",
		UserID: userID,
		Cache:  rediscache.New(a.cache, cfg.Prefix+"token:", 0),
	})
	if err != nil {
		return err
	}
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	gh := cfg.GitHub
	gh.Storage = store
	// Used states in Redis: a callback replayed on another instance, or
	// after a restart, is refused too.
	gh.UsedStates = redisstate.New(a.cache, cfg.Prefix+"used:")
	gh.Hooks = dance.Hooks{
		OnAuthorized: a.loggedIn,
		OnError: func(c *gin.Context, _ *dance.Blueprint, e *dance.Error) {
			flash(c, "Login with GitHub failed: "+or(e.Description, e.Code, string(e.Stage)))
		},
	}
	a.github, err = contrib.GitHub(gh)
	if err != nil {
		return err
	}

	r := gin.New()
	r.Use(ginlog.Logger(a.github), gin.Recovery()) // an access log without the callback's code and state
	r.Use(sessions.Sessions(sessionName, a.sessions))
	a.github.Register(r.Group("/login"))
	r.Use(a.github.Middleware())
	r.GET("/", func(c *gin.Context) { a.home(c, cfg.Name) })
	r.POST("/logout", a.logout)
	a.Engine = r
	return nil
}

// userID is the logged-in user's ID from the session, or nil.
func userID(c *gin.Context) any {
	if id, ok := sessions.Default(c).Get(sessionUserKey).(uint); ok {
		return id
	}
	return nil
}

// loggedIn finds or creates the local user of this GitHub account and logs
// it in; dance then stores the token for that user (the store reads the
// user from the session).
func (a *App) loggedIn(c *gin.Context, bp *dance.Blueprint, _ *dance.Token) (bool, error) {
	p, err := c.MustGet(bp.Name()).(*dance.Client).Profile()
	if err != nil {
		flash(c, "Failed to fetch user info from GitHub.")
		return false, nil
	}
	u := User{GitHubID: p.ID}
	if err := a.db.WithContext(c.Request.Context()).Where(User{GitHubID: p.ID}).
		Assign(User{Login: p.Login}).FirstOrCreate(&u).Error; err != nil {
		return false, err
	}
	sess := sessions.Default(c)
	sess.Set(sessionUserKey, u.ID)
	if err := sess.Save(); err != nil {
		return false, err
	}
	return true, nil
}

// logout deletes the user's token (from PostgreSQL and the Redis cache)
// and the user from the session (in Redis): every instance sees it.
func (a *App) logout(c *gin.Context) {
	if userID(c) != nil {
		if err := c.MustGet("github").(*dance.Client).DeleteToken(); err != nil {
			c.String(http.StatusInternalServerError, "cannot delete the token")
			return
		}
	}
	sess := sessions.Default(c)
	sess.Delete(sessionUserKey)
	sess.AddFlash("You are logged out.")
	if err := sess.Save(); err != nil {
		c.String(http.StatusInternalServerError, "cannot save the session")
		return
	}
	c.Redirect(http.StatusSeeOther, "/")
}

type homePage struct {
	Instance string
	Login    string
	UserID   any
	Flashes  []any
}

func (a *App) home(c *gin.Context, instance string) {
	sess := sessions.Default(c)
	page := homePage{Instance: instance, Flashes: sess.Flashes()}
	_ = sess.Save()
	if id := userID(c); id != nil {
		gh := c.MustGet("github").(*dance.Client)
		ok, err := gh.Authorized()
		if err != nil {
			c.String(http.StatusInternalServerError, "cannot read your token")
			return
		}
		if ok {
			var user struct{ Login string }
			if err := gh.GetJSON("user", &user); err != nil {
				c.String(http.StatusBadGateway, "GitHub API failed")
				return
			}
			page.Login, page.UserID = user.Login, id
		}
	}
	c.Status(http.StatusOK)
	c.Header("Content-Type", "text/html; charset=utf-8")
	_ = home.Execute(c.Writer, page)
}

// The page's element ids are stable: the browser test (e2e/) uses them.
var home = template.Must(template.New("home").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>dance on Redis: instance {{.Instance}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}.flash{background:#fff3cd;padding:.5em 1em}</style></head><body>
<h1>dance on Redis: instance {{.Instance}}</h1>
<p id="instance">Instance {{.Instance}}</p>
{{range .Flashes}}<p class="flash" id="flash">{{.}}</p>{{end}}
{{if .Login}}<p id="greeting">You are @{{.Login}} on GitHub</p>
<p id="user">Local user {{.UserID}}</p>
<form method="post" action="/logout"><button id="logout">Log out</button></form>
{{else}}<p><a id="login" href="/login/github">Log in with GitHub</a></p>{{end}}
</body></html>`))

func flash(c *gin.Context, msg string) {
	sess := sessions.Default(c)
	sess.AddFlash(msg)
	_ = sess.Save()
}

// sessionKeys returns the cookie keys from SESSION_HASH_KEY and
// SESSION_BLOCK_KEY (hex), or fresh random ones.
func sessionKeys() (hashKey, blockKey []byte) {
	hashKey, _ = hex.DecodeString(os.Getenv("SESSION_HASH_KEY"))
	blockKey, _ = hex.DecodeString(os.Getenv("SESSION_BLOCK_KEY"))
	if len(hashKey) != 32 && len(hashKey) != 64 {
		hashKey = make([]byte, 32)
		rand.Read(hashKey)
	}
	if len(blockKey) != 32 {
		blockKey = make([]byte, 32)
		rand.Read(blockKey)
	}
	return hashKey, blockKey
}

func or(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
