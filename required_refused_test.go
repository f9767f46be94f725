package dance_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
)

// refusingAuthorize is an authorization endpoint that refuses every
// login at once, as a provider does with a misconfigured client (found
// against oidc-provider: a client that must use PAR, sent without it):
// it sends the browser back with error=invalid_request and the state.
func refusingAuthorize(t *testing.T, trips *atomic.Int32) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		trips.Add(1)
		q := r.URL.Query()
		back, err := url.Parse(q.Get("redirect_uri"))
		if err != nil {
			http.Error(w, "bad redirect_uri", http.StatusBadRequest)
			return
		}
		back.RawQuery = url.Values{"error": {"invalid_request"}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/authorize"
}

// A Required route whose login the provider refuses at once ends on the
// error page (403) after one trip, not in a redirect loop through the
// provider; the error hook ran once, on the callback. The user's own
// click on the login route tries again, once more.
func TestRequiredRefusedLoginEndsAfterOneTrip(t *testing.T) {
	var trips atomic.Int32
	authURL := refusingAuthorize(t, &trips)
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.AuthURL = authURL })
	resp, body := h.visit("/private", browserAccept)
	if n := trips.Load(); n != 1 {
		t.Fatalf("%d trips to the provider, want 1", n)
	}
	if resp.StatusCode != http.StatusForbidden || resp.Request.URL.Path != "/private" {
		t.Fatalf("ends on %s with %d %q, want 403 on /private", resp.Request.URL.Path, resp.StatusCode, body)
	}
	mustContain(t, body, "The provider did not grant access.")
	mustContain(t, h.Logs.String(), "not sending the user to the provider again")
	if errs := h.Errors(); len(errs) != 1 || errs[0].Code != "invalid_request" {
		t.Errorf("error hooks got %v, want one invalid_request", errs)
	}
	if h.TokenPosts() != 0 {
		t.Errorf("%d token requests, want none", h.TokenPosts())
	}

	// Starting a login by hand asks the provider again, once.
	h.visit(h.LoginPath()+"?next=/private", browserAccept)
	if n := trips.Load(); n != 2 {
		t.Fatalf("%d trips after a login by hand, want 2", n)
	}
}

// After the refusal's lifetime (the state's), Required starts a login
// again: the refusal is not remembered forever.
func TestRequiredRefusalExpires(t *testing.T) {
	var trips atomic.Int32
	authURL := refusingAuthorize(t, &trips)
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.AuthURL = authURL })
	h.visit("/private", browserAccept)
	restore := h.Clock.Set(11 * time.Minute) // past the state's 10 minutes
	defer restore()
	resp, _ := h.visit("/private", browserAccept)
	if n := trips.Load(); n != 2 {
		t.Fatalf("%d trips, want 2 (one per visit once the refusal expired)", n)
	}
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("second visit ends with %d, want 403 after its own single trip", resp.StatusCode)
	}
}
