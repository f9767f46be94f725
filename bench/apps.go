// Package bench measures dance against a hand-written Gin "floor" and
// against markbates/goth (gothic), on the same workloads, the same fake
// provider and the same cookie store. Absolute times on a shared machine are
// noise, so every number it reports is a ratio between contenders measured
// in the same run.
//
// The micro benchmarks are in bench_test.go; ./load drives the same apps
// over loopback with concurrent keep-alive clients; ./table turns
// `go test -bench` output into the budget table.
package bench

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	gsessions "github.com/gorilla/sessions"
	"github.com/markbates/goth"
	"github.com/markbates/goth/gothic"
	"github.com/markbates/goth/providers/github"
	"golang.org/x/oauth2"
)

// The contenders.
const (
	Floor = "floor"
	// FloorSession is the floor of W3 reading the bearer token from the
	// session cookie, as dance must, instead of using a static one.
	FloorSession = "floor-session"
	// FloorPKCE is the floor with PKCE, for W1 and W2.
	FloorPKCE = "floor-pkce"
	Dance     = "dance"
	Goth      = "goth"
)

// SessionCookie is the name of the gin-contrib/sessions cookie that the
// floor and dance share.
const SessionCookie = "session"

// tokenKey is where dance's session storage keeps the token; the floor
// stores and checks the same key, so both can read the same cookie.
var sessionTokenKey = strings.ReplaceAll(storage.DefaultSessionKey, "{name}", "github")

// sessionKeys are the cookie store's keys: HMAC-SHA256 authentication and
// AES-256 encryption, fixed so that runs are repeatable.
var sessionKeys = [][]byte{
	[]byte("bench-hash-key-0123456789abcdef!"),
	[]byte("bench-block-key-0123456789abcde!"),
}

// cookieOptions are the same for every contender.
var cookieOptions = sessions.Options{Path: "/", MaxAge: 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode}

func init() { gin.SetMode(gin.ReleaseMode) }

// Env is what every contender shares: the fake provider on a loopback TLS
// server and one keep-alive client that trusts it.
type Env struct {
	Provider *dancetest.Provider
	// Client reaches the provider over one shared keep-alive transport.
	Client *http.Client
	// Cookie is an authorized dance session cookie ("session=…"), the
	// result of one real dance. The floor reads the same cookie.
	Cookie string
	// Token is an access token the provider accepts: the floor's static
	// bearer token for W3.
	Token string
	// W6 is the GORM storage setup of W6, or nil when W6 is not run.
	W6 *W6Env
}

// NewEnv starts the fake provider. Close it when done.
func NewEnv() *Env {
	p := dancetest.NewTLSProvider(dancetest.Config{DiscardRequests: true})
	tr := p.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConns = 512
	tr.MaxIdleConnsPerHost = 512
	return &Env{Provider: p, Client: &http.Client{Transport: tr}, Token: p.IssueToken()}
}

// Close stops the provider and drops idle connections.
func (e *Env) Close() {
	e.Client.CloseIdleConnections()
	e.Provider.Close()
}

// App is one contender's Gin app.
type App struct {
	Name    string
	Handler http.Handler
	// Cookie is the name of the cookie that carries the login flow.
	Cookie string
	// Workloads are the workloads the contender takes part in.
	Workloads []Workload
	// MePath is the W3 route; default "/me".
	MePath string
}

// Has reports whether the app takes part in w.
func (a *App) Has(w Workload) bool {
	for _, x := range a.Workloads {
		if x == w {
			return true
		}
	}
	return false
}

// Apps builds the three contenders. The dance app is driven through one
// real dance to get the authorized cookie that W3–W5 use.
func (e *Env) Apps() ([]*App, error) {
	d, err := e.Dance()
	if err != nil {
		return nil, err
	}
	if e.Cookie == "" {
		ck, err := e.authorizedCookie(d)
		if err != nil {
			return nil, err
		}
		e.Cookie = ck
	}
	f := e.Floor()
	// The floor's W3 with the token read from the same session cookie.
	fs := &App{Name: FloorSession, Handler: f.Handler, Cookie: f.Cookie, Workloads: []Workload{W3}, MePath: "/me/session"}
	return []*App{f, fs, e.FloorPKCE(), d, e.Goth()}, nil
}

func (e *Env) authorizedCookie(d *App) (string, error) {
	s := Recorder{d.Handler}
	ck, _, err := RunDance(e, d, s, true)
	return ck, err
}

func newStore() sessions.Store {
	st := cookie.NewStore(sessionKeys...)
	st.Options(cookieOptions)
	return st
}

// Floor is hand-written Gin code doing the minimum by hand: the speed limit
// for what dance does.
func (e *Env) Floor() *App { return e.floor(false) }

// FloorPKCE is the floor of W1 and W2 with PKCE as x/oauth2 offers it
// (GenerateVerifier, S256ChallengeOption, VerifierOption), the verifier
// kept in the session beside the state: what a careful engineer writes by
// hand today, and what dance does by default. It tells the price of PKCE
// apart from dance's own.
func (e *Env) FloorPKCE() *App {
	a := e.floor(true)
	a.Name, a.Workloads = FloorPKCE, []Workload{W1, W2}
	return a
}

// floorLogin is the floor's login route: a random state (and a PKCE
// verifier) in the session, and x/oauth2's authorization URL.
func floorLogin(cfg *oauth2.Config, pkce bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		b := make([]byte, 32)
		rand.Read(b)
		state := base64.RawURLEncoding.EncodeToString(b)
		sess := sessions.Default(c)
		sess.Set("state", state)
		var opts []oauth2.AuthCodeOption
		if pkce {
			verifier := oauth2.GenerateVerifier()
			sess.Set("verifier", verifier)
			opts = append(opts, oauth2.S256ChallengeOption(verifier))
		}
		if err := sess.Save(); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.Redirect(http.StatusFound, cfg.AuthCodeURL(state, opts...))
	}
}

// floorCallback is the floor's callback: the state checked in constant
// time, x/oauth2's exchange through hc, the access token in the session.
func floorCallback(cfg *oauth2.Config, pkce bool, hc *http.Client) gin.HandlerFunc {
	return func(c *gin.Context) {
		sess := sessions.Default(c)
		want, _ := sess.Get("state").(string)
		if want == "" || subtle.ConstantTimeCompare([]byte(c.Query("state")), []byte(want)) != 1 {
			c.AbortWithStatus(http.StatusForbidden)
			return
		}
		sess.Delete("state")
		var opts []oauth2.AuthCodeOption
		if pkce {
			verifier, _ := sess.Get("verifier").(string)
			sess.Delete("verifier")
			opts = append(opts, oauth2.VerifierOption(verifier))
		}
		ctx := context.WithValue(c.Request.Context(), oauth2.HTTPClient, hc)
		tok, err := cfg.Exchange(ctx, c.Query("code"), opts...)
		if err != nil {
			c.AbortWithStatus(http.StatusBadGateway)
			return
		}
		sess.Set(sessionTokenKey, tok.AccessToken)
		if err := sess.Save(); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.Redirect(http.StatusFound, "/")
	}
}

func (e *Env) floor(pkce bool) *App {
	p := e.Provider
	cfg := &oauth2.Config{
		ClientID:     p.ClientID(),
		ClientSecret: p.ClientSecret(),
		Endpoint:     oauth2.Endpoint{AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token", AuthStyle: oauth2.AuthStyleInHeader},
		RedirectURL:  "http://example.com/login/github/authorized",
	}
	// One shared client with a static bearer token (W3).
	api := &http.Client{Transport: &bearer{token: e.Token, base: e.Client.Transport}}
	userURL := p.URL + "/user"

	r := gin.New()
	r.Use(sessions.Sessions(SessionCookie, newStore()))
	r.GET("/login/github", floorLogin(cfg, pkce))
	r.GET("/login/github/authorized", floorCallback(cfg, pkce, e.Client))
	r.GET("/", func(c *gin.Context) {
		if sessions.Default(c).Get(sessionTokenKey) == nil {
			c.String(http.StatusUnauthorized, "not authorized")
			return
		}
		c.String(http.StatusOK, "authorized")
	})
	r.GET("/me", func(c *gin.Context) {
		req, _ := http.NewRequestWithContext(c.Request.Context(), http.MethodGet, userURL, nil)
		resp, err := api.Do(req)
		proxy(c, resp, err)
	})
	// The same call with the token read from the session cookie, as a
	// hand-written app would: the like-for-like floor for dance's W3.
	r.GET("/me/session", func(c *gin.Context) {
		tok, ok := sessions.Default(c).Get(sessionTokenKey).(string)
		if !ok {
			c.String(http.StatusUnauthorized, "not authorized")
			return
		}
		req, _ := http.NewRequestWithContext(c.Request.Context(), http.MethodGet, userURL, nil)
		req.Header.Set("Authorization", "Bearer "+accessToken(tok))
		resp, err := e.Client.Do(req)
		proxy(c, resp, err)
	})
	r.GET("/plain", plain)
	return &App{Name: Floor, Handler: r, Cookie: SessionCookie, Workloads: []Workload{W1, W2, W3, W4, W5}}
}

// bearer adds a static bearer token.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (t *bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+t.token)
	return t.base.RoundTrip(r)
}

// quiet is the logger of the dance contenders: Warn and above, discarded.
// The floor logs nothing, and a benchmark's output must hold only its
// results (dance logs each completed login at Info).
var quiet = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))

// Dance is the same app written with dance, in its default configuration
// (session storage, PKCE on) except for the shared HTTP client and the
// quiet logger.
func (e *Env) Dance() (*App, error) {
	cfg := e.Provider.OAuth2Config("github")
	cfg.HTTPClient = e.Client
	cfg.Logger = quiet
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.Use(sessions.Sessions(SessionCookie, newStore()))
	bp.Register(r.Group("/login"))
	g := r.Group("/", bp.Middleware())
	g.GET("/", authorized)
	g.GET("/me", func(c *gin.Context) {
		cl := c.MustGet("github").(*dance.Client)
		req, err := cl.NewRequest(http.MethodGet, "user", nil)
		if err != nil {
			proxy(c, nil, err)
			return
		}
		resp, err := cl.Do(req)
		proxy(c, resp, err)
	})
	g.GET("/plain", plain)
	return &App{Name: Dance, Handler: r, Cookie: SessionCookie, Workloads: []Workload{W1, W2, W3, W4, W5}}, nil
}

// Goth is goth/gothic wired into Gin as its README shows: BeginAuthHandler
// and CompleteUserAuth, with the provider name taken from the route. Its
// cookie store is gorilla's CookieStore (which gin-contrib/sessions' cookie
// store wraps) with the same keys and options. goth has no API client or
// authorized check, so it takes part in W1 and W2 only.
//
// goth keeps its providers and store in package globals, so only the last
// Env's goth app works.
func (e *Env) Goth() *App {
	p := e.Provider
	gp := github.NewCustomisedURL(p.ClientID(), p.ClientSecret(), "http://example.com/login/github/authorized",
		p.URL+"/authorize", p.URL+"/token", p.URL+"/user", p.URL+"/user/emails")
	gp.HTTPClient = e.Client
	goth.UseProviders(gp)
	st := gsessions.NewCookieStore(sessionKeys...)
	st.Options = cookieOptions.ToGorillaOptions()
	gothic.Store = st

	r := gin.New()
	r.GET("/login/:provider", func(c *gin.Context) {
		gothic.BeginAuthHandler(c.Writer, gothic.GetContextWithProvider(c.Request, c.Param("provider")))
	})
	r.GET("/login/:provider/authorized", func(c *gin.Context) {
		_, err := gothic.CompleteUserAuth(c.Writer, gothic.GetContextWithProvider(c.Request, c.Param("provider")))
		if err != nil {
			c.String(http.StatusUnauthorized, "login failed")
			return
		}
		c.Redirect(http.StatusFound, "/")
	})
	return &App{Name: Goth, Handler: r, Cookie: gothic.SessionName, Workloads: []Workload{W1, W2}}
}

// accessToken takes the access token out of the session value: the floor
// stores the bare token; dance keeps "\x1e" + access token + "\x1f" + the
// other fields (its session layout since issue 20), or before that the
// token's JSON object, which the floor reads with a plain string search
// rather than a JSON decoder.
func accessToken(v string) string {
	if rest, ok := strings.CutPrefix(v, "\x1e"); ok {
		at, _, _ := strings.Cut(rest, "\x1f")
		return at
	}
	const k = `"access_token":"`
	i := strings.Index(v, k)
	if i < 0 {
		return v
	}
	v = v[i+len(k):]
	if j := strings.IndexByte(v, '"'); j >= 0 {
		return v[:j]
	}
	return ""
}

func plain(c *gin.Context) { c.String(http.StatusOK, "plain") }

// proxy answers with the provider's answer.
func proxy(c *gin.Context, resp *http.Response, err error) {
	if err != nil {
		c.AbortWithStatus(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.AbortWithStatus(http.StatusBadGateway)
		return
	}
	c.Data(resp.StatusCode, "application/json", body)
}
