package dance_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// userStorage keeps one token per user, the user being named by the
// X-User header: a stand-in for a database storage, so that many requests
// of one user share a token, and two users do not.
type userStorage struct {
	mu sync.Mutex
	m  map[string]*dance.Token
}

func newUserStorage() *userStorage { return &userStorage{m: map[string]*dance.Token{}} }

func (s *userStorage) Get(c *gin.Context, name string) (*dance.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[c.GetHeader("X-User")+"/"+name].Clone(), nil
}

func (s *userStorage) Set(c *gin.Context, name string, tok *dance.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[c.GetHeader("X-User")+"/"+name] = tok.Clone()
	return nil
}

func (s *userStorage) Delete(c *gin.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, c.GetHeader("X-User")+"/"+name)
	return nil
}

func (s *userStorage) token(user, name string) *dance.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[user+"/"+name].Clone()
}

func (s *userStorage) put(user, name string, tok *dance.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[user+"/"+name] = tok.Clone()
}

// tokenApp is an app whose users are named by a header, with a refreshable
// (or not) blueprint "acme" against a fake provider.
type tokenApp struct {
	t     *testing.T
	p     *dancetest.Provider
	bp    *dance.Blueprint
	store *userStorage
	url   string

	mu        sync.Mutex
	refreshed [][2]*dance.Token
	errs      []*dance.Error
}

func newTokenApp(t *testing.T, pcfg dancetest.Config, edit func(*dance.OAuth2Config)) *tokenApp {
	t.Helper()
	a := &tokenApp{t: t, store: newUserStorage()}
	a.p = dancetest.NewProvider(pcfg)
	t.Cleanup(a.p.Close)
	cfg := a.p.OAuth2Config("acme")
	cfg.RefreshURL = "/token"
	cfg.Storage = a.store
	if edit != nil {
		edit(&cfg)
	}
	cfg.Hooks.OnTokenRefreshed = func(c *gin.Context, bp *dance.Blueprint, old, new *dance.Token) {
		a.mu.Lock()
		a.refreshed = append(a.refreshed, [2]*dance.Token{old, new})
		a.mu.Unlock()
	}
	cfg.Hooks.OnError = func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
		a.mu.Lock()
		a.errs = append(a.errs, e)
		a.mu.Unlock()
	}
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.bp = bp
	r := gin.New()
	bp.Register(r.Group("/login"))
	r.Use(bp.Middleware())
	r.GET("/me", func(c *gin.Context) {
		var user map[string]any
		err := apptest.Client(c, bp).GetJSON("user", &user)
		switch {
		case errors.Is(err, dance.ErrTokenExpired):
			c.String(http.StatusUnauthorized, "token expired")
		case err != nil:
			c.String(http.StatusBadGateway, err.Error())
		default:
			c.String(200, "%v", user["login"])
		}
	})
	r.GET("/claims", func(c *gin.Context) {
		claims, err := apptest.Client(c, bp).Claims()
		if err != nil {
			c.String(http.StatusNotFound, err.Error())
			return
		}
		sub, ok := claims["sub"].(string)
		if !ok {
			c.String(http.StatusNotFound, "no sub claim")
			return
		}
		c.String(200, sub)
	})
	r.GET("/private", bp.Required(), func(c *gin.Context) { c.String(200, "secret page") })
	r.GET("/revoke", func(c *gin.Context) {
		cl := apptest.Client(c, bp)
		err := cl.Revoke()
		if errors.Is(err, dance.ErrRevocationUnsupported) && c.Query("delete") == "1" {
			if derr := cl.DeleteToken(); derr != nil {
				err = derr
			}
		}
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		c.String(200, "revoked")
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	a.url = srv.URL
	return a
}

// get fetches path as user, without following redirects.
func (a *tokenApp) get(user, path string) (int, string, http.Header) {
	a.t.Helper()
	req, _ := http.NewRequest("GET", a.url+path, nil)
	req.Header.Set("X-User", user)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		a.t.Errorf("GET %s: %v", path, err)
		return 0, "", nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// seedExpired stores for user a token that expired a minute ago, with the
// given refresh token and an extra field that a refresh must keep.
func (a *tokenApp) seedExpired(user, refreshToken string) *dance.Token {
	tok := &dance.Token{
		AccessToken:  a.p.IssueToken(),
		TokenType:    "bearer",
		RefreshToken: refreshToken,
		ExpiresAt:    time.Now().Add(-time.Minute),
		Extra:        map[string]any{"user_id": "u-" + user},
	}
	a.store.put(user, "acme", tok)
	return tok
}

func (a *tokenApp) refreshPosts() int {
	n := 0
	for _, r := range a.p.RequestsTo("/token") {
		if r.Form.Get("grant_type") == "refresh_token" {
			n++
		}
	}
	return n
}

func (a *tokenApp) hookCalls() [][2]*dance.Token {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([][2]*dance.Token(nil), a.refreshed...)
}

func (a *tokenApp) errors() []*dance.Error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*dance.Error(nil), a.errs...)
}

// Acceptance 1.
func TestRefreshExpiredTokenSavesAndRunsHook(t *testing.T) {
	for _, rotate := range []bool{true, false} {
		t.Run(fmt.Sprintf("rotate=%v", rotate), func(t *testing.T) {
			a := newTokenApp(t, dancetest.Config{RotateRefreshTokens: rotate}, nil)
			old := a.seedExpired("alice", a.p.IssueRefreshToken(""))

			// Expired but refreshable: still authorized, with no provider call.
			if code, body, _ := a.get("alice", "/private"); code != 200 {
				t.Fatalf("/private with a refreshable token: %d %q", code, body)
			}
			if n := len(a.p.Requests()); n != 0 {
				t.Fatalf("Authorized made %d provider calls", n)
			}

			if code, body, _ := a.get("alice", "/me"); code != 200 || body != "octocat" {
				t.Fatalf("/me = %d %q", code, body)
			}
			if n := a.refreshPosts(); n != 1 {
				t.Fatalf("refresh requests = %d, want 1", n)
			}
			req := a.p.RequestsTo("/token")[0]
			if req.Form.Get("refresh_token") != old.RefreshToken {
				t.Errorf("the refresh did not send the stored refresh token")
			}
			stored := a.store.token("alice", "acme")
			if stored == nil || stored.AccessToken == old.AccessToken || !a.p.TokenActive(stored.AccessToken) {
				t.Fatalf("storage does not hold the new access token")
			}
			if !stored.ExpiresAt.After(time.Now()) {
				t.Errorf("new token expires at %v, want in the future", stored.ExpiresAt)
			}
			if stored.Extra["user_id"] != "u-alice" || stored.TokenType != "bearer" {
				t.Errorf("the refresh lost the other fields: %+v", stored)
			}
			if rotate {
				if stored.RefreshToken == old.RefreshToken || !a.p.TokenActive(stored.RefreshToken) {
					t.Errorf("the rotated refresh token was not saved")
				}
			} else if stored.RefreshToken != old.RefreshToken {
				t.Errorf("refresh token = %q, want the old one kept", stored.RefreshToken)
			}
			calls := a.hookCalls()
			if len(calls) != 1 {
				t.Fatalf("TokenRefreshed ran %d times, want 1", len(calls))
			}
			if calls[0][0].AccessToken != old.AccessToken || calls[0][1].AccessToken != stored.AccessToken {
				t.Errorf("hook got the wrong old/new tokens")
			}
			if calls[0][1].RefreshToken != stored.RefreshToken {
				t.Errorf("hook's new token has another refresh token than the stored one")
			}

			// The new token is used as it is: no second refresh.
			if code, _, _ := a.get("alice", "/me"); code != 200 || a.refreshPosts() != 1 {
				t.Fatalf("second call: %d, refreshes %d", code, a.refreshPosts())
			}
		})
	}
}

// A token within the leeway of its expiry counts as expired; the leeway
// can be changed.
func TestRefreshLeeway(t *testing.T) {
	for _, tc := range []struct {
		leeway time.Duration
		want   int
	}{{0, 1}, {5 * time.Second, 0}} {
		a := newTokenApp(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.ExpiryLeeway = tc.leeway })
		tok := a.seedExpired("alice", a.p.IssueRefreshToken(""))
		tok.ExpiresAt = time.Now().Add(20 * time.Second)
		a.store.put("alice", "acme", tok)
		if code, _, _ := a.get("alice", "/me"); code != 200 {
			t.Fatalf("leeway %v: /me = %d", tc.leeway, code)
		}
		if got := a.refreshPosts(); got != tc.want {
			t.Errorf("leeway %v: token 20 s from expiry: %d refreshes, want %d", tc.leeway, got, tc.want)
		}
	}
}

// Acceptance 2.
func TestConcurrentRefreshMakesOneProviderCall(t *testing.T) {
	a := newTokenApp(t, dancetest.Config{RotateRefreshTokens: true}, nil)
	a.seedExpired("alice", a.p.IssueRefreshToken(""))
	const n = 50
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() { codes[i], _, _ = a.get("alice", "/me") })
	}
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Errorf("call %d: status %d", i, c)
		}
	}
	if got := a.refreshPosts(); got != 1 {
		t.Fatalf("the provider saw %d refresh requests, want 1", got)
	}
	if got := len(a.hookCalls()); got != 1 {
		t.Errorf("TokenRefreshed ran %d times, want 1", got)
	}

	// Two other users refresh independently, concurrently.
	bob := a.seedExpired("bob", a.p.IssueRefreshToken(""))
	carol := a.seedExpired("carol", a.p.IssueRefreshToken(""))
	for range 10 {
		for _, u := range []string{"bob", "carol"} {
			wg.Go(func() {
				if c, body, _ := a.get(u, "/me"); c != 200 {
					t.Errorf("%s: %d %q", u, c, body)
				}
			})
		}
	}
	wg.Wait()
	if got := a.refreshPosts(); got != 3 {
		t.Fatalf("after bob and carol: %d refresh requests, want 3", got)
	}
	b, c := a.store.token("bob", "acme"), a.store.token("carol", "acme")
	if b.AccessToken == bob.AccessToken || c.AccessToken == carol.AccessToken || b.AccessToken == c.AccessToken {
		t.Errorf("bob and carol did not each get their own new token")
	}
	if b.Extra["user_id"] != "u-bob" || c.Extra["user_id"] != "u-carol" {
		t.Errorf("tokens crossed between users")
	}
}

// Acceptance 3.
func TestRefreshInvalidGrantDeletesToken(t *testing.T) {
	a := newTokenApp(t, dancetest.Config{}, nil)
	rt := a.p.IssueRefreshToken("")
	a.seedExpired("alice", rt)
	a.p.Fail(dancetest.FailInvalidGrant)

	code, body, _ := a.get("alice", "/me")
	if code != http.StatusUnauthorized {
		t.Fatalf("/me = %d %q, want 401 from errors.Is(err, dance.ErrTokenExpired)", code, body)
	}
	if a.refreshPosts() != 1 {
		t.Fatalf("refresh requests = %d, want 1", a.refreshPosts())
	}
	if tok := a.store.token("alice", "acme"); tok != nil {
		t.Fatal("the refused token is still stored")
	}
	errs := a.errors()
	if len(errs) != 1 || errs[0].Stage != dance.StageRefresh || !errors.Is(errs[0], dance.ErrTokenExpired) || errs[0].Code != "invalid_grant" {
		t.Fatalf("error hooks got %v, want one refresh error with invalid_grant", errs)
	}
	for _, e := range errs {
		if strings.Contains(e.Error(), rt) {
			t.Error("the error text holds the refresh token")
		}
	}
	code, _, hdr := a.get("alice", "/private")
	if code != http.StatusFound || !strings.HasPrefix(hdr.Get("Location"), "/login/acme?next=") {
		t.Fatalf("/private after invalid_grant: %d to %q, want a redirect to login", code, hdr.Get("Location"))
	}
}

// Acceptance 4.
func TestExpiredTokenWithoutRefreshMakesNoProviderCall(t *testing.T) {
	for _, tc := range []struct {
		name       string
		refreshURL string
		rt         bool
	}{
		{"no refresh token", "/token", false},
		{"no refresh token, RefreshURL empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTokenApp(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.RefreshURL = tc.refreshURL })
			rt := ""
			if tc.rt {
				rt = a.p.IssueRefreshToken("")
			}
			a.seedExpired("alice", rt)
			if code, body, _ := a.get("alice", "/me"); code != http.StatusUnauthorized {
				t.Fatalf("/me = %d %q, want 401 from errors.Is(err, dance.ErrTokenExpired)", code, body)
			}
			code, _, hdr := a.get("alice", "/private")
			if code != http.StatusFound || !strings.HasPrefix(hdr.Get("Location"), "/login/acme") {
				t.Errorf("/private with an unrefreshable expired token: %d %q, want a redirect to login", code, hdr.Get("Location"))
			}
			if n := len(a.p.Requests()); n != 0 {
				t.Fatalf("the provider got %d requests, want 0", n)
			}
			if a.store.token("alice", "acme") == nil {
				t.Error("the token was deleted; only a refused refresh deletes it")
			}
		})
	}
}

// A refresh that fails for a passing reason keeps the token.
func TestRefreshProviderDownKeepsToken(t *testing.T) {
	a := newTokenApp(t, dancetest.Config{}, nil)
	a.seedExpired("alice", a.p.IssueRefreshToken(""))
	a.p.Fail(dancetest.FailStatus500)
	if code, _, _ := a.get("alice", "/me"); code != http.StatusBadGateway {
		t.Fatalf("/me = %d, want 502", code)
	}
	if a.store.token("alice", "acme") == nil {
		t.Fatal("a 500 from the provider deleted the token")
	}
	errs := a.errors()
	if len(errs) != 1 || !errors.Is(errs[0], dance.ErrRefresh) || errors.Is(errs[0], dance.ErrTokenExpired) {
		t.Fatalf("error hooks got %v, want one ErrRefresh", errs)
	}
}
