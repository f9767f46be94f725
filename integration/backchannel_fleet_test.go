package integration_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/logoutstore"
	"github.com/gin-dance/dance/redis/redislogout"
	"github.com/redis/go-redis/v9"
)

// redisEnded returns a Redis record of ended sessions under a prefix of
// its own, removed at the end of the test; it skips without Redis.
func redisEnded(t *testing.T) logoutstore.Store {
	t.Helper()
	addr := os.Getenv("DANCE_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("DANCE_TEST_REDIS_ADDR is not set")
	}
	client := redis.NewClient(&redis.Options{Addr: addr})
	prefix := "dance-ended-" + strings.ToLower(rand.Text()) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := client.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			client.Del(ctx, keys...)
		}
		client.Close()
	})
	return redislogout.New(client, prefix)
}

// TestBackChannelLogoutAcrossFleet: two instances of an app (two Gin
// engines, two blueprints) share the session store, the Redis record of
// used states and the Redis record of ended sessions. The user logs in on
// instance A; the provider's back-channel logout reaches instance B; the
// user's next request, on A, is logged out and the token is gone from the
// session: with sessions in Redis (a server-side store) and with
// cookie-only sessions (nothing on the server to delete). The same logout
// token sent again, to either instance, is a replay.
func TestBackChannelLogoutAcrossFleet(t *testing.T) {
	ended, used := redisEnded(t), redisUsedStates(t)
	for _, st := range fixationStores {
		if st.name == "memstore" { // one process's memory: not a fleet
			continue
		}
		t.Run(st.name+" sessions", func(t *testing.T) {
			store := st.new(t)
			p := dancetest.NewProvider(dancetest.Config{})
			t.Cleanup(p.Close)
			instance := func() string {
				cfg := dance.OAuth2Config{Name: "oidc", ClientID: p.ClientID(), ClientSecret: p.ClientSecret(), Issuer: p.Issuer()}
				cfg.EndedSessions, cfg.UsedStates = ended, used
				bp, err := dance.NewOIDC(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				return apptest.TestServer(t, apptest.NewRouterWith(store, nil, bp))
			}
			a, b := instance(), instance()
			browser := dancetest.NewBrowser(t)
			browser.Dance(a+"/login/oidc", dancetest.Want{Stored: "/private"})
			resp := browser.Get(b + "/private") // the session works on both instances
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("instance b before the logout: /private = %d", resp.StatusCode)
			}
			token := p.LogoutToken(nil)
			if status := send(t, p, b, token); status != http.StatusOK {
				t.Fatalf("back-channel logout on instance b = %d", status)
			}
			resp = browser.Get(a + "/private")
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("instance a after the logout on b: /private = %d, want 302 to login", resp.StatusCode)
			}
			resp = browser.Get(b + "/token")
			defer resp.Body.Close()
			var body strings.Builder
			buf := make([]byte, 512)
			n, _ := resp.Body.Read(buf)
			body.Write(buf[:n])
			if strings.TrimSpace(body.String()) != "null" {
				t.Fatalf("the token is still in the session: %s", body.String())
			}
			for _, app := range []string{a, b} {
				if status := send(t, p, app, token); status != http.StatusBadRequest {
					t.Fatalf("replayed logout token = %d, want 400", status)
				}
			}
		})
	}
}

// send POSTs a logout token to the app at base and returns the status.
func send(t *testing.T, p *dancetest.Provider, base, token string) int {
	t.Helper()
	resp, err := p.BackChannelLogout(base+"/login/oidc/backchannel-logout", token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
