package integration_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/redis/redisstate"
	"github.com/gin-dance/dance/statestore"
	"github.com/redis/go-redis/v9"
)

// redisUsedStates returns a Redis record of used states under a prefix of
// its own, removed at the end of the test; it skips without Redis.
func redisUsedStates(t *testing.T) statestore.Store {
	t.Helper()
	addr := os.Getenv("DANCE_TEST_REDIS_ADDR")
	if addr == "" {
		t.Skip("DANCE_TEST_REDIS_ADDR is not set")
	}
	client := redis.NewClient(&redis.Options{Addr: addr})
	prefix := "dance-used-" + strings.ToLower(rand.Text()) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := client.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			client.Del(ctx, keys...)
		}
		client.Close()
	})
	return redisstate.New(client, prefix)
}

// instance is a second app (a second instance of the fleet, or the same
// one after a restart): a new blueprint and engine against the same
// provider, with the same cookie keys and record of used states.
func (h *harness) instance(used statestore.Store) (*dance.Blueprint, string) {
	h.T.Helper()
	cfg := h.P.OAuth2Config("github")
	cfg.UsedStates = used
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		h.T.Fatal(err)
	}
	return bp, apptest.TestServer(h.T, apptest.NewRouter(bp))
}

// replayOn plays the callback cb on the app at base with the cookies the
// browser had before the callback, as an attacker who captured both
// would, and returns the status and whether the attacker got a token.
func (h *harness) replayOn(base string, oldCookies []*http.Cookie, cb *url.URL) (int, bool) {
	h.T.Helper()
	b, _ := url.Parse(base)
	attacker := dancetest.NewBrowser(h.T)
	attacker.Jar.SetCookies(b, oldCookies)
	u := *cb
	u.Host = b.Host
	resp := attacker.Get(u.String())
	resp.Body.Close()
	tok := attacker.Get(base + "/token")
	defer tok.Body.Close()
	var body strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := tok.Body.Read(buf)
		body.WriteString(string(buf[:n]))
		if err != nil {
			break
		}
	}
	return resp.StatusCode, strings.TrimSpace(body.String()) != "null"
}

// A callback completed on instance A and replayed on instance B with the
// cookie from before the callback is refused with 403: B does not call
// the token endpoint and stores nothing. The same holds across a restart
// (a new blueprint). Both share the Redis record of used states.
func TestReplayAcrossInstancesRefused(t *testing.T) {
	used := redisUsedStates(t)
	for _, tc := range []string{"second instance", "restart"} {
		t.Run(tc, func(t *testing.T) {
			h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.UsedStates = used })
			cb := h.Approve(h.Login("/login/github"))
			appURL, _ := url.Parse(h.App.URL)
			oldCookies := h.Browser.Jar.Cookies(appURL)
			if resp, _ := h.Get(cb.String()); resp.StatusCode != http.StatusFound {
				t.Fatalf("first callback: %d", resp.StatusCode)
			}
			if tc == "restart" {
				h.App.Close() // instance A is gone
			}
			_, other := h.instance(used)
			status, stored := h.replayOn(other, oldCookies, cb)
			if status != http.StatusForbidden {
				t.Fatalf("replay on the other instance: status %d, want 403", status)
			}
			if n := h.TokenPosts(); n != 1 {
				t.Fatalf("%d token requests, want 1", n)
			}
			if stored {
				t.Fatal("the replay stored a token")
			}
		})
	}
}

// With the default, in-process record, a second instance does not know
// the states used on the first: the documented limit of that mode.
func TestReplayAcrossInstancesInProcessLimit(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	cb := h.Approve(h.Login("/login/github"))
	appURL, _ := url.Parse(h.App.URL)
	oldCookies := h.Browser.Jar.Cookies(appURL)
	if resp, _ := h.Get(cb.String()); resp.StatusCode != http.StatusFound {
		t.Fatalf("first callback: %d", resp.StatusCode)
	}
	_, other := h.instance(nil)
	h.replayOn(other, oldCookies, cb)
	if n := h.TokenPosts(); n != 2 {
		t.Fatalf("%d token requests; docs/security.md says a second in-process instance calls the token endpoint again", n)
	}
}

// 50 concurrent callbacks with one state make exactly one call to the
// token endpoint, with either record of used states: checking and
// recording a state is one step.
func TestConcurrentCallbacksOneTokenRequest(t *testing.T) {
	for _, tc := range []struct {
		name string
		used func(t *testing.T) statestore.Store
	}{
		{"in-process", func(*testing.T) statestore.Store { return nil }},
		{"redis", redisUsedStates},
	} {
		t.Run(tc.name, func(t *testing.T) {
			used := tc.used(t)
			h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.UsedStates = used })
			cb := h.Approve(h.Login("/login/github"))
			var wg sync.WaitGroup
			codes := make(chan int, 50)
			for range 50 {
				wg.Go(func() {
					resp := h.Browser.Get(cb.String())
					resp.Body.Close()
					codes <- resp.StatusCode
				})
			}
			wg.Wait()
			close(codes)
			ok := 0
			for c := range codes {
				if c == http.StatusFound {
					ok++
				}
			}
			if n := h.TokenPosts(); n != 1 || ok != 1 {
				t.Fatalf("%d token requests and %d admitted callbacks, want 1 and 1", n, ok)
			}
		})
	}
}

// A record of used states that does not answer refuses the callback with
// 503 (fail closed): no token request, nothing stored.
func TestUsedStatesDownFailsClosed(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.UsedStates = redisstate.New(client, "") })
	resp, _ := h.Get(h.Approve(h.Login("/login/github")).String())
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", resp.StatusCode)
	}
	if h.TokenPosts() != 0 || h.StoredToken() != nil {
		t.Fatal("something was fetched or stored")
	}
}
