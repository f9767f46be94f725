package gormtest

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
)

// TestUser is an app's user model, for Config.User.
type TestUser struct {
	ID   uint
	Name string
}

// UserFromSession is Config.User for the test app: the session's "uid".
func UserFromSession(c *gin.Context) any {
	if uid, ok := sessions.Default(c).Get("uid").(uint); ok && uid != 0 {
		return &TestUser{ID: uid}
	}
	return nil
}

// App is a Gin app with a session, a "log in as" route, and a blueprint
// named "fake" on a fake provider that stores into a Store.
type App struct {
	*httptest.Server
	Fake  *dancetest.Provider
	BP    *dance.Blueprint
	Store *gormstore.Store
	Errs  chan *dance.Error // what the error hook received

	authorized atomic.Pointer[func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error)]
	onError    atomic.Pointer[func(*gin.Context, *dance.Blueprint, *dance.Error)]
}

// SetError makes f run in the blueprint's error hook from now on, after
// the error is sent to Errs.
func (a *App) SetError(f func(*gin.Context, *dance.Blueprint, *dance.Error)) {
	a.onError.Store(&f)
}

// SetAuthorized makes f the blueprint's authorized hook from now on.
func (a *App) SetAuthorized(f func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error)) {
	a.authorized.Store(&f)
}

// NewApp builds the app. The session's "uid" is the logged-in user; when
// overrideFromSession is true, a middleware sets it as the per-request
// override, as an app's login middleware would. provider optionally
// configures the fake provider.
func NewApp(t testing.TB, s *gormstore.Store, overrideFromSession bool, provider ...dancetest.Config) *App {
	t.Helper()
	fake := dancetest.NewProvider(append(provider, dancetest.Config{})[0])
	t.Cleanup(fake.Close)
	cfg := fake.OAuth2Config("fake")
	cfg.Storage = s
	// Warnings only: a completed login is logged at Info, and the load
	// run completes thousands.
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := &App{Fake: fake, Store: s, Errs: make(chan *dance.Error, 1000)}
	cfg.Hooks = dance.Hooks{
		OnError: func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
			a.Errs <- e
			if f := a.onError.Load(); f != nil {
				(*f)(c, bp, e)
			}
		},
		OnAuthorized: func(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
			if f := a.authorized.Load(); f != nil {
				return (*f)(c, bp, tok)
			}
			return true, nil
		},
	}
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.BP = bp
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	if overrideFromSession {
		r.Use(func(c *gin.Context) {
			if uid, ok := sessions.Default(c).Get("uid").(uint); ok {
				gormstore.SetUserID(c, "", uid)
			}
		})
	}
	bp.Register(r.Group("/login"))
	r.Use(bp.Middleware())
	r.GET("/as/:uid", func(c *gin.Context) {
		var uid uint
		fmt.Sscan(c.Param("uid"), &uid)
		sess := sessions.Default(c)
		sess.Set("uid", uid)
		_ = sess.Save()
		c.Status(http.StatusNoContent)
	})
	// /protected is behind Required: 200 with a token, else a redirect to
	// login, or 500 when the storage fails.
	r.GET("/protected", bp.Required(), func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	// /token answers the access token the client reads; ?as= switches the
	// user with the override for this blueprint.
	r.GET("/token", func(c *gin.Context) {
		if as := c.Query("as"); as != "" {
			var uid uint
			fmt.Sscan(as, &uid)
			gormstore.SetUserID(c, "fake", uid)
		}
		cl := c.MustGet(bp.Name()).(*dance.Client)
		ok, err := cl.Authorized()
		var tok *dance.Token
		if err == nil && ok {
			tok, err = cl.Token()
		}
		switch {
		case err != nil:
			c.String(http.StatusInternalServerError, "error: %v", err)
		case !ok || tok == nil:
			c.String(http.StatusOK, "none")
		default:
			c.String(http.StatusOK, "%s", tok.AccessToken)
		}
	})
	a.Server = httptest.NewServer(r)
	t.Cleanup(a.Close)
	return a
}

// NextError returns the error the app's error hooks received, or fails.
func (a *App) NextError(t testing.TB) *dance.Error {
	t.Helper()
	select {
	case e := <-a.Errs:
		return e
	default:
		t.Fatal("the error hooks did not run")
		return nil
	}
}

// User is one browser of the app.
type User struct {
	App *App
	HC  *http.Client
}

// NewUser returns a browser with a cookie jar of its own that does not
// follow redirects.
func (a *App) NewUser() *User {
	jar, _ := cookiejar.New(nil)
	return &User{App: a, HC: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// Get fetches a URL and returns status, Location and body.
func (u *User) Get(rawURL string) (int, string, string, error) {
	resp, err := u.HC.Get(rawURL)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b), err
}

// LoginAs logs the browser into the app as uid (0: log out).
func (u *User) LoginAs(uid uint) error {
	st, _, _, err := u.Get(fmt.Sprintf("%s/as/%d", u.App.URL, uid))
	if err == nil && st != http.StatusNoContent {
		err = fmt.Errorf("/as: status %d", st)
	}
	return err
}

// Dance runs the whole dance and returns the callback's redirect target.
// It is safe to call from any goroutine.
func (u *User) Dance() (string, error) {
	st, loc, _, err := u.Get(u.App.URL + "/login/fake")
	if err != nil || st != http.StatusFound {
		return "", fmt.Errorf("login: %d %v", st, err)
	}
	st, loc, _, err = u.Get(loc)
	if err != nil || st != http.StatusFound {
		return "", fmt.Errorf("authorize: %d %v", st, err)
	}
	st, loc, body, err := u.Get(loc)
	if err != nil {
		return "", err
	}
	if st != http.StatusFound {
		return "", fmt.Errorf("callback: status %d: %s", st, body)
	}
	return loc, nil
}

// Token returns what /token answers, optionally as another user.
func (u *User) Token(as uint) (string, error) {
	q := ""
	if as != 0 {
		q = fmt.Sprintf("?as=%d", as)
	}
	st, _, body, err := u.Get(u.App.URL + "/token" + q)
	if err != nil {
		return "", err
	}
	if st != http.StatusOK {
		return body, errors.New(body)
	}
	return body, nil
}
