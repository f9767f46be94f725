package dance_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
	gsessions "github.com/gorilla/sessions"
)

// maxDanceCookie is the budget of issue 20 for the session cookie
// ("name=value") after a GitHub dance with a typical token.
const maxDanceCookie = 450

// TestCookieAfterGitHubDance checks the size of the session cookie left
// by a GitHub dance with a typical GitHub token: a 40-character access
// token, token_type and scope, and no expiry (GitHub's OAuth app tokens do
// not expire).
func TestCookieAfterGitHubDance(t *testing.T) {
	const accessToken = "gho_16C7e42F292c6912E7710c838347Ae178B4a" // GitHub's documented example
	h := newHarness(t, dancetest.Config{
		Scope:     "read:user",
		ExpiresIn: -1,
		Extra:     map[string]any{"access_token": accessToken},
	}, nil)
	resp := h.Browser.Dance(h.URL(h.LoginPath()))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: status %d, want 302", resp.StatusCode)
	}
	var size int
	for _, c := range resp.Cookies() {
		if c.Name == "session" {
			size = len(c.Name) + 1 + len(c.Value)
		}
	}
	if tok := h.StoredToken(); tok["access_token"] != accessToken || tok["token_type"] != "bearer" {
		t.Fatalf("stored token %v, want the GitHub token", tok)
	}
	t.Logf("session cookie after the dance: %d bytes", size)
	if size == 0 || size > maxDanceCookie {
		t.Fatalf("session cookie after a GitHub dance is %d bytes, want at most %d", size, maxDanceCookie)
	}
}

// maxLoginCookie bounds the session cookie ("name=value") that the login
// route leaves: the flow record with PKCE, whose state is made from the
// verifier: 304 bytes. It was 384 with the state kept beside the
// verifier.
const maxLoginCookie = 320

// TestCookieAfterLogin checks the size of the session cookie that the
// login route leaves for the callback, and that it holds no state: the
// state in the provider URL is made from the verifier, which the session
// keeps.
func TestCookieAfterLogin(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	resp := h.Browser.Get(h.URL(h.LoginPath()))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login: status %d, want 302", resp.StatusCode)
	}
	if h.Browser.Location(resp).Query().Get("state") == "" {
		t.Fatal("login: no state in the provider URL")
	}
	var size int
	for _, c := range resp.Cookies() {
		if c.Name == "session" {
			size = len(c.Name) + 1 + len(c.Value)
		}
	}
	t.Logf("session cookie after the login: %d bytes", size)
	if size == 0 || size > maxLoginCookie {
		t.Fatalf("session cookie after the login is %d bytes, want at most %d", size, maxLoginCookie)
	}
}

// oldSession is testdata/session-json-layout.json: a session cookie made by
// dance before issue 20 (JSON layout) after a dance, with the cookie store's keys.
type oldSession struct {
	HashKey  string         `json:"hash_key"`
	BlockKey string         `json:"block_key"`
	Name     string         `json:"cookie_name"`
	Value    string         `json:"cookie_value"`
	State    string         `json:"state"`
	Token    map[string]any `json:"token"`
}

// TestOldSessionLayoutStillLoggedIn checks that a user whose session was
// written before issue 20 (token and flow record as JSON) is still logged
// in, and that the used state in it is still refused as used.
func TestOldSessionLayoutStillLoggedIn(t *testing.T) {
	b, err := os.ReadFile("testdata/session-json-layout.json")
	if err != nil {
		t.Fatal(err)
	}
	var old oldSession
	if err := json.Unmarshal(b, &old); err != nil {
		t.Fatal(err)
	}
	store := cookie.NewStore([]byte(old.HashKey), []byte(old.BlockKey))
	store.(interface{ MaxAge(int) }).MaxAge(0) // the cookie's timestamp may be old
	store.Options(sessions.Options{Path: "/", HttpOnly: true})
	r, _, errs := footprintApp(t, old.Name, store)
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: old.Name, Value: old.Value})
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}

	w := get("/private")
	var tok map[string]any
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &tok) != nil {
		t.Fatalf("GET /private with a JSON-layout session: %d %s, want 200 and the token", w.Code, w.Body)
	}
	for _, k := range []string{"access_token", "token_type", "scope"} {
		if got, want := jsonText(t, tok[k]), jsonText(t, old.Token[k]); got != want || want == "null" {
			t.Errorf("token %s = %s, want %s", k, got, want)
		}
	}

	if w := get("/login/github/authorized?code=x&state=" + old.State); w.Code != http.StatusForbidden {
		t.Fatalf("replayed callback with a JSON-layout session: %d, want 403", w.Code)
	}
	if len(*errs) != 1 || !errors.Is((*errs)[0], dance.ErrStateUsed) {
		t.Fatalf("replayed callback: errors %v, want ErrStateUsed", *errs)
	}
	if w := get("/login/github/authorized?code=x&state=other"); w.Code != http.StatusForbidden {
		t.Fatalf("callback with another state: %d, want 403", w.Code)
	}
	if len(*errs) != 2 || !errors.Is((*errs)[1], dance.ErrStateMismatch) {
		t.Fatalf("callback with another state: errors %v, want ErrStateMismatch", *errs)
	}
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// footprintApp is an app with a "github" blueprint under /login, the
// sessions middleware with store, and GET /private answering the token. It
// returns the errors the blueprint reports.
func footprintApp(t *testing.T, cookieName string, store sessions.Store) (*gin.Engine, *dancetest.Provider, *[]*dance.Error) {
	t.Helper()
	p := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(p.Close)
	errs := new([]*dance.Error)
	cfg := p.OAuth2Config("github")
	cfg.Hooks.OnError = func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) { *errs = append(*errs, e) }
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions(cookieName, store))
	bp.Register(r.Group("/login"))
	r.Use(bp.Middleware())
	r.GET("/private", bp.Required(), func(c *gin.Context) {
		tok, err := apptest.Client(c, bp).Token()
		if err != nil {
			c.String(500, err.Error())
			return
		}
		c.JSON(200, tok)
	})
	return r, p, errs
}

// countingStore counts the sessions it decodes (New is called once per
// request and session name, through the request's registry).
type countingStore struct {
	sessions.Store
	decodes int
}

func (s *countingStore) Get(r *http.Request, name string) (*gsessions.Session, error) {
	return gsessions.GetRegistry(r).Get(s, name)
}

func (s *countingStore) New(r *http.Request, name string) (*gsessions.Session, error) {
	s.decodes++
	return s.Store.New(r, name)
}

// TestOneSessionDecodeAndEncodePerDanceRoute checks that the login and the
// callback each decode the session once and write it (encode it) once.
func TestOneSessionDecodeAndEncodePerDanceRoute(t *testing.T) {
	inner := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	inner.Options(sessions.Options{Path: "/", HttpOnly: true})
	store := &countingStore{Store: inner}
	r, p, errs := footprintApp(t, "session", store)
	var jar []*http.Cookie
	step := func(name, path string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range jar {
			req.AddCookie(c)
		}
		w := httptest.NewRecorder()
		store.decodes = 0
		r.ServeHTTP(w, req)
		encodes := 0
		for _, c := range (&http.Response{Header: w.Header()}).Cookies() {
			if c.Name == "session" {
				encodes++
				jar = []*http.Cookie{c}
			}
		}
		if w.Code != http.StatusFound || store.decodes != 1 || encodes != 1 {
			t.Fatalf("%s: status %d, %d session decodes and %d encodes; want 302, 1 and 1", name, w.Code, store.decodes, encodes)
		}
		return w
	}
	w := step("login", "/login/github")
	auth, err := url.Parse(w.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	cb := p.CallbackQuery(auth.Query())
	step("callback", "/login/github/authorized?"+cb.Encode())
	if len(*errs) != 0 {
		t.Fatalf("errors %v", *errs)
	}
}
