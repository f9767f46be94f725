package dance_test

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// newScopeHarness is a harness whose blueprint asks for "user", with a
// /repos route that needs "repo", and a /api route that calls the fake's
// /user/repos, which needs "repo" too. On ErrInsufficientScope, /api
// starts the step-up in one line.
func newScopeHarness(t *testing.T, pcfg dancetest.Config) *harness {
	t.Helper()
	pcfg.Paths = map[string]any{"/user/repos": "[]"}
	pcfg.PathScopes = map[string]string{"/user/repos": "repo"}
	h := newHarness(t, pcfg, func(c *dance.OAuth2Config) { c.Scopes = []string{"user"} })
	h.Router.GET("/repos", h.BP.Required("repo"), func(c *gin.Context) { c.String(200, "your repos") })
	h.Router.GET("/api", func(c *gin.Context) {
		var repos []any
		err := apptest.Client(c, h.BP).GetJSON("user/repos", &repos)
		var e *dance.Error
		if errors.Is(err, dance.ErrInsufficientScope) && errors.As(err, &e) {
			c.Header("X-Missing", strings.Join(e.Scopes, " "))
			c.Header("X-Status", http.StatusText(e.Status))
			c.Header("X-Stage", string(e.Stage))
			h.BP.Required(e.Scopes...)(c) // the step-up, in one line
			return
		}
		if err != nil {
			c.String(502, err.Error())
			return
		}
		c.String(200, "your repos")
	})
	return h
}

// firstLogin logs in with the blueprint's scopes and returns the token.
func (h *harness) firstLogin() string {
	h.T.Helper()
	h.Browser.Dance(h.URL(h.LoginPath())).Body.Close()
	at, _ := h.StoredToken()["access_token"].(string)
	if at == "" {
		h.T.Fatal("no token after the first login")
	}
	return at
}

// TestStepUpDeclineKeepsOldToken: a user who declines the step-up keeps
// the old token, and the route answers 403 instead of asking again.
func TestStepUpDeclineKeepsOldToken(t *testing.T) {
	h := newScopeHarness(t, dancetest.Config{})
	old := h.firstLogin()
	authURL := h.Login("/repos")
	q := authURL.Query()
	cb, _ := url.Parse(q.Get("redirect_uri"))
	cb.RawQuery = url.Values{"error": {"access_denied"}, "state": {q.Get("state")}}.Encode()
	resp, _ := h.Get(cb.String())
	if loc := h.Browser.Location(resp); loc.Path != "/repos" {
		t.Fatalf("declined step-up goes to %s, want /repos", loc)
	}
	if at := h.StoredToken()["access_token"]; at != old {
		t.Errorf("after a declined step-up the token changed (or is gone): %v", at != nil)
	}
	resp, body := h.Get(h.URL("/repos"))
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("/repos after declining: %d (Location %q), want 403", resp.StatusCode, resp.Header.Get("Location"))
	}
	mustContain(t, body, "repo")
	errs := h.Errors()
	if last := errs[len(errs)-1]; !errors.Is(last, dance.ErrInsufficientScope) || !slices.Equal(last.Scopes, []string{"repo"}) {
		t.Errorf("last error = %v (scopes %v)", last, last.Scopes)
	}
	// Starting a login from the login route asks again.
	h.firstLogin()
	if authURL := h.Login("/repos"); authURL.Query().Get("scope") != "user repo" {
		t.Errorf("after a new login, the step-up asks %q", authURL.Query().Get("scope"))
	}
}

// TestStepUpScopeParameterCannotWiden: a "scope" query parameter on the
// login route, or on the route that needs more, changes nothing.
func TestStepUpScopeParameterCannotWiden(t *testing.T) {
	h := newScopeHarness(t, dancetest.Config{})
	if got := h.Login(h.LoginPath() + "?scope=admin+repo").Query().Get("scope"); got != "user" {
		t.Errorf("login?scope=admin asks %q, want user", got)
	}
	h.firstLogin()
	if got := h.Login("/repos?scope=admin").Query().Get("scope"); got != "user repo" {
		t.Errorf("step-up from /repos?scope=admin asks %q, want \"user repo\"", got)
	}
}

// TestInsufficientScopeRFC6750 and TestInsufficientScopeGitHubHeaders: an
// API refusal for lack of scope is an *Error of stage api with status 403
// that matches ErrInsufficientScope and names the scope; the handler's
// one-line step-up sends the user to the provider for the union.
func TestInsufficientScopeRFC6750(t *testing.T) {
	testInsufficientScope(t, dancetest.Config{})
}

func TestInsufficientScopeGitHubHeaders(t *testing.T) {
	testInsufficientScope(t, dancetest.Config{ScopeHeaders: true})
}

func testInsufficientScope(t *testing.T, pcfg dancetest.Config) {
	h := newScopeHarness(t, pcfg)
	h.firstLogin()
	resp := h.Browser.Get(h.URL("/api"))
	resp.Body.Close()
	if resp.Header.Get("X-Missing") != "repo" || resp.Header.Get("X-Stage") != "api" || resp.Header.Get("X-Status") != "Forbidden" {
		t.Fatalf("/api: status %d, missing %q, stage %q, status %q", resp.StatusCode,
			resp.Header.Get("X-Missing"), resp.Header.Get("X-Stage"), resp.Header.Get("X-Status"))
	}
	if got := h.Browser.Location(resp).Query().Get("scope"); got != "user repo" {
		t.Errorf("one-line step-up asks %q, want \"user repo\"", got)
	}
}

// TestStepUpShortGrantNoLoop: a provider that grants fewer scopes than
// asked leaves the route refused with 403, not redirected again.
func TestStepUpShortGrantNoLoop(t *testing.T) {
	h := newScopeHarness(t, dancetest.Config{Withhold: []string{"repo"}})
	h.firstLogin()
	cb := h.Approve(h.Login("/repos"))
	resp, _ := h.Get(cb.String())
	if loc := h.Browser.Location(resp); loc.Path != "/repos" {
		t.Fatalf("step-up callback goes to %s", loc)
	}
	if got := h.StoredToken()["scope"]; got == nil {
		t.Fatalf("stored token has no scope")
	}
	for i := 0; i < 2; i++ {
		resp, body := h.Get(h.URL("/repos"))
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("/repos after a short grant (visit %d): %d (Location %q), want 403", i+1, resp.StatusCode, resp.Header.Get("Location"))
		}
		mustContain(t, body, "did not grant repo")
	}
	if n := len(h.P.RequestsTo("/authorize")); n != 2 {
		t.Errorf("the provider saw %d authorization requests, want 2 (login and one step-up)", n)
	}
}

// TestScopesUnknown: a token without a scope field reads as unknown, an
// empty one as none; Required lets an unknown token through.
func TestScopesUnknown(t *testing.T) {
	h := newScopeHarness(t, dancetest.Config{})
	h.Router.GET("/set", func(c *gin.Context) {
		tok := dancetest.Token("at")
		if c.Query("empty") != "" {
			tok.Scope = []string{}
		}
		if c.Query("github") != "" { // GitHub's token response: "scope": "user:email,repo"
			tok.Scope = []string{"user:email,repo"}
		}
		_ = apptest.Client(c, h.BP).SetToken(tok)
		granted, known, err := apptest.Client(c, h.BP).Scopes()
		c.String(200, "%v %v %v", granted, known, err)
	})
	if _, body := h.Get(h.URL("/set")); body != "[] false <nil>" {
		t.Errorf("no scope field: %q, want unknown", body)
	}
	if resp, _ := h.Get(h.URL("/repos")); resp.StatusCode != 200 {
		t.Errorf("Required with unknown scopes: %d, want 200", resp.StatusCode)
	}
	if _, body := h.Get(h.URL("/set?empty=1")); body != "[] true <nil>" {
		t.Errorf("empty scope field: %q, want known and none", body)
	}
	if _, body := h.Get(h.URL("/set?github=1")); body != "[user:email repo] true <nil>" {
		t.Errorf("comma-separated scope field: %q", body)
	}
}
