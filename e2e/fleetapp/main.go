// Command fleetapp is the app of the fleet test (e2e/fleet_test.go): one
// instance of a dance app with the GitHub and Google presets, run as
// several OS processes behind nginx. The instances share nothing in
// memory: tokens are in PostgreSQL (gormstore, per local user), sessions
// in Redis (gin-contrib/sessions' Redis store), and the used states in
// Redis (redis/redisstate). The presets point at the development
// provider given by the -dev-provider flag.
//
// Environment: FLEET_NAME (the instance's name, sent as X-Instance),
// FLEET_ADDR (listen address), FLEET_PREFIX (prefix of its tables and
// Redis keys), FLEET_HASH_KEY and FLEET_BLOCK_KEY (hex session cookie
// keys, the same on every instance), DANCE_TEST_POSTGRES_DSN,
// DANCE_TEST_REDIS_ADDR.
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/gin-contrib/sessions"
	redisstore "github.com/gin-contrib/sessions/redis"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/redis/redisstate"
	"github.com/gin-dance/dance/sessionstore"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
	goredis "github.com/redis/go-redis/v9"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/schema"
)

// User is a local account: one per provider account.
type User struct {
	ID         uint
	Provider   string `gorm:"size:32;uniqueIndex:provider_account"`
	ProviderID string `gorm:"size:64;uniqueIndex:provider_account"`
	Login      string `gorm:"size:64"`
}

// OAuth is a token row of a user: gormstore's model with a user_id column.
type OAuth struct {
	gormstore.Model
	UserID *uint `gorm:"index"`
}

const (
	sessionName    = "fleet"
	sessionUserKey = "user_id"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	devURL := flag.String("dev-provider", "", "the development provider's origin (required)")
	flag.Parse()
	if *devURL == "" {
		return errors.New("-dev-provider is required")
	}
	dev := &contrib.DevProvider{URL: *devURL}
	prefix := os.Getenv("FLEET_PREFIX")
	if prefix == "" {
		return errors.New("FLEET_PREFIX is empty")
	}
	hashKey, err1 := hex.DecodeString(os.Getenv("FLEET_HASH_KEY"))
	blockKey, err2 := hex.DecodeString(os.Getenv("FLEET_BLOCK_KEY"))
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("session keys: %w", err)
	}
	db, err := gorm.Open(postgres.Open(os.Getenv("DANCE_TEST_POSTGRES_DSN")), &gorm.Config{
		NamingStrategy: schema.NamingStrategy{TablePrefix: prefix},
		Logger:         logger.Default.LogMode(logger.Silent),
	})
	if err != nil {
		return err
	}
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.SetMaxOpenConns(16) // three instances share the test server with others
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: os.Getenv("DANCE_TEST_REDIS_ADDR")})
	sess, err := redisstore.NewStore(32, "tcp", os.Getenv("DANCE_TEST_REDIS_ADDR"), "", "", hashKey, blockKey)
	if err != nil {
		return fmt.Errorf("redis session store: %w", err)
	}
	if err := redisstore.SetKeyPrefix(sess, prefix+"session:"); err != nil {
		return err
	}
	sess.Options(sessionstore.Options(false, 3600))

	a := &app{db: db, name: os.Getenv("FLEET_NAME"), bps: map[string]*dance.Blueprint{}}
	r, err := a.router(sess, rdb, prefix, dev)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: os.Getenv("FLEET_ADDR"), Handler: r, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("fleetapp %s: listening on %s", a.name, srv.Addr)
	return srv.ListenAndServe()
}

type app struct {
	db   *gorm.DB
	name string
	bps  map[string]*dance.Blueprint
}

// router builds the app: the two presets with their shared storage and
// used-state record, the sessions, /me and /healthz.
func (a *app) router(sess sessions.Store, rdb *goredis.Client, prefix string, dev *contrib.DevProvider) (*gin.Engine, error) {
	ctx := context.Background()
	if err := a.db.WithContext(ctx).AutoMigrate(&User{}); err != nil {
		return nil, err
	}
	store, err := gormstore.New(a.db, gormstore.Config{Model: &OAuth{}, Table: prefix + "oauth", UserID: userID})
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	opts := dance.Options{Storage: store, UsedStates: redisstate.New(rdb, prefix+"used:")}
	opts.Hooks.OnAuthorized = a.loggedIn
	gh, err := contrib.GitHub(contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}, Options: opts})
	if err != nil {
		return nil, err
	}
	gg, err := contrib.Google(contrib.GoogleConfig{Endpoints: contrib.Endpoints{Dev: dev}, Options: opts})
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.Use(gin.Recovery(), func(c *gin.Context) { c.Header("X-Instance", a.name) })
	r.Use(sessions.Sessions(sessionName, sess))
	for _, bp := range []*dance.Blueprint{gh, gg} {
		a.bps[bp.Name()] = bp
		bp.Register(r.Group("/login"))
		r.Use(bp.Middleware())
	}
	r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "fleet instance %s", a.name) })
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/me", a.me)
	return r, nil
}

// userID is the logged-in user's ID from the session, or nil.
func userID(c *gin.Context) any {
	if id, ok := sessions.Default(c).Get(sessionUserKey).(uint); ok {
		return id
	}
	return nil
}

// loggedIn finds or creates the local user of the provider account and
// logs it in; dance then stores the token for that user.
func (a *app) loggedIn(c *gin.Context, bp *dance.Blueprint, _ *dance.Token) (bool, error) {
	p, err := c.MustGet(bp.Name()).(*dance.Client).Profile()
	if err != nil {
		return false, err
	}
	u := User{Provider: bp.Name(), ProviderID: p.ID}
	if err := a.db.WithContext(c.Request.Context()).Where(User{Provider: bp.Name(), ProviderID: p.ID}).
		Assign(User{Login: p.Login}).FirstOrCreate(&u).Error; err != nil {
		return false, err
	}
	s := sessions.Default(c)
	s.Set(sessionUserKey, u.ID)
	if err := s.Save(); err != nil {
		return false, err
	}
	return true, nil
}

// me answers who the session's user is, asking the provider with the
// user's stored token: GET /me?provider=github.
func (a *app) me(c *gin.Context) {
	bp := a.bps[c.Query("provider")]
	id := userID(c)
	if bp == nil || id == nil {
		c.JSON(http.StatusUnauthorized, gin.H{"error": "not logged in"})
		return
	}
	var u User
	if err := a.db.WithContext(c.Request.Context()).First(&u, id).Error; err != nil {
		c.JSON(http.StatusUnauthorized, gin.H{"error": "no such user"})
		return
	}
	p, err := c.MustGet(bp.Name()).(*dance.Client).Profile()
	if err != nil {
		c.JSON(http.StatusBadGateway, gin.H{"error": "the provider's API failed"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"instance": a.name, "user": u.ID, "provider": u.Provider,
		"provider_id": u.ProviderID, "login": p.Login, "id": p.ID})
}
