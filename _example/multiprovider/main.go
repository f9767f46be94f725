// Command multiprovider links GitHub, Google and GitLab to one local user
// account, with users and tokens in a database through GORM.
//
//	go run ./_example/multiprovider
//
// Log in with any provider: the first login creates a local user. Logged
// in, "Link …" adds another provider to that user; afterwards, logging in
// with any linked provider gives the same user.
//
// Each provider whose client ID is not set (GITHUB_OAUTH_CLIENT_ID,
// GOOGLE_OAUTH_CLIENT_ID, GITLAB_OAUTH_CLIENT_ID) is dance's fake
// provider, started in the same process with a consent page, so the app
// works offline. DATABASE (default multiprovider.db) names the SQLite file.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/_example/devserver"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/ginlog"
	"github.com/gin-dance/dance/sessionstore"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// User is a local account.
type User struct {
	ID   uint
	Name string
}

// OAuth links a local account to one provider account and keeps its
// token.
type OAuth struct {
	gormstore.Model
	// ProviderUserID is the user's ID at the provider.
	ProviderUserID string `gorm:"size:256;index"`
	UserID         *uint
	User           *User
}

// Config is what the app needs.
type Config struct {
	DB                *gorm.DB
	GitHub            contrib.GitHubConfig
	Google            contrib.GoogleConfig
	GitLab            contrib.GitLabConfig
	HashKey, BlockKey []byte // session cookie keys
}

// The fake providers' users, one per provider, as each provider's
// identity endpoint returns them.
var (
	fakeGoogleUser = map[string]any{"id": "108729934471102334488", "name": "Ada Lovelace",
		"email": "ada@example.com", "verified_email": true}
	fakeGitLabUser = map[string]any{"id": 1234567, "username": "tanuki", "name": "The Tanuki"}
)

func main() {
	port := or(os.Getenv("PORT"), "8080")
	devserver.Quiet()              // no Gin debug banner unless GIN_MODE asks for it
	dev := devserver.DevProvider() // -dev-provider: development mode, on only when asked
	cfg := Config{}
	cfg.GitHub.Dev, cfg.Google.Dev, cfg.GitLab.Dev = dev, dev, dev
	if os.Getenv("GITHUB_OAUTH_CLIENT_ID") == "" && dev == nil {
		fake := dancetest.NewProvider(dancetest.Config{Consent: true})
		defer fake.Close()
		cfg.GitHub.Endpoints, cfg.GitHub.Options = fakeEndpoints(fake)
		cfg.GitHub.ClientID, cfg.GitHub.ClientSecret = fake.ClientID(), fake.ClientSecret()
	}
	if os.Getenv("GOOGLE_OAUTH_CLIENT_ID") == "" && dev == nil {
		fake := dancetest.NewProvider(dancetest.Config{Consent: true, Paths: map[string]any{"/oauth2/v2/userinfo": fakeGoogleUser}})
		defer fake.Close()
		cfg.Google.Endpoints, cfg.Google.Options = fakeEndpoints(fake)
		cfg.Google.ClientID, cfg.Google.ClientSecret = fake.ClientID(), fake.ClientSecret()
	}
	if os.Getenv("GITLAB_OAUTH_CLIENT_ID") == "" && dev == nil {
		fake := dancetest.NewProvider(dancetest.Config{Consent: true, User: fakeGitLabUser})
		defer fake.Close()
		cfg.GitLab.Endpoints, cfg.GitLab.Options = fakeEndpoints(fake)
		cfg.GitLab.ClientID, cfg.GitLab.ClientSecret = fake.ClientID(), fake.ClientSecret()
	}
	db, err := gorm.Open(sqlite.Open("file:"+or(os.Getenv("DATABASE"), "multiprovider.db")+"?_busy_timeout=5000&_foreign_keys=on"), &gorm.Config{})
	if err != nil {
		log.Fatal(err)
	}
	cfg.DB = db
	cfg.HashKey, cfg.BlockKey = randomKey(), randomKey()
	app, err := newApp(cfg)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(devserver.Serve(port, app,
		// A fake's BaseURL is set above; a real preset's is its default.
		devserver.Using("GitHub", "GITHUB_OAUTH_CLIENT_ID", cfg.GitHub.BaseURL, dev),
		devserver.Using("Google", "GOOGLE_OAUTH_CLIENT_ID", cfg.Google.BaseURL, dev),
		devserver.Using("GitLab", "GITLAB_OAUTH_CLIENT_ID", cfg.GitLab.BaseURL, dev)))
}

// fakeEndpoints points a preset at a fake provider.
func fakeEndpoints(p *dancetest.Provider) (contrib.Endpoints, dance.Options) {
	return contrib.Endpoints{AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token"},
		dance.Options{BaseURL: p.URL + "/"}
}

type app struct {
	Config
	bps []*dance.Blueprint
}

const sessionUserKey = "user_id"

// newApp builds the app on cfg.DB, creating its tables.
func newApp(cfg Config) (*gin.Engine, error) {
	a := &app{Config: cfg}
	// OAuth's table is gormstore's (flask_dance_oauth); store.Migrate
	// then adds its unique indexes.
	if err := cfg.DB.AutoMigrate(&User{}, &OAuth{}); err != nil {
		return nil, err
	}
	// Tokens are read for the logged-in user.
	store, err := gormstore.New(cfg.DB, gormstore.Config{Model: &OAuth{}, User: a.currentUser})
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(context.Background()); err != nil {
		return nil, err
	}
	hooks := dance.Hooks{ // one set of hooks for the three providers
		OnAuthorized: a.loggedIn,
		OnError: func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
			flash(c, fmt.Sprintf("Login with %s failed: %s", bp.Name(), or(e.Description, e.Code, string(e.Stage))))
		},
	}
	gh, gg, gl := cfg.GitHub, cfg.Google, cfg.GitLab
	gh.Storage, gh.Hooks = store, hooks
	gg.Storage, gg.Hooks = store, hooks
	gl.Storage, gl.Hooks = store, hooks
	gl.Scopes = []string{"read_user"}
	github, err := contrib.GitHub(gh)
	if err != nil {
		return nil, err
	}
	google, err := contrib.Google(gg)
	if err != nil {
		return nil, err
	}
	gitlab, err := contrib.GitLab(gl)
	if err != nil {
		return nil, err
	}
	a.bps = []*dance.Blueprint{github, google, gitlab}

	// Signed and AES-encrypted; HttpOnly, SameSite=Lax; weak keys are refused.
	sessionStore, err := sessionstore.NewCookie(sessionstore.Config{HashKey: cfg.HashKey, BlockKey: cfg.BlockKey, MaxAge: 86400 * 7})
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.Use(ginlog.Logger(a.bps...), gin.Recovery()) // an access log without the callback's code and state
	r.Use(sessions.Sessions("multiprovider", sessionStore))
	for _, bp := range a.bps {
		bp.Register(r.Group("/login"))
		r.Use(bp.Middleware())
	}
	r.GET("/", a.home)
	r.POST("/logout", func(c *gin.Context) {
		sess := sessions.Default(c)
		sess.Delete(sessionUserKey)
		sess.AddFlash("You are logged out.")
		_ = sess.Save()
		c.Redirect(http.StatusSeeOther, "/")
	})
	return r, nil
}

// currentUser returns the logged-in user, or nil.
func (a *app) currentUser(c *gin.Context) any {
	if u := a.user(c); u != nil {
		return u
	}
	return nil
}

func (a *app) user(c *gin.Context) *User {
	if v, ok := c.Get("user"); ok {
		return v.(*User)
	}
	id, ok := sessions.Default(c).Get(sessionUserKey).(uint)
	if !ok {
		return nil
	}
	var u User
	if a.DB.WithContext(c.Request.Context()).Limit(1).Find(&u, id).RowsAffected == 0 {
		return nil
	}
	c.Set("user", &u)
	return &u
}

// errRefused is a login the app turns down with a message to the user.
type errRefused string

func (e errRefused) Error() string { return string(e) }

// loggedIn is the authorized hook of every provider: find the
// local user of this provider account, or link the account to the user
// who is logged in, or create a user; save the token with the link; log
// the user in. It vetoes dance's own storage, because it saved the token.
func (a *app) loggedIn(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
	p, err := c.MustGet(bp.Name()).(*dance.Client).Profile() // uses tok: it is not stored yet
	if err != nil {
		flash(c, "Failed to fetch user info from "+bp.Name()+".")
		return false, nil
	}
	current := a.user(c)
	var user *User
	err = a.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		var link OAuth
		tx.Preload("User").Where("provider = ? AND provider_user_id = ?", bp.Name(), p.ID).Limit(1).Find(&link)
		switch {
		case link.ID != 0 && link.User != nil:
			if current != nil && current.ID != link.User.ID {
				return errRefused(fmt.Sprintf("This %s account is linked to another user.", bp.Name()))
			}
			user = link.User // a known account: log its user in
		case current != nil:
			user = current // logged in: link this provider to the account
		default:
			// A provider account never seen before, and nobody logged in:
			// a new user. (E-mails are not used to guess a match; see the
			// multiuser example for why.)
			user = &User{Name: or(p.Name, p.Login, bp.Name()+" user")}
			if err := tx.Create(user).Error; err != nil {
				return err
			}
		}
		if link.ID == 0 {
			// One token per (provider, user): reuse the user's row for
			// this provider if another account of it was linked before.
			tx.Where("provider = ? AND user_id = ?", bp.Name(), user.ID).Limit(1).Find(&link)
		}
		link.Provider, link.ProviderUserID, link.UserID, link.User = bp.Name(), p.ID, &user.ID, nil
		link.Token = gormstore.JSONToken{Token: tok}
		return tx.Save(&link).Error
	})
	var refused errRefused
	if errors.As(err, &refused) {
		flash(c, string(refused))
		return false, nil
	}
	if err != nil {
		return false, err
	}
	c.Set("user", user)
	sess := sessions.Default(c)
	sess.Set(sessionUserKey, user.ID)
	if current == nil {
		sess.AddFlash("Successfully signed in with " + bp.Name() + ".")
	} else {
		sess.AddFlash("Linked " + bp.Name() + ".")
	}
	return false, sess.Save() // false: saved above
}

type homePage struct {
	User    *User
	Linked  []string
	Others  []string
	Flashes []any
}

func (a *app) home(c *gin.Context) {
	sess := sessions.Default(c)
	page := homePage{User: a.user(c), Flashes: sess.Flashes()}
	_ = sess.Save()
	for _, bp := range a.bps {
		if page.User == nil {
			page.Others = append(page.Others, bp.Name())
			continue
		}
		ok, err := c.MustGet(bp.Name()).(*dance.Client).Authorized()
		if err != nil {
			c.String(http.StatusInternalServerError, "cannot read your accounts")
			return
		}
		if ok {
			page.Linked = append(page.Linked, bp.Name())
		} else {
			page.Others = append(page.Others, bp.Name())
		}
	}
	c.Status(http.StatusOK)
	c.Header("Content-Type", "text/html; charset=utf-8")
	_ = home.Execute(c.Writer, page)
}

// The page's element ids are stable: the browser tests (e2e/) use them.
var home = template.Must(template.New("home").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>dance multiple providers</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}.flash{background:#fff3cd;padding:.5em 1em}</style></head><body>
<h1>Log in with GitHub, Google or GitLab</h1>
{{range $i, $f := .Flashes}}<p class="flash" id="flash-{{$i}}">{{$f}}</p>{{end}}
{{if .User}}<p id="greeting">Hello, {{.User.Name}} (user {{.User.ID}})</p>
<h2>Linked accounts</h2><ul id="linked">{{range .Linked}}
<li id="linked-{{.}}" data-provider="{{.}}">{{.}}</li>{{end}}
</ul>
{{range .Others}}<p><a id="link-{{.}}" href="/login/{{.}}">Link {{.}}</a></p>{{end}}
<form method="post" action="/logout"><button id="logout">Log out</button></form>
{{else}}{{range .Others}}<p><a id="login-{{.}}" href="/login/{{.}}">Log in with {{.}}</a></p>{{end}}{{end}}
</body></html>`))

func flash(c *gin.Context, msg string) {
	sess := sessions.Default(c)
	sess.AddFlash(msg)
	_ = sess.Save()
}

// randomKey returns a fresh cookie key: sessions end with the process.
func randomKey() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}

func or(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
