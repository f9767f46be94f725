package dance_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-dance/dance/dancetest"
)

// A logged-in user whose session holds a token starts a login with a long
// but valid next path that the cookie has no room for: the login goes on
// to the provider without the return path, logs at Warn, and the dance
// completes (to "/"). It never answers 500.
func TestLoginReturnPathThatDoesNotFit(t *testing.T) {
	for _, tc := range []struct {
		name        string
		token, next int // bytes
	}{
		{"1KB token, 1KB next", 1024, 1024},
		{"126B token, 2KB next", 126, 2040},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, dancetest.Config{Extra: map[string]any{"pad": strings.Repeat("p", tc.token)}}, nil)
			h.Browser.Dance(h.URL("/login/github")).Body.Close()
			if h.StoredToken() == nil {
				t.Fatal("first login stored no token")
			}
			next := "/" + strings.Repeat("n", tc.next-1)
			resp := h.Browser.Get(h.URL("/login/github?next=" + next))
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("login with a long next: status %d, want 302", resp.StatusCode)
			}
			loc := h.Browser.Location(resp)
			if !strings.HasPrefix(loc.String(), h.P.URL) {
				t.Fatalf("login went to %s, want the provider", loc)
			}
			mustContain(t, h.Logs.String(), "level=WARN msg=\"dance: return path dropped")
			cb := h.Approve(loc)
			resp, _ = h.Get(cb.String())
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
				t.Fatalf("callback: %d to %q, want 302 to /", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}
