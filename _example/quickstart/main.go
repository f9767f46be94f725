// Command quickstart is the smallest dance app: "Log in with GitHub".
//
//	go run ./_example/quickstart
//
// With GITHUB_OAUTH_CLIENT_ID and GITHUB_OAUTH_CLIENT_SECRET set, it talks
// to GitHub (register http://localhost:8080/login/github/authorized as the
// callback URL). Without them, it starts dance's fake provider in the same
// process, so you can click through the whole dance offline.
package main

import (
	"crypto/rand"
	"encoding/hex"
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
	"github.com/gin-gonic/gin"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	devserver.Quiet()              // no Gin debug banner unless GIN_MODE asks for it
	dev := devserver.DevProvider() // -dev-provider: development mode, on only when asked
	cfg := contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}}
	using := devserver.Using("GitHub", "GITHUB_OAUTH_CLIENT_ID", "", dev)
	if os.Getenv("GITHUB_OAUTH_CLIENT_ID") == "" && dev == nil {
		fake := dancetest.NewProvider(dancetest.Config{Consent: true})
		defer fake.Close()
		cfg = fakeGitHub(fake)
		using = devserver.Using("GitHub", "GITHUB_OAUTH_CLIENT_ID", fake.URL, nil)
	}
	hashKey, blockKey := sessionKeys()
	app, err := newApp(cfg, hashKey, blockKey)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(devserver.Serve(port, app.Engine, using)) // first line: "open http://localhost:8080/"
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

// app is the quickstart: its router, its GitHub blueprint and its session
// store (the tests use the last two to log a user in without a dance).
type app struct {
	Engine *gin.Engine
	GitHub *dance.Blueprint
	Store  sessions.Store
}

// sessionName is the name of the quickstart's session cookie.
const sessionName = "quickstart"

// newApp is the whole app: an encrypted cookie session, the GitHub
// blueprint under /login, and a home page that greets the user.
func newApp(cfg contrib.GitHubConfig, hashKey, blockKey []byte) (*app, error) {
	// Tell the user what went wrong, then let dance redirect home.
	cfg.Hooks.OnError = func(c *gin.Context, _ *dance.Blueprint, e *dance.Error) {
		sess := sessions.Default(c)
		sess.AddFlash("Login with GitHub failed: " + or(e.Description, e.Code, string(e.Stage)))
		_ = sess.Save()
	}
	github, err := contrib.GitHub(cfg)
	if err != nil {
		return nil, err
	}

	// Signed and AES-encrypted; HttpOnly, SameSite=Lax; weak keys are refused.
	store, err := sessionstore.NewCookie(sessionstore.Config{HashKey: hashKey, BlockKey: blockKey, MaxAge: 86400 * 7})
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.Use(ginlog.Logger(github), gin.Recovery()) // an access log without the callback's code and state
	r.Use(sessions.Sessions(sessionName, store))
	github.Register(r.Group("/login"))
	r.Use(github.Middleware())

	r.GET("/", func(c *gin.Context) {
		sess := sessions.Default(c)
		page := homePage{Flashes: sess.Flashes()}
		_ = sess.Save()
		gh := c.MustGet("github").(*dance.Client)
		if ok, err := gh.Authorized(); err != nil {
			c.String(http.StatusInternalServerError, "cannot read your session: %v", err)
			return
		} else if ok {
			var user struct{ Login string }
			if err := gh.GetJSON("user", &user); err != nil {
				c.String(http.StatusBadGateway, "GitHub API: %v", err)
				return
			}
			page.Login = user.Login
		}
		c.Status(http.StatusOK)
		c.Header("Content-Type", "text/html; charset=utf-8")
		_ = home.Execute(c.Writer, page)
	})
	// A page only for logged-in users: Required sends the others to log
	// in, and back here afterwards.
	r.GET("/me", github.Required(), func(c *gin.Context) {
		var user map[string]any
		if err := c.MustGet("github").(*dance.Client).GetJSON("user", &user); err != nil {
			c.String(http.StatusBadGateway, "GitHub API: %v", err)
			return
		}
		c.JSON(http.StatusOK, user)
	})
	r.POST("/logout", func(c *gin.Context) {
		_ = c.MustGet("github").(*dance.Client).DeleteToken()
		c.Redirect(http.StatusSeeOther, "/")
	})
	return &app{Engine: r, GitHub: github, Store: store}, nil
}

type homePage struct {
	Login   string
	Flashes []any
}

var home = template.Must(template.New("home").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>dance quickstart</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}.flash{background:#fff3cd;padding:.5em 1em}</style></head><body>
<h1>dance quickstart: log in with GitHub</h1>
{{range .Flashes}}<p class="flash" id="flash">{{.}}</p>{{end}}
{{if .Login}}<p id="greeting">You are @{{.Login}} on GitHub</p>
<form method="post" action="/logout"><button>Log out</button></form>
{{else}}<p><a id="login" href="/login/github">Log in with GitHub</a></p>{{end}}
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
