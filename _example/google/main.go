// Command google is "Log in with Google" with offline access: it asks for
// a refresh token, verifies the OpenID Connect ID token, shows its claims
// and the user's profile, and refreshes the access token when it expires.
//
//	go run ./_example/google
//
// With GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET set, it talks
// to Google (register http://localhost:8080/login/google/authorized as a
// redirect URI). Without them, it starts dance's fake provider in the same
// process, dressed as Google (see fakeGoogle), so you can click through
// the whole dance offline.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"html/template"
	"log"
	"net/http"
	"os"
	"time"

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
	cfg := contrib.GoogleConfig{Endpoints: contrib.Endpoints{Dev: dev}}
	using := devserver.Using("Google", "GOOGLE_OAUTH_CLIENT_ID", "", dev)
	if os.Getenv("GOOGLE_OAUTH_CLIENT_ID") == "" && dev == nil {
		fake := newFake()
		defer fake.Close()
		cfg = fakeGoogle(fake)
		using = devserver.Using("Google", "GOOGLE_OAUTH_CLIENT_ID", fake.URL, nil)
	}
	hashKey, blockKey := sessionKeys()
	app, err := newApp(cfg, hashKey, blockKey)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(devserver.Serve(port, app.Engine, using))
}

// fakeUser is the fake's user, in the shape of Google's userinfo answer.
var fakeUser = map[string]any{
	"id": "108204268033311374519", "name": "Ada Lovelace", "email": "ada@example.com",
	"verified_email": true, "picture": "https://example.com/ada.png",
}

// newFake starts a fake provider that can stand in for Google: a consent
// page, refresh tokens, ID tokens with Google's issuer, its key set at
// Google's JWKS path, and Google's userinfo endpoint.
func newFake() *dancetest.Provider {
	return dancetest.NewProvider(dancetest.Config{
		Consent:      true,
		RefreshToken: true,
		User:         fakeUser,
		Issuer:       "https://accounts.google.com",
		JWKSPath:     "/oauth2/v3/certs",
		Paths:        map[string]any{"/oauth2/v2/userinfo": fakeUser},
	})
}

// fakeGoogle points the Google preset at the fake. The browser must reach
// the authorization page, so AuthURL is the fake's; the fake answers at
// /token, so TokenURL (and with it the refresh URL) is the fake's too.
// Everything else keeps Google's real URLs (the JWKS at
// https://www.googleapis.com/oauth2/v3/certs, the userinfo endpoint, the
// revocation endpoint), and the fake's StandIn client carries those calls
// to the fake: so the ID token is verified exactly as for Google, against
// issuer https://accounts.google.com and the keys fetched from Google's
// JWKS URL.
func fakeGoogle(p *dancetest.Provider) contrib.GoogleConfig {
	return contrib.GoogleConfig{
		ClientID:     p.ClientID(),
		ClientSecret: p.ClientSecret(),
		Endpoints:    contrib.Endpoints{AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token"},
		Options:      dance.Options{HTTPClient: p.StandIn()},
	}
}

// app is the example: its router, its Google blueprint and its session
// store (the tests use the last two to log a user in without a dance).
type app struct {
	Engine *gin.Engine
	Google *dance.Blueprint
	Store  sessions.Store
}

// sessionName is the name of the example's session cookie.
const sessionName = "google-example"

// newApp is the whole app: an encrypted cookie session, the Google
// blueprint under /login with offline access and OpenID Connect, and a
// home page that shows who you are.
func newApp(cfg contrib.GoogleConfig, hashKey, blockKey []byte) (*app, error) {
	cfg.Scopes = []string{"openid", "email", "profile"} // "openid": ID tokens, verified
	cfg.Offline = true                                  // a refresh token, and refresh when expired
	cfg.RepromptConsent = true                          // Google sends a refresh token on consent only
	// Tell the user what went wrong, then let dance redirect home.
	cfg.Hooks.OnError = func(c *gin.Context, _ *dance.Blueprint, e *dance.Error) {
		msg := "Login with Google failed: " + or(e.Description, e.Code, string(e.Stage))
		switch e.Stage {
		case dance.StageRefresh:
			msg = "Could not refresh your Google token; please log in again."
		case dance.StageToken: // the token, or its ID token, did not come through
			msg = "Login with Google failed: Google did not complete the login."
		}
		flash(c, msg)
	}
	// The access token expired and dance refreshed it (and saved it).
	cfg.Hooks.OnTokenRefreshed = func(c *gin.Context, _ *dance.Blueprint, _, tok *dance.Token) {
		flash(c, "Your access token had expired; dance refreshed it. It is good until "+tok.ExpiresAt.Format(time.TimeOnly)+".")
	}
	google, err := contrib.Google(cfg)
	if err != nil {
		return nil, err
	}

	// Signed and AES-encrypted; HttpOnly, SameSite=Lax; weak keys are refused.
	store, err := sessionstore.NewCookie(sessionstore.Config{HashKey: hashKey, BlockKey: blockKey, MaxAge: 86400 * 7})
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.Use(ginlog.Logger(google), gin.Recovery()) // an access log without the callback's code and state
	r.Use(sessions.Sessions(sessionName, store))
	google.Register(r.Group("/login"))
	r.Use(google.Middleware())

	r.GET("/", homeHandler)
	// Make the stored access token look expired, as if an hour had passed;
	// the home page's next API call then refreshes it.
	r.POST("/expire", func(c *gin.Context) {
		g := c.MustGet("google").(*dance.Client)
		if tok, err := g.Token(); err == nil && tok != nil {
			stale := tok.Clone()
			stale.ExpiresAt = time.Now().Add(-time.Minute)
			if err := g.SetToken(stale); err != nil {
				c.String(http.StatusInternalServerError, "cannot save your session: %v", err)
				return
			}
		}
		c.Redirect(http.StatusSeeOther, "/")
	})
	// Log out: revoke the grant at Google, and forget the token even if
	// that fails.
	r.POST("/logout", func(c *gin.Context) {
		g := c.MustGet("google").(*dance.Client)
		if err := g.Revoke(); err != nil {
			_ = g.DeleteToken()
			if !errors.Is(err, dance.ErrRevocationUnsupported) {
				flash(c, "Logged out, but Google did not confirm the revocation.")
			}
		}
		c.Redirect(http.StatusSeeOther, "/")
	})
	return &app{Engine: r, Google: google, Store: store}, nil
}

// homeHandler shows who the user is: the profile, the verified ID token's
// claims, and when the access token expires.
func homeHandler(c *gin.Context) {
	g := c.MustGet("google").(*dance.Client)
	var page homePage
	if ok, err := g.Authorized(); err != nil {
		c.String(http.StatusInternalServerError, "cannot read your session: %v", err)
		return
	} else if ok {
		// The first API call refreshes an expired token.
		prof, err := g.Profile()
		if err != nil {
			c.String(http.StatusBadGateway, "Google API: %v", err)
			return
		}
		page.Profile = prof
		if v := prof.EmailVerified; v != nil {
			page.Verified = map[bool]string{true: "yes", false: "no"}[*v]
		}
		// Verified at login (signature, iss, aud, exp, nonce).
		if page.Claims, err = g.Claims(); err != nil {
			c.String(http.StatusInternalServerError, "no ID token claims: %v", err)
			return
		}
		if tok, _ := g.Token(); tok != nil && !tok.ExpiresAt.IsZero() {
			page.Expires = tok.ExpiresAt.Format(time.TimeOnly)
			page.Refreshable = tok.RefreshToken != ""
		}
	}
	sess := sessions.Default(c)
	page.Flashes = sess.Flashes()
	_ = sess.Save()
	c.Status(http.StatusOK)
	c.Header("Content-Type", "text/html; charset=utf-8")
	_ = home.Execute(c.Writer, page)
}

func flash(c *gin.Context, msg string) {
	sess := sessions.Default(c)
	sess.AddFlash(msg)
	_ = sess.Save()
}

type homePage struct {
	Profile     *dance.Profile
	Claims      dance.Claims
	Verified    string // "yes", "no", or "" when Google does not say
	Expires     string
	Refreshable bool
	Flashes     []any
}

var home = template.Must(template.New("home").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>dance: Google</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}.flash{background:#fff3cd;padding:.5em 1em}td{padding:0 1em 0 0}</style></head><body>
<h1>Log in with Google</h1>
{{range .Flashes}}<p class="flash" id="flash">{{.}}</p>{{end}}
{{with .Profile}}<p id="greeting">You are {{.Name}} &lt;{{.Email}}&gt; on Google</p>
<h2>Profile</h2>
<table id="profile">
<tr><td>ID</td><td>{{.ID}}</td></tr>
<tr><td>Name</td><td>{{.Name}}</td></tr>
<tr><td>Email</td><td>{{.Email}}</td></tr>
<tr><td>Email verified</td><td>{{$.Verified}}</td></tr>
</table>{{end}}
{{if .Claims}}<h2>Verified ID token claims</h2>
<table id="claims">
<tr><td>iss</td><td id="claim-iss">{{index .Claims "iss"}}</td></tr>
<tr><td>sub</td><td id="claim-sub">{{index .Claims "sub"}}</td></tr>
<tr><td>email</td><td id="claim-email">{{index .Claims "email"}}</td></tr>
<tr><td>name</td><td id="claim-name">{{index .Claims "name"}}</td></tr>
</table>{{end}}
{{if .Profile}}<h2>Token</h2>
<p id="expiry">{{if .Expires}}The access token is good until {{.Expires}}{{else}}The access token does not expire{{end}}{{if .Refreshable}}, and dance will refresh it then{{end}}.</p>
<form method="post" action="/expire"><button id="expire">Expire it now</button></form>
<form method="post" action="/logout"><button id="logout">Log out</button></form>
{{else}}<p><a id="login" href="/login/google">Log in with Google</a></p>{{end}}
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
