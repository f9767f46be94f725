// Command twitter is "Log in with Twitter": an OAuth 1.0a login, signed
// with HMAC-SHA1, through the contrib.Twitter preset.
//
//	go run ./_example/twitter
//
// With TWITTER_OAUTH_CLIENT_KEY and TWITTER_OAUTH_CLIENT_SECRET set (the
// app's API key and secret), it talks to Twitter (register
// http://localhost:8080/login/twitter/authorized as the callback URL).
// Without them, it starts dance's fake OAuth 1 provider in the same
// process, with a consent page, so you can click through the dance offline.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
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
	cfg := contrib.TwitterConfig{OAuth1Endpoints: contrib.OAuth1Endpoints{Dev: dev}}
	using := devserver.Using("Twitter", "TWITTER_OAUTH_CLIENT_KEY", "", dev)
	if os.Getenv("TWITTER_OAUTH_CLIENT_KEY") == "" && dev == nil {
		fake := dancetest.NewOAuth1Provider(dancetest.OAuth1Config{Consent: true})
		defer fake.Close()
		cfg = fakeTwitter(fake)
		using = devserver.Using("Twitter", "TWITTER_OAUTH_CLIENT_KEY", fake.URL, nil)
	}
	hashKey, blockKey := sessionKeys()
	app, err := newApp(cfg, hashKey, blockKey)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(devserver.Serve(port, app.Engine, using))
}

// fakeTwitter points the Twitter preset at a fake OAuth 1 provider. The
// fake serves Twitter's paths, so only the hosts change.
func fakeTwitter(p *dancetest.OAuth1Provider) contrib.TwitterConfig {
	return contrib.TwitterConfig{
		APIKey:    p.ConsumerKey(),
		APISecret: p.ConsumerSecret(),
		OAuth1Endpoints: contrib.OAuth1Endpoints{
			RequestTokenURL: p.URL + "/oauth/request_token",
			AuthURL:         p.URL + "/oauth/authorize",
			AccessTokenURL:  p.URL + "/oauth/access_token",
		},
		Options: dance.Options{BaseURL: p.URL + "/1.1/"},
	}
}

// app is the example: its router, its Twitter blueprint and its session
// store (the tests use the last two to log a user in without a dance).
type app struct {
	Engine  *gin.Engine
	Twitter *dance.Blueprint
	Store   sessions.Store
}

// sessionName is the name of the example's session cookie.
const sessionName = "twitter-example"

// newApp is the whole app: an encrypted cookie session, the Twitter
// blueprint under /login, and a home page that greets the user.
func newApp(cfg contrib.TwitterConfig, hashKey, blockKey []byte) (*app, error) {
	// Tell the user what went wrong, then let dance redirect home.
	cfg.Hooks.OnError = func(c *gin.Context, _ *dance.Blueprint, e *dance.Error) {
		msg := or(e.Description, e.Code, string(e.Stage))
		if errors.Is(e, dance.ErrDenied) {
			msg = "you did not authorize this app."
		}
		sess := sessions.Default(c)
		sess.AddFlash("Login with Twitter failed: " + msg)
		_ = sess.Save()
	}
	twitter, err := contrib.Twitter(cfg)
	if err != nil {
		return nil, err
	}

	// Signed and AES-encrypted; HttpOnly, SameSite=Lax; weak keys are refused.
	store, err := sessionstore.NewCookie(sessionstore.Config{HashKey: hashKey, BlockKey: blockKey, MaxAge: 86400 * 7})
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.Use(ginlog.Logger(twitter), gin.Recovery()) // an access log without the callback's code and state
	r.Use(sessions.Sessions(sessionName, store))
	twitter.Register(r.Group("/login"))
	r.Use(twitter.Middleware())

	r.GET("/", func(c *gin.Context) {
		sess := sessions.Default(c)
		page := homePage{Flashes: sess.Flashes()}
		_ = sess.Save()
		tw := c.MustGet("twitter").(*dance.Client)
		if ok, err := tw.Authorized(); err != nil {
			c.String(http.StatusInternalServerError, "cannot read your session: %v", err)
			return
		} else if ok {
			// Every call is signed with the user's token and secret.
			var user struct {
				ScreenName string `json:"screen_name"`
				Name       string `json:"name"`
			}
			if err := tw.GetJSON("account/verify_credentials.json", &user); err != nil {
				c.String(http.StatusBadGateway, "Twitter API: %v", err)
				return
			}
			page.ScreenName, page.Name = user.ScreenName, user.Name
		}
		c.Status(http.StatusOK)
		c.Header("Content-Type", "text/html; charset=utf-8")
		_ = home.Execute(c.Writer, page)
	})
	r.POST("/logout", func(c *gin.Context) {
		_ = c.MustGet("twitter").(*dance.Client).DeleteToken()
		c.Redirect(http.StatusSeeOther, "/")
	})
	return &app{Engine: r, Twitter: twitter, Store: store}, nil
}

type homePage struct {
	ScreenName, Name string
	Flashes          []any
}

var home = template.Must(template.New("home").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>dance: Twitter (OAuth 1)</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}.flash{background:#fff3cd;padding:.5em 1em}</style></head><body>
<h1>Log in with Twitter (OAuth 1)</h1>
{{range .Flashes}}<p class="flash" id="flash">{{.}}</p>{{end}}
{{if .ScreenName}}<p id="greeting">You are @{{.ScreenName}} on Twitter</p>
<p id="name">{{.Name}}</p>
<form method="post" action="/logout"><button id="logout">Log out</button></form>
{{else}}<p><a id="login" href="/login/twitter">Log in with Twitter</a></p>{{end}}
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
