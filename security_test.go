package dance_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// A verifier set up at login is required on the callback: a session whose
// flow has no verifier (a downgrade) is refused.
func TestVerifierRequiredWhenPKCEIsOn(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	h.router.GET("/plant", func(c *gin.Context) {
		if err := dance.StartFlowForTest(c, h.bp, "planted-state", ""); err != nil {
			c.String(500, err.Error())
			return
		}
		c.String(200, "ok")
	})
	if resp, _ := h.get(h.url("/plant")); resp.StatusCode != 200 {
		t.Fatal("could not plant the flow")
	}
	resp, body := h.get(h.url("/login/github/authorized?code=c&state=planted-state"))
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d (%q), want 403", resp.StatusCode, body)
	}
	if errs := h.errors(); len(errs) != 1 || !errors.Is(errs[0], dance.ErrVerifierMissing) {
		t.Fatalf("error hooks got %v", errs)
	}
	if h.tokenPosts() != 0 {
		t.Fatal("token endpoint called")
	}
}

// A token too big for the cookie is an error through the hooks, and the
// redirect still happens; nothing half-stored.
func TestTokenTooLargeForCookie(t *testing.T) {
	h := newHarness(t, dancetest.Config{Extra: map[string]any{"id_token": strings.Repeat("x", 5000)}}, nil)
	resp := h.browser.Dance(h.url("/login/github"))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("got %d to %q, want the redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
	errs := h.errors()
	if len(errs) != 1 || !errors.Is(errs[0], storage.ErrTooLarge) || errs[0].Stage != dance.StageStore {
		t.Fatalf("error hooks got %v", errs)
	}
	if h.storedToken() != nil {
		t.Fatal("token stored")
	}
	// The session still works: a new login sets a state.
	h.login("/login/github")
}

// Acceptance 19: nothing sensitive in logs or error strings, across every
// path above.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	h := newHarness(t, dancetest.Config{RefreshToken: true}, func(c *dance.OAuth2Config) { c.Timeout = 200 * time.Millisecond })
	var errTexts []string
	h.bp.Hooks().OnError(func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { errTexts = append(errTexts, e.Error()) })
	var bodies []string
	get := func(u string) {
		_, body := h.get(u)
		bodies = append(bodies, body)
	}

	h.browser.Dance(h.url("/login/github"))              // success
	get(h.url("/me"))                                    // API call
	get(h.url("/private"))                               // required
	cb := h.approve(h.login("/login/github"))            // replay
	get(cb.String())                                     //
	get(cb.String())                                     //
	cb = h.approve(h.login("/login/github"))             // wrong state
	q := cb.Query()                                      //
	q.Set("state", q.Get("state")+"x")                   //
	get(h.url("/login/github/authorized?" + q.Encode())) //
	auth := h.login("/login/github")                     // missing code
	get(h.url("/login/github/authorized?state=" + url.QueryEscape(auth.Query().Get("state"))))
	for _, f := range []dancetest.Failure{dancetest.FailStatus500, dancetest.FailGarbage, dancetest.FailErrorIn200, dancetest.FailInvalidGrant, dancetest.FailSlow} {
		h.p.Fail(f)
		get(h.approve(h.login("/login/github")).String())
	}
	h.p.Fail(dancetest.FailNone)
	get(h.url("/login/github/authorized?error=access_denied&state=" + url.QueryEscape(h.login("/login/github").Query().Get("state"))))

	if len(errTexts) < 8 {
		t.Fatalf("only %d errors produced; the scenario is broken", len(errTexts))
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "dance:") {
		t.Fatal("no debug logs captured")
	}
	secrets := h.p.Secrets()
	if len(secrets) < 10 {
		t.Fatalf("only %d secrets collected", len(secrets))
	}
	for _, s := range secrets {
		if len(s) < 8 {
			continue
		}
		if strings.Contains(logs, s) {
			t.Errorf("log contains a secret (%d chars)", len(s))
		}
		for _, e := range append(errTexts, bodies...) {
			if strings.Contains(e, s) {
				t.Errorf("error text or response contains a secret: %q", e[:min(len(e), 40)])
			}
		}
	}
}
