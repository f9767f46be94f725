package dance_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

// appleUser is the first answer's "user" field, as Sign in with Apple
// sends it.
func appleUser(who dancetest.Persona) url.Values {
	b, _ := json.Marshal(map[string]any{"name": map[string]string{"firstName": "Ada", "lastName": "Lovelace"}, "email": who.Email})
	return url.Values{"user": {string(b)}}
}

// newFormPostHarness is an app whose blueprint's provider answers with
// response_mode=form_post, and sends "user" on the first answer; the
// authorized hook records the token's "user".
func newFormPostHarness(t *testing.T) (*harness, func() []string) {
	var mu sync.Mutex
	var users []string
	h := newHarness(t, dancetest.Config{FirstAnswerExtra: appleUser}, func(c *dance.OAuth2Config) {
		c.FormPost, c.CallbackParams = true, []string{"user"}
	})
	h.Hooks.OnAuthorized(func(_ *gin.Context, _ *dance.Blueprint, tok *dance.Token) (bool, error) {
		u, _ := tok.Extra["user"].(string)
		mu.Lock()
		users = append(users, u)
		mu.Unlock()
		return true, nil
	})
	return h, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), users...) }
}

// TestFormPostLogin: with FormPost, the login asks for
// response_mode=form_post, the provider POSTs its answer to the callback,
// which relays it to its own GET (303), where the session cookie comes and
// the dance ends as usual; the "user" of the first answer reaches the
// authorized hook in the token's Extra, and a second login has none.
func TestFormPostLogin(t *testing.T) {
	h, users := newFormPostHarness(t)
	if auth := h.Login(h.LoginPath()); auth.Query().Get("response_mode") != "form_post" {
		t.Fatalf("login URL asks for response_mode %q", auth.Query().Get("response_mode"))
	}
	for i := range 2 {
		resp := h.Browser.Dance(h.URL(h.LoginPath()), dancetest.Want{Stored: "/private"})
		if resp.Request.Method != http.MethodGet || resp.Request.URL.Path != "/login/github/authorized" {
			t.Fatalf("dance %d ended on %s %s", i, resp.Request.Method, resp.Request.URL.Path)
		}
	}
	got := users()
	if len(got) != 2 || !strings.Contains(got[0], `"firstName":"Ada"`) || got[1] != "" {
		t.Fatalf("users seen by the authorized hook: %q, want Ada's the first time and none the second", got)
	}
	if h.TokenPosts() != 2 {
		t.Fatalf("%d token requests, want 2", h.TokenPosts())
	}
}

// TestFormPostRelayCookie: the POST answers 303 to the GET callback and
// keeps the answer in a cookie that is HttpOnly, SameSite=Lax, limited to
// the callback's path and short-lived; the GET deletes it; the session
// cookie stays SameSite=Lax.
func TestFormPostRelayCookie(t *testing.T) {
	h, _ := newFormPostHarness(t)
	auth := h.Login(h.LoginPath())
	state := auth.Query().Get("state")
	q := h.P.CallbackQuery(auth.Query())
	resp, err := h.Browser.PostForm(h.URL("/login/github/authorized"), q)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login/github/authorized" {
		t.Fatalf("POST: %d to %q, want 303 to the GET callback", resp.StatusCode, resp.Header.Get("Location"))
	}
	var relay *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "_dance_github_post" {
			relay = c
		}
	}
	if relay == nil || !relay.HttpOnly || relay.SameSite != http.SameSiteLaxMode || relay.Path != "/login/github/authorized" ||
		relay.MaxAge <= 0 || relay.MaxAge > 300 || !strings.Contains(relay.Value, state) {
		t.Fatalf("relay cookie %+v", relay)
	}
	resp = h.Browser.Get(h.URL("/login/github/authorized"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET callback: %d", resp.StatusCode)
	}
	deleted, session := false, false
	for _, c := range resp.Cookies() {
		switch c.Name {
		case "_dance_github_post":
			deleted = c.MaxAge < 0
		case "session":
			session = c.SameSite == http.SameSiteLaxMode
		}
	}
	if !deleted || !session {
		t.Fatalf("after the GET: relay cookie deleted %v, session cookie Lax %v", deleted, session)
	}
}

// TestFormPostForgedAndReplayed: a POST whose state is not this session's
// is refused at the GET with 403 and calls no token endpoint; a POST
// played again after a good login is refused as used; a POST with no
// state is a 400. Nothing is stored.
func TestFormPostForgedAndReplayed(t *testing.T) {
	h, _ := newFormPostHarness(t)
	post := func(q url.Values) (*http.Response, string) {
		t.Helper()
		resp, err := h.Browser.PostForm(h.URL("/login/github/authorized"), q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return resp, ""
		}
		return h.Get(h.URL("/login/github/authorized"))
	}
	auth := h.Login(h.LoginPath())
	good := h.P.CallbackQuery(auth.Query())
	forged := url.Values{"code": {good.Get("code")}, "state": {"forged-" + good.Get("state")}}
	if resp, _ := post(forged); resp.StatusCode != http.StatusForbidden || h.TokenPosts() != 0 {
		t.Fatalf("forged POST: %d, %d token requests; want 403 and none", resp.StatusCode, h.TokenPosts())
	}
	if resp, _ := post(good); resp.StatusCode != http.StatusFound {
		t.Fatalf("good POST: %d", resp.StatusCode)
	}
	if resp, _ := post(good); resp.StatusCode != http.StatusForbidden || h.TokenPosts() != 1 {
		t.Fatalf("replayed POST: %d, %d token requests; want 403 and 1", resp.StatusCode, h.TokenPosts())
	}
	if resp, _ := post(url.Values{"code": {"x"}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("POST without state: %d, want 400", resp.StatusCode)
	}
	var sawUsed, sawMismatch bool
	for _, e := range h.Errors() {
		sawUsed = sawUsed || errors.Is(e, dance.ErrStateUsed)
		sawMismatch = sawMismatch || errors.Is(e, dance.ErrStateMismatch)
	}
	if !sawUsed || !sawMismatch {
		t.Fatalf("errors %v: want a state mismatch and a used state", h.Errors())
	}
}

// TestClientSecretFunc: the token request carries the secret that
// ClientSecretFunc makes, not ClientSecret; when it fails, the callback
// answers with the token stage's error and calls no token endpoint.
func TestClientSecretFunc(t *testing.T) {
	fail := false
	h := newHarness(t, dancetest.Config{AnyClient: true}, func(c *dance.OAuth2Config) {
		c.ClientSecret = "static-secret"
		c.ClientSecretFunc = func(context.Context) (string, error) {
			if fail {
				return "", errors.New("no key")
			}
			return "made-secret-1", nil
		}
	})
	h.Browser.Dance(h.URL(h.LoginPath()), dancetest.Want{Stored: "/private"})
	reqs := h.P.RequestsTo("/token")
	if len(reqs) != 1 {
		t.Fatalf("%d token requests, want 1", len(reqs))
	}
	if _, secret, ok := (&http.Request{Header: reqs[0].Header}).BasicAuth(); !ok || secret != "made-secret-1" {
		t.Fatalf("the token request's secret is %q, want ClientSecretFunc's", secret)
	}
	fail = true
	resp := h.Browser.Dance(h.URL(h.LoginPath()))
	if resp.StatusCode != http.StatusBadGateway || len(h.P.RequestsTo("/token")) != 1 {
		t.Fatalf("with the secret func failing: %d, %d token requests", resp.StatusCode, len(h.P.RequestsTo("/token")))
	}
}
