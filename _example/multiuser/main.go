// Command multiuser is a dance app with local user accounts, created on
// the first "log in with …": a GORM/SQLite database with a User model and an OAuth model that belongs
// to it, two providers (GitHub and GitLab) that can be linked to one
// account, logout, and "revoke" that deletes a token.
//
//	go run ./_example/multiuser
//
// Without GITHUB_OAUTH_CLIENT_ID (or GITLAB_OAUTH_CLIENT_ID), that provider
// is dance's fake provider, started in the same process, so the whole app
// works offline. MULTIUSER_DB names the SQLite file (default multiuser.db).
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"strings"

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
	ID    uint
	Name  string
	Email string `gorm:"index"`
}

// OAuth is a link from a local account to a provider account, with its
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
	DB                 *gorm.DB
	GitHub             contrib.GitHubConfig
	GitLab             dance.OAuth2Config
	HashKey, BlockKey  []byte // session cookie keys
	LinkByVerifiedMail bool   // opt in to linking accounts whose verified e-mails match
}

func main() {
	port := or(os.Getenv("PORT"), "8080")
	devserver.Quiet()              // no Gin debug banner unless GIN_MODE asks for it
	dev := devserver.DevProvider() // -dev-provider: development mode, on only when asked
	cfg := Config{GitHub: contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}}, GitLab: gitLab(dev)}
	usingGitHub := devserver.Using("GitHub", "GITHUB_OAUTH_CLIENT_ID", "", dev)
	usingGitLab := devserver.Using("GitLab", "GITLAB_OAUTH_CLIENT_ID", "", dev)
	if os.Getenv("GITHUB_OAUTH_CLIENT_ID") == "" && dev == nil {
		fake := dancetest.NewProvider(dancetest.Config{Consent: true})
		defer fake.Close()
		cfg.GitHub = fakeGitHub(fake)
		usingGitHub = devserver.Using("GitHub", "GITHUB_OAUTH_CLIENT_ID", fake.URL, nil)
	}
	if os.Getenv("GITLAB_OAUTH_CLIENT_ID") == "" && dev == nil {
		fake := dancetest.NewProvider(dancetest.Config{Consent: true, User: fakeGitLabUser})
		defer fake.Close()
		cfg.GitLab = fakeGitLab(fake)
		usingGitLab = devserver.Using("GitLab", "GITLAB_OAUTH_CLIENT_ID", fake.URL, nil)
	}
	db, err := gorm.Open(sqlite.Open("file:"+or(os.Getenv("MULTIUSER_DB"), "multiuser.db")+"?_busy_timeout=5000&_foreign_keys=on"), &gorm.Config{})
	if err != nil {
		log.Fatal(err)
	}
	cfg.DB = db
	cfg.HashKey, cfg.BlockKey = randomKey(), randomKey()
	app, err := newApp(cfg)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(devserver.Serve(port, app, usingGitHub, usingGitLab))
}

// gitLab is a generic blueprint for gitlab.com, with its profile mapping;
// in development mode (dev set), for the development provider's GitLab.
func gitLab(dev *contrib.DevProvider) dance.OAuth2Config {
	host := "https://gitlab.com"
	cfg := dance.OAuth2Config{Name: "gitlab", Scopes: []string{"read_user"}}
	if dev != nil {
		// Development mode points presets only; this generic blueprint
		// is pointed at the development provider's GitLab by hand, with
		// its development credentials.
		host = strings.TrimSuffix(dev.URL, "/") + "/gitlab"
		cfg.ClientID, cfg.ClientSecret = "dance-dev-client", "dance-dev-secret"
	}
	cfg.AuthURL, cfg.TokenURL = host+"/oauth/authorize", host+"/oauth/token"
	cfg.BaseURL = host + "/api/v4/"
	return cfg
}

// fakeGitLabUser is the fake GitLab's user. Its e-mail is the fake
// GitHub user's, to show that matching e-mails do not link accounts.
var fakeGitLabUser = map[string]any{"id": 1234567, "username": "tanuki", "name": "The Tanuki", "email": "octocat@example.com"}

// fakeGitHub points the GitHub preset at a fake provider.
func fakeGitHub(p *dancetest.Provider) contrib.GitHubConfig {
	return contrib.GitHubConfig{
		ClientID:     p.ClientID(),
		ClientSecret: p.ClientSecret(),
		Endpoints:    contrib.Endpoints{AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token"},
		Options:      dance.Options{BaseURL: p.URL + "/"},
	}
}

// fakeGitLab points the GitLab blueprint at a fake provider.
func fakeGitLab(p *dancetest.Provider) dance.OAuth2Config {
	cfg := p.OAuth2Config("gitlab")
	cfg.Scopes = []string{"read_user"}
	return cfg
}

// profile reads the user endpoint of GitHub and GitLab, which agree on
// "id", "name" and "email" ("login" and "username" differ).
func profile(cl *dance.Client) (*dance.Profile, error) {
	var u struct {
		ID            json.Number `json:"id"`
		Login         string      `json:"login"`
		Username      string      `json:"username"`
		Name          string      `json:"name"`
		Email         string      `json:"email"`
		EmailVerified *bool       `json:"email_verified"`
	}
	if err := cl.GetJSON("user", &u); err != nil {
		return nil, err
	}
	if u.ID == "" {
		return nil, errors.New("the provider did not say who the user is")
	}
	return &dance.Profile{ID: u.ID.String(), Login: or(u.Login, u.Username), Name: u.Name, Email: u.Email, EmailVerified: u.EmailVerified}, nil
}

type app struct {
	Config
	store *gormstore.Store
	bps   []*dance.Blueprint
}

const sessionUserKey = "user_id"

// newApp builds the app on cfg.DB, creating its tables.
func newApp(cfg Config) (*gin.Engine, error) {
	a := &app{Config: cfg}
	if err := cfg.DB.AutoMigrate(&User{}, &OAuth{}); err != nil {
		return nil, err
	}
	var err error
	// Tokens are read for the logged-in user.
	a.store, err = gormstore.New(cfg.DB, gormstore.Config{Model: &OAuth{}, User: a.currentUser})
	if err != nil {
		return nil, err
	}
	if err := a.store.Migrate(context.Background()); err != nil {
		return nil, err
	}
	hooks := dance.Hooks{ // one set of hooks for both providers
		OnAuthorized: a.loggedIn,
		OnError: func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
			flash(c, fmt.Sprintf("Login with %s failed: %s", bp.Name(), or(e.Description, e.Code, string(e.Stage))))
		},
	}
	gh := cfg.GitHub
	gh.Storage, gh.Hooks, gh.Profile = a.store, hooks, profile
	github, err := contrib.GitHub(gh)
	if err != nil {
		return nil, err
	}
	gl := cfg.GitLab
	gl.Storage, gl.Hooks, gl.Profile = a.store, hooks, profile
	gitlab, err := dance.NewOAuth2(gl)
	if err != nil {
		return nil, err
	}
	a.bps = []*dance.Blueprint{github, gitlab}

	// Signed and AES-encrypted; HttpOnly, SameSite=Lax; weak keys are refused.
	store, err := sessionstore.NewCookie(sessionstore.Config{HashKey: cfg.HashKey, BlockKey: cfg.BlockKey, MaxAge: 86400 * 7})
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.Use(ginlog.Logger(a.bps...), gin.Recovery()) // an access log without the callback's code and state
	r.Use(sessions.Sessions("multiuser", store))
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
	r.POST("/revoke/:provider", a.revoke)
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

func (a *app) logIn(c *gin.Context, u *User) error {
	c.Set("user", u)
	sess := sessions.Default(c)
	sess.Set(sessionUserKey, u.ID)
	return sess.Save()
}

// errRefused is a login the app turns down with a message to the user.
type errRefused string

func (e errRefused) Error() string { return string(e) }

// loggedIn is the authorized hook: find or create the OAuth row and the
// user, log the user in, and veto the default storage, because the token
// is saved here.
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
			var same User
			if p.Email != "" && tx.Where("email = ?", p.Email).Limit(1).Find(&same).RowsAffected > 0 {
				// Matching e-mails alone do not prove it is the same person
				// (see Auth.js's OAuthAccountNotLinked): link only if the
				// app opted in and the provider verified the address.
				if !a.LinkByVerifiedMail || p.EmailVerified == nil || !*p.EmailVerified {
					return errRefused("An account with this e-mail already exists. Log in with the provider you used before, then link " + bp.Name() + ".")
				}
				user = &same
			} else {
				user = &User{Name: or(p.Name, p.Login), Email: p.Email}
				if err := tx.Create(user).Error; err != nil {
					return err
				}
			}
		}
		if link.ID == 0 {
			// One token per (provider, user): reuse the user's row for this
			// provider if another account of it was linked before.
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
	if err := a.logIn(c, user); err != nil {
		return false, err
	}
	flash(c, "Successfully signed in with "+bp.Name()+".")
	return false, nil // saved above
}

// revoke deletes the current user's token for a provider (a real app
// would also revoke it at the provider first, where possible).
func (a *app) revoke(c *gin.Context) {
	if a.user(c) == nil {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	for _, bp := range a.bps {
		if bp.Name() == c.Param("provider") {
			if err := c.MustGet(bp.Name()).(*dance.Client).DeleteToken(); err != nil {
				c.String(http.StatusInternalServerError, "cannot delete the token")
				return
			}
			flash(c, "Unlinked "+bp.Name()+".")
		}
	}
	c.Redirect(http.StatusSeeOther, "/")
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

// The page's element ids are stable: the browser test (e2e/) uses them.
var home = template.Must(template.New("home").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>dance multi-user</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}.flash{background:#fff3cd;padding:.5em 1em}</style></head><body>
<h1>One account, several providers</h1>
{{range $i, $f := .Flashes}}<p class="flash" id="flash-{{$i}}">{{$f}}</p>{{end}}
{{if .User}}<p id="greeting">Hello, {{.User.Name}} (user {{.User.ID}})</p>
<h2>Linked accounts</h2><ul id="linked">{{range .Linked}}
<li id="linked-{{.}}" data-provider="{{.}}">{{.}} <form method="post" action="/revoke/{{.}}" style="display:inline"><button id="revoke-{{.}}">Revoke</button></form></li>{{end}}
</ul>
{{range .Others}}<p><a class="link" id="link-{{.}}" href="/login/{{.}}">Link {{.}}</a></p>{{end}}
<form method="post" action="/logout"><button id="logout">Log out</button></form>
{{else}}{{range .Others}}<p><a class="login" id="login-{{.}}" href="/login/{{.}}">Log in with {{.}}</a></p>{{end}}{{end}}
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
