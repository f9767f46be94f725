// Command custom logs in with a provider that has no preset: a blueprint
// built with the generic dance.NewOAuth2.
//
//	go run ./_example/custom
//
// Without credentials it starts dance's fake provider and points the
// blueprint at it. To use a real provider, set
//
//	OAUTH_EXAMPLE_OAUTH_CLIENT_ID, OAUTH_EXAMPLE_OAUTH_CLIENT_SECRET
//	OAUTH_EXAMPLE_BASE_URL     the provider's base URL, e.g. https://oauth-example.com/
//	OAUTH_EXAMPLE_AUTH_URL     default "login/authorize" (relative to the base URL)
//	OAUTH_EXAMPLE_TOKEN_URL    default "login/access_token"
//	OAUTH_EXAMPLE_USER_URL     the identity endpoint, default "user"
//	OAUTH_EXAMPLE_SCOPES       space-separated, default none
//
// and register http://localhost:8080/login/oauth-example/authorized as the
// callback URL.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/_example/devserver"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/ginlog"
	"github.com/gin-dance/dance/sessionstore"
	"github.com/gin-gonic/gin"
)

// name is the blueprint's name: its routes are /login/oauth-example and
// /login/oauth-example/authorized, and its client is in the gin.Context
// under this name.
const name = "oauth-example"

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	devserver.Quiet() // no Gin debug banner unless GIN_MODE asks for it
	cfg, userURL := envConfig(os.Getenv)
	using := devserver.Using("the provider", "OAUTH_EXAMPLE_OAUTH_CLIENT_ID", "", nil)
	if os.Getenv("OAUTH_EXAMPLE_OAUTH_CLIENT_ID") == "" {
		fake := dancetest.NewProvider(dancetest.Config{Consent: true})
		defer fake.Close()
		cfg, userURL = fakeConfig(fake)
		using = devserver.Using("the provider", "OAUTH_EXAMPLE_OAUTH_CLIENT_ID", fake.URL, nil)
	}
	hashKey, blockKey := sessionKeys()
	app, err := newApp(cfg, userURL, hashKey, blockKey)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(devserver.Serve(port, app.Engine, using))
}

// envConfig is the blueprint for a real provider, from the environment.
// The client ID and secret are left empty: NewOAuth2 reads them from
// OAUTH_EXAMPLE_OAUTH_CLIENT_ID and _SECRET, named after the blueprint.
func envConfig(getenv func(string) string) (cfg dance.OAuth2Config, userURL string) {
	return dance.OAuth2Config{
		Name:     name,
		Scopes:   strings.Fields(getenv("OAUTH_EXAMPLE_SCOPES")),
		AuthURL:  or(getenv("OAUTH_EXAMPLE_AUTH_URL"), "login/authorize"),
		TokenURL: or(getenv("OAUTH_EXAMPLE_TOKEN_URL"), "login/access_token"),
		Options:  dance.Options{BaseURL: getenv("OAUTH_EXAMPLE_BASE_URL")},
	}, or(getenv("OAUTH_EXAMPLE_USER_URL"), "user")
}

// fakeConfig is the blueprint for the fake provider: the same shape, with
// the fake's credentials and URLs relative to its base URL.
func fakeConfig(p *dancetest.Provider) (cfg dance.OAuth2Config, userURL string) {
	return dance.OAuth2Config{
		Name:         name,
		ClientID:     p.ClientID(),
		ClientSecret: p.ClientSecret(),
		Scopes:       []string{"read:user"},
		AuthURL:      "authorize",
		TokenURL:     "token",
		Options:      dance.Options{BaseURL: p.URL + "/"},
	}, "user"
}

// app is the example: its router, its blueprint and its session store.
type app struct {
	Engine    *gin.Engine
	Blueprint *dance.Blueprint
	Store     sessions.Store
}

// sessionName is the name of the example's session cookie.
const sessionName = "custom-example"

// newApp is the whole app: the generic OAuth 2 blueprint, with a profile
// mapping for the provider's identity endpoint (userURL), an error hook,
// and a home page.
func newApp(cfg dance.OAuth2Config, userURL string, hashKey, blockKey []byte) (*app, error) {
	// What a preset would do: tell dance how to ask the provider who the
	// user is, so that Client.Profile works.
	cfg.Profile = func(cl *dance.Client) (*dance.Profile, error) {
		var u map[string]any
		if err := cl.GetJSON(userURL, &u); err != nil {
			return nil, err
		}
		str := func(k string) string { s, _ := u[k].(string); return s }
		return &dance.Profile{ID: fmt.Sprint(u["id"]), Login: str("login"), Name: str("name"), Email: str("email"), Raw: u}, nil
	}
	cfg.Hooks.OnError = func(c *gin.Context, _ *dance.Blueprint, e *dance.Error) {
		sess := sessions.Default(c)
		sess.AddFlash("Login with OAuth Example failed: " + or(e.Description, e.Code, string(e.Stage)))
		_ = sess.Save()
	}
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		return nil, err
	}

	// Signed and AES-encrypted; HttpOnly, SameSite=Lax; weak keys are refused.
	store, err := sessionstore.NewCookie(sessionstore.Config{HashKey: hashKey, BlockKey: blockKey, MaxAge: 86400 * 7})
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.Use(ginlog.Logger(bp), gin.Recovery()) // an access log without the callback's code and state
	r.Use(sessions.Sessions(sessionName, store))
	bp.Register(r.Group("/login"))
	r.Use(bp.Middleware())

	r.GET("/", func(c *gin.Context) {
		sess := sessions.Default(c)
		page := homePage{Flashes: sess.Flashes()}
		_ = sess.Save()
		cl := c.MustGet(name).(*dance.Client)
		if ok, err := cl.Authorized(); err != nil {
			c.String(http.StatusInternalServerError, "cannot read your session: %v", err)
			return
		} else if ok {
			if page.Profile, err = cl.Profile(); err != nil {
				c.String(http.StatusBadGateway, "OAuth Example API: %v", err)
				return
			}
		}
		c.Status(http.StatusOK)
		c.Header("Content-Type", "text/html; charset=utf-8")
		_ = home.Execute(c.Writer, page)
	})
	r.POST("/logout", func(c *gin.Context) {
		_ = c.MustGet(name).(*dance.Client).DeleteToken()
		c.Redirect(http.StatusSeeOther, "/")
	})
	return &app{Engine: r, Blueprint: bp, Store: store}, nil
}

type homePage struct {
	Profile *dance.Profile
	Flashes []any
}

var home = template.Must(template.New("home").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>dance: a custom provider</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}.flash{background:#fff3cd;padding:.5em 1em}</style></head><body>
<h1>A custom OAuth 2 provider</h1>
{{range .Flashes}}<p class="flash" id="flash">{{.}}</p>{{end}}
{{with .Profile}}<p id="greeting">You are {{or .Login .Name .ID}} at OAuth Example</p>
<p id="name">{{.Name}}</p>
<form method="post" action="/logout"><button id="logout">Log out</button></form>
{{else}}<p><a id="login" href="/login/oauth-example">Log in with OAuth Example</a></p>{{end}}
</body></html>`))

// sessionKeys returns the cookie keys: from SESSION_HASH_KEY and
// SESSION_BLOCK_KEY (hex) when set, else fresh random ones, so sessions
// end when the process does.
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
