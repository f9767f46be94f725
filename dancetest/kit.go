package dancetest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-gonic/gin"
)

// SessionCookie returns the session cookie that an app using store (under
// the session name) would set for a user holding tok for bp. It goes
// through the real sessions middleware and bp's own storage, so the cookie
// is signed and encrypted exactly as the app's would be. Add it to a
// request to call a handler "as an authorized user" without a dance.
func SessionCookie(t testing.TB, store sessions.Store, name string, bp *dance.Blueprint, tok *dance.Token) *http.Cookie {
	t.Helper()
	r := gin.New()
	r.Use(sessions.Sessions(name, store), bp.Middleware())
	var setErr error
	r.GET("/", func(c *gin.Context) {
		setErr = c.MustGet(bp.Name()).(*dance.Client).SetToken(tok)
		if setErr == nil {
			setErr = sessions.Default(c).Save()
		}
		c.Status(http.StatusNoContent)
	})
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if setErr != nil {
		t.Fatalf("dancetest: storing the token for %s: %v", bp.Name(), setErr)
	}
	var found *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			found = c // the last one wins, as in a browser
		}
	}
	if found == nil {
		t.Fatalf("dancetest: the session store set no %q cookie; does bp %s use the session storage?", name, bp.Name())
	}
	return found
}

// AuthorizedRequest returns a request to target that carries tok for bp in
// the app's session cookie; see [SessionCookie].
func AuthorizedRequest(t testing.TB, method, target string, store sessions.Store, name string, bp *dance.Blueprint, tok *dance.Token) *http.Request {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.AddCookie(SessionCookie(t, store, name, bp, tok))
	return req
}

// Token returns a bearer token that expires in an hour.
func Token(accessToken string) *dance.Token {
	return &dance.Token{AccessToken: accessToken, TokenType: "Bearer", ExpiresAt: time.Now().Add(time.Hour)}
}

// ExpiredToken returns a bearer token that expired an hour ago, with a
// refresh token, for testing what an app does with stale credentials.
func ExpiredToken(accessToken string) *dance.Token {
	return &dance.Token{AccessToken: accessToken, TokenType: "Bearer", RefreshToken: "refresh-" + accessToken, ExpiresAt: time.Now().Add(-time.Hour)}
}

// Dance serves app on a loopback port for the rest of the test and drives
// a whole dance from loginPath ("/login/github") against a provider that
// approves at once. It fails the test unless the dance succeeded, as
// [Browser.Dance] checks it with want (say where the app's error hooks
// go, and which page needs the stored token), and returns the browser,
// holding the logged-in cookies, and the app's base URL.
func Dance(t testing.TB, app http.Handler, loginPath string, want Want) (b *Browser, baseURL string) {
	t.Helper()
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	b = NewBrowser(t)
	b.Dance(srv.URL+loginPath, want)
	return b, srv.URL
}
