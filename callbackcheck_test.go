package dance_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
)

// TestCallbackCheck: a callback that OAuth2Config.CallbackCheck refuses
// gets 403 and the error page, the error hook gets a state error, no code
// is exchanged, and the login stays unused: the provider's real callback
// still completes it afterwards.
func TestCallbackCheck(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
		c.CallbackCheck = func(q url.Values) error {
			if q.Get("sig") != "ok" {
				return errors.New("the callback is not signed")
			}
			return nil
		}
	})
	cb := h.Approve(h.Login(h.LoginPath()))
	forged := *cb
	resp, body := h.Get(forged.String())
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Error ID") {
		t.Fatalf("unsigned callback: %d %q, want 403 and the error page", resp.StatusCode, body)
	}
	if errs := h.Errors(); len(errs) != 1 || errs[0].Stage != dance.StageState || !strings.Contains(errs[0].Error(), "not signed") {
		t.Fatalf("error hook got %v, want one state error from the check", errs)
	}
	if n := h.TokenPosts(); n != 0 {
		t.Fatalf("%d token requests for a refused callback", n)
	}
	q := cb.Query()
	q.Set("sig", "ok")
	cb.RawQuery = q.Encode()
	if resp, body := h.Get(cb.String()); resp.StatusCode != http.StatusFound || h.TokenPosts() != 1 {
		t.Fatalf("signed callback after a refused one: %d %q, %d token requests; want the login completed", resp.StatusCode, body, h.TokenPosts())
	}
}
