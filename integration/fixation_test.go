package integration_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-contrib/sessions/memstore"
	redisstore "github.com/gin-contrib/sessions/redis"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/redis/go-redis/v9"
)

var sessionKeys = [][]byte{[]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef")}

// fixationStores are the gin-contrib/sessions stores the fixation test
// runs against: two whose cookie is only an ID, and the cookie store.
var fixationStores = []struct {
	name string
	new  func(t *testing.T) sessions.Store
}{
	{"redis", func(t *testing.T) sessions.Store {
		addr := os.Getenv("DANCE_TEST_REDIS_ADDR")
		if addr == "" {
			t.Skip("DANCE_TEST_REDIS_ADDR is not set")
		}
		store, err := redisstore.NewStore(4, "tcp", addr, "", "", sessionKeys...)
		if err != nil {
			t.Fatal(err)
		}
		prefix := "dance-fixation-" + strings.ToLower(rand.Text()) + ":"
		if err := redisstore.SetKeyPrefix(store, prefix); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			direct := redis.NewClient(&redis.Options{Addr: addr})
			defer direct.Close()
			if keys, _ := direct.Keys(context.Background(), prefix+"*").Result(); len(keys) > 0 {
				direct.Del(context.Background(), keys...)
			}
			if rs, err := redisstore.GetRedisStore(store); err == nil {
				rs.Close()
			}
		})
		return store
	}},
	{"memstore", func(*testing.T) sessions.Store { return memstore.NewStore(sessionKeys...) }},
	{"cookie", func(*testing.T) sessions.Store { return cookie.NewStore(sessionKeys...) }},
}

// Session fixation: an attacker gets a session cookie from the app and
// plants it in the victim's browser; the victim logs in. Afterwards the
// attacker's copy of the cookie reads no token, because the callback gave
// the session a fresh ID and invalidated the old one on the server; the
// victim's own browser has the token. The cookie store keeps working.
func TestSessionFixationRenewsID(t *testing.T) {
	for _, st := range fixationStores {
		t.Run(st.name, func(t *testing.T) {
			store := st.new(t)
			store.Options(sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 600})
			p := dancetest.NewProvider(dancetest.Config{})
			t.Cleanup(p.Close)
			bp, err := dance.NewOAuth2(p.OAuth2Config("github"))
			if err != nil {
				t.Fatal(err)
			}
			base := apptest.TestServer(t, apptest.NewRouterWith(store, nil, bp))
			appURL, _ := url.Parse(base)

			attacker := dancetest.NewBrowser(t)
			resp := attacker.Get(base + "/login/github") // any page that saves a session
			resp.Body.Close()
			planted := attacker.Jar.Cookies(appURL)
			if len(planted) == 0 {
				t.Fatal("the app gave the attacker no session cookie")
			}
			victim := dancetest.NewBrowser(t)
			victim.Jar.SetCookies(appURL, planted)
			resp = victim.Dance(base + "/login/github")
			resp.Body.Close()

			if tok := tokenOf(t, victim, base); tok == nil {
				t.Fatal("the victim has no token after logging in")
			}
			if tok := tokenOf(t, attacker, base); tok != nil {
				t.Fatalf("the attacker's pre-login cookie reads the victim's token")
			}
		})
	}
}

// tokenOf returns the token the app has for browser b, or nil.
func tokenOf(t *testing.T, b *dancetest.Browser, base string) map[string]any {
	t.Helper()
	resp := b.Get(base + "/token")
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /token: %d %s", resp.StatusCode, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("GET /token: %v in %q", err, body)
	}
	return m
}
