package dance_test

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// Acceptance 1.
func TestLoginRedirectsToProviderWithStateAndPKCE(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.Scopes = []string{"user:email", "repo"} })
	auth := h.Login("/login/github")
	if got, want := auth.Scheme+"://"+auth.Host+auth.Path, h.P.URL+"/authorize"; got != want {
		t.Fatalf("authorize URL = %s, want %s", got, want)
	}
	q := auth.Query()
	if q.Get("client_id") != h.P.ClientID() {
		t.Errorf("client_id = %q", q.Get("client_id"))
	}
	if got, want := q.Get("redirect_uri"), h.URL("/login/github/authorized"); got != want {
		t.Errorf("redirect_uri = %q, want %q", got, want)
	}
	if got := q.Get("scope"); got != "user:email repo" {
		t.Errorf("scope = %q", got)
	}
	if q.Get("response_type") != "code" {
		t.Errorf("response_type = %q", q.Get("response_type"))
	}
	if len(q.Get("state")) < 43 { // 32 bytes, base64url
		t.Errorf("state %d chars, want at least 43", len(q.Get("state")))
	}
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" {
		t.Errorf("PKCE: challenge %q method %q", q.Get("code_challenge"), q.Get("code_challenge_method"))
	}
	// The state and verifier are in the session: the provider's callback
	// completes, and the provider checks the verifier against the challenge.
	resp, _ := h.Get(h.Approve(auth).String())
	if resp.StatusCode != http.StatusFound || h.TokenPosts() != 1 {
		t.Fatalf("callback: status %d, token posts %d", resp.StatusCode, h.TokenPosts())
	}
	if h.StoredToken()["access_token"] == nil {
		t.Fatal("no token stored: state or verifier were not kept in the session")
	}
}

// Two logins in a row get different states.
func TestStateIsFreshEachLogin(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	a := h.Login("/login/github").Query().Get("state")
	b := h.Login("/login/github").Query().Get("state")
	if a == b {
		t.Fatal("two logins got the same state")
	}
}

// Acceptance 2.
func TestCustomLoginAndAuthorizedPaths(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
		c.LoginPath = "/gh/start"
		c.AuthorizedPath = "/gh/back"
	})
	resp, _ := h.Get(h.URL("/login/github"))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("old login path: status %d, want 404", resp.StatusCode)
	}
	auth := h.Login("/login/gh/start")
	if got, want := auth.Query().Get("redirect_uri"), h.URL("/login/gh/back"); got != want {
		t.Errorf("redirect_uri = %q, want %q", got, want)
	}
	if h.BP.LoginURL() != "/login/gh/start" || h.BP.AuthorizedURL() != "/login/gh/back" {
		t.Errorf("LoginURL %q AuthorizedURL %q", h.BP.LoginURL(), h.BP.AuthorizedURL())
	}
}

// Acceptance 3.
func TestForwardedProtoOnlyFromTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []string
		want    string
	}{
		{"trusted", []string{"127.0.0.0/8"}, "https://"},
		{"untrusted", []string{"10.0.0.0/8"}, "http://"},
		{"none", nil, "http://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.TrustedProxies = tc.trusted })
			req, _ := http.NewRequest("GET", h.URL("/login/github"), nil)
			req.Header.Set("X-Forwarded-Proto", "https")
			req.Header.Set("X-Forwarded-Host", "app.example.com")
			resp, err := h.Browser.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			ru := h.Browser.Location(resp).Query().Get("redirect_uri")
			if !strings.HasPrefix(ru, tc.want) {
				t.Errorf("redirect_uri = %q, want prefix %q", ru, tc.want)
			}
			if tc.want == "https://" && ru != "https://app.example.com/login/github/authorized" {
				t.Errorf("redirect_uri = %q, want the forwarded host", ru)
			}
		})
	}
}

func TestPublicURLWinsOverRequestAndHeaders(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
		c.PublicURL = "https://public.example.com/app/"
		c.TrustedProxies = []string{"127.0.0.1"}
	})
	req, _ := http.NewRequest("GET", h.URL("/login/github"), nil)
	req.Header.Set("X-Forwarded-Host", "other.example.com")
	resp, err := h.Browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := h.Browser.Location(resp).Query().Get("redirect_uri"); got != "https://public.example.com/app/login/github/authorized" {
		t.Errorf("redirect_uri = %q", got)
	}
}

// Acceptance 4.
func TestPKCEOff(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.DisablePKCE = true })
	auth := h.Login("/login/github")
	if auth.Query().Has("code_challenge") || auth.Query().Has("code_challenge_method") {
		t.Fatalf("PKCE parameters sent with PKCE off: %v", auth.Query())
	}
	h.Get(h.Approve(auth).String())
	posts := h.P.RequestsTo("/token")
	if len(posts) != 1 || posts[0].Form.Has("code_verifier") {
		t.Fatalf("token request: %d posts, verifier sent: %v", len(posts), len(posts) == 1 && posts[0].Form.Has("code_verifier"))
	}
	if h.StoredToken()["access_token"] == nil {
		t.Fatal("no token stored")
	}
}

// Acceptance 5.
func TestGoodCallbackExchangesAndStores(t *testing.T) {
	h := newHarness(t, dancetest.Config{ExpiresIn: 3600, Scope: "user:email"}, nil)
	auth := h.Login("/login/github")
	callback := h.Approve(auth)
	before := time.Now()
	resp, _ := h.Get(callback.String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d to %q, want 302 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	posts := h.P.RequestsTo("/token")
	if len(posts) != 1 {
		t.Fatalf("%d token requests, want 1", len(posts))
	}
	f := posts[0].Form
	if posts[0].Method != "POST" || f.Get("code") != callback.Query().Get("code") ||
		f.Get("redirect_uri") != h.URL("/login/github/authorized") || f.Get("code_verifier") == "" ||
		f.Get("grant_type") != "authorization_code" {
		t.Errorf("token request form = %v", f)
	}
	if user, _, ok := posts[0].Header.Get("Authorization"), "", strings.HasPrefix(posts[0].Header.Get("Authorization"), "Basic "); !ok {
		t.Errorf("client credentials not sent with Basic auth: %q", user)
	}
	tok := h.StoredToken()
	if tok["access_token"] == nil || tok["token_type"] != "bearer" {
		t.Errorf("stored token = %v", tok)
	}
	if s, ok := tok["scope"].([]any); !ok || len(s) != 1 || s[0] != "user:email" {
		t.Errorf("scope = %#v, want [user:email]", tok["scope"])
	}
	exp, _ := tok["expires_at"].(float64)
	want := float64(before.Unix() + 3600)
	if math.Abs(exp-want) > 5 {
		t.Errorf("expires_at = %f, want about %f", exp, want)
	}
}

// Acceptance 6.
func TestExpiresInIsRecomputedOnRead(t *testing.T) {
	past := &dance.Token{AccessToken: "x", ExpiresAt: time.Now().Add(-90 * time.Second)}
	b, err := past.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back dance.Token
	if err := back.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if in := back.ExpiresIn(time.Now()); in > -89*time.Second || in < -92*time.Second {
		t.Errorf("ExpiresIn = %v, want about -90s", in)
	}
	mustContain(t, string(b), `"expires_in":-9`)

	// Through the app: a token stored with a 2 s lifetime reads back with
	// a smaller expires_in later.
	h := newHarness(t, dancetest.Config{ExpiresIn: 2}, nil)
	h.Browser.Dance(h.URL("/login/github"))
	first := h.StoredToken()["expires_in"].(float64)
	time.Sleep(1100 * time.Millisecond)
	second := h.StoredToken()["expires_in"].(float64)
	if second >= first {
		t.Errorf("expires_in went from %v to %v; want it recomputed", first, second)
	}
}

// Acceptance 7.
func TestCallbackWithoutStateInSessionRedirectsToLogin(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	resp, _ := h.Get(h.URL("/login/github/authorized?code=abc&state=xyz"))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login/github" {
		t.Fatalf("got %d to %q, want 302 to /login/github", resp.StatusCode, resp.Header.Get("Location"))
	}
	if h.TokenPosts() != 0 || h.StoredToken() != nil {
		t.Fatal("something was fetched or stored")
	}
}

// Acceptance 8.
func TestWrongStateAndReplayAreForbidden(t *testing.T) {
	t.Run("wrong state", func(t *testing.T) {
		h := newHarness(t, dancetest.Config{}, nil)
		cb := h.Approve(h.Login("/login/github"))
		q := cb.Query()
		q.Set("state", "forged-"+q.Get("state"))
		cb.RawQuery = q.Encode()
		resp, _ := h.Get(cb.String())
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
		mustContain(t, h.Logs.String(), "state mismatch")
		if h.TokenPosts() != 0 || h.StoredToken() != nil {
			t.Fatal("something was fetched or stored")
		}
		if errs := h.Errors(); len(errs) != 1 || !errors.Is(errs[0], dance.ErrStateMismatch) {
			t.Fatalf("error hooks got %v", errs)
		}
	})
	t.Run("replay with the new cookie", func(t *testing.T) {
		h := newHarness(t, dancetest.Config{}, nil)
		cb := h.Approve(h.Login("/login/github"))
		if resp, _ := h.Get(cb.String()); resp.StatusCode != http.StatusFound {
			t.Fatalf("first callback: %d", resp.StatusCode)
		}
		resp, _ := h.Get(cb.String())
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("replay: status %d, want 403", resp.StatusCode)
		}
		if h.TokenPosts() != 1 {
			t.Fatalf("%d token requests, want 1", h.TokenPosts())
		}
	})
	t.Run("replay with the old cookie", func(t *testing.T) {
		h := newHarness(t, dancetest.Config{}, nil)
		cb := h.Approve(h.Login("/login/github"))
		appURL, _ := url.Parse(h.App.URL)
		oldCookies := h.Browser.Jar.Cookies(appURL)
		if resp, _ := h.Get(cb.String()); resp.StatusCode != http.StatusFound {
			t.Fatalf("first callback: %d", resp.StatusCode)
		}
		// An attacker who captured the cookie and the callback URL.
		attacker := dancetest.NewBrowser(t)
		attacker.Jar.SetCookies(appURL, oldCookies)
		resp := attacker.Get(cb.String())
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("replay: status %d, want 403", resp.StatusCode)
		}
		if h.TokenPosts() != 1 {
			t.Fatalf("%d token requests, want 1", h.TokenPosts())
		}
	})
	t.Run("expired", func(t *testing.T) {
		h := newHarness(t, dancetest.Config{}, nil)
		restore := h.Clock.Set(-11 * time.Minute)
		auth := h.Login("/login/github")
		restore()
		resp, _ := h.Get(h.Approve(auth).String())
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
		mustContain(t, h.Logs.String(), "expired")
		if h.TokenPosts() != 0 {
			t.Fatal("token endpoint called")
		}
	})
}

// Acceptance 9.
func TestMissingCodeIsBadRequest(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	auth := h.Login("/login/github")
	state := auth.Query().Get("state")
	resp, body := h.Get(h.URL("/login/github/authorized?state=" + url.QueryEscape(state) + "&evil=%3Cscript%3Ealert(1)%3C/script%3E"))
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
	mustContain(t, h.Logs.String(), `\"code\"`)
	if strings.Contains(body, "<script>") || strings.Contains(body, state) {
		t.Errorf("body echoes the request: %q", body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
	if h.TokenPosts() != 0 || h.StoredToken() != nil {
		t.Fatal("something was fetched or stored")
	}
}

// Acceptance 10.
func TestProviderErrorRunsErrorHooks(t *testing.T) {
	t.Run("redirects to next", func(t *testing.T) {
		h := newHarness(t, dancetest.Config{}, nil)
		auth := h.Login("/login/github?next=/after")
		before := len(h.P.Requests())
		q := url.Values{"error": {"access_denied"}, "error_description": {"The user said no & left"}, "error_uri": {"https://p/doc"}, "state": {auth.Query().Get("state")}}
		resp, _ := h.Get(h.URL("/login/github/authorized?" + q.Encode()))
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/after" {
			t.Fatalf("got %d to %q, want 302 to /after", resp.StatusCode, resp.Header.Get("Location"))
		}
		errs := h.Errors()
		if len(errs) != 1 {
			t.Fatalf("%d error hook calls, want 1", len(errs))
		}
		e := errs[0]
		if e.Code != "access_denied" || e.Description != "The user said no & left" || e.URI != "https://p/doc" || !errors.Is(e, dance.ErrDenied) || e.Stage != dance.StageAuthorize {
			t.Errorf("error = %+v", e)
		}
		if len(h.P.Requests()) != before {
			t.Error("the provider was called")
		}
		if h.StoredToken() != nil {
			t.Error("token stored")
		}
	})
	t.Run("hook response wins", func(t *testing.T) {
		h := newHarness(t, dancetest.Config{}, nil)
		h.Hooks.OnError(func(c *gin.Context, _ *dance.Blueprint, e *dance.Error) {
			c.String(http.StatusUnauthorized, "sorry: %s", e.Code)
		})
		h.Login("/login/github")
		resp, body := h.Get(h.URL("/login/github/authorized?error=access_denied"))
		if resp.StatusCode != http.StatusUnauthorized || body != "sorry: access_denied" {
			t.Fatalf("got %d %q", resp.StatusCode, body)
		}
	})
}

// Acceptance 11 (and OAuth 1 acceptance 10: the same table runs for both
// protocols).
func TestFinalRedirect(t *testing.T) {
	for _, tc := range []struct {
		name    string
		nextURL string
		next    string
		want    string
	}{
		{"default", "", "", "/"},
		{"next URL", "/profile", "", "/profile"},
		{"next wins", "/welcome", "/deep/link?x=1", "/deep/link?x=1"},
		{"scheme-relative next ignored", "/welcome", "//evil.com", "/welcome"},
		{"absolute next ignored", "", "https://evil.com", "/"},
		{"backslash next ignored", "", `/\evil.com`, "/"},
		{"encoded backslash ignored", "", "/%5Cevil.com", "/%5Cevil.com"},
	} {
		for _, proto := range protocols {
			t.Run(proto.name+"/"+tc.name, func(t *testing.T) {
				h := proto.new(t, func(o *dance.Options) { o.NextURL = tc.nextURL })
				login := h.URL(h.LoginPath())
				if tc.next != "" {
					login += "?next=" + url.QueryEscape(tc.next)
				}
				resp := h.Browser.Dance(login)
				if got := resp.Header.Get("Location"); got != tc.want {
					t.Errorf("Location = %q, want %q", got, tc.want)
				}
			})
		}
	}
}

// Acceptance 12.
func TestRequiredMiddleware(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	resp, _ := h.Get(h.URL("/private?x=1"))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login/github?next=%2Fprivate%3Fx%3D1" {
		t.Fatalf("without token: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Following that redirect through the dance lands back on the page.
	final := h.Browser.Dance(h.URL(resp.Header.Get("Location")))
	if final.Header.Get("Location") != "/private?x=1" {
		t.Errorf("after the dance: Location %q", final.Header.Get("Location"))
	}
	resp, body := h.Get(h.URL("/private"))
	if resp.StatusCode != 200 || body != "secret page" {
		t.Fatalf("with token: %d %q", resp.StatusCode, body)
	}
}

// Acceptance 13 (and OAuth 1 acceptance 10: the same cases run for both
// protocols).
func TestAuthorizedHooks(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) { testAuthorizedHooks(t, proto.new) })
	}
	t.Run("oauth2/scoped to the blueprint", testHooksScopedToBlueprint)
}

func testAuthorizedHooks(t *testing.T, newH func(*testing.T, func(*dance.Options)) *harness) {
	t.Run("runs once with the token", func(t *testing.T) {
		h := newH(t, nil)
		var calls []string
		h.Hooks.OnAuthorized(func(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
			calls = append(calls, bp.Name()+":"+tokenID(tok))
			return true, nil
		})
		h.Browser.Dance(h.URL(h.LoginPath()))
		stored := h.StoredToken()
		id, _ := stored["access_token"].(string)
		if id == "" {
			id, _ = stored["oauth_token"].(string)
		}
		if len(calls) != 1 || id == "" || calls[0] != h.Name+":"+id {
			t.Fatalf("calls = %v", len(calls))
		}
	})
	t.Run("client uses the new token", func(t *testing.T) {
		h := newHarness(t, dancetest.Config{}, nil)
		var login string
		h.Hooks.OnAuthorized(func(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
			var user struct{ Login string }
			if err := apptest.Client(c, bp).GetJSON("user", &user); err != nil {
				return false, err
			}
			login = user.Login
			return false, nil // not stored: the client used it from memory
		})
		h.Browser.Dance(h.URL("/login/github"))
		if login != "octocat" || h.StoredToken() != nil {
			t.Fatalf("hook's API call saw %q; stored %v", login, h.StoredToken())
		}
	})
	t.Run("veto", func(t *testing.T) {
		h := newH(t, nil)
		second := false
		h.Hooks.OnAuthorized(func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error) { return false, nil })
		h.Hooks.OnAuthorized(func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error) { second = true; return true, nil })
		resp := h.Browser.Dance(h.URL(h.LoginPath()))
		if resp.StatusCode != http.StatusFound || h.StoredToken() != nil {
			t.Fatalf("status %d; token stored despite veto", resp.StatusCode)
		}
		if !second {
			t.Error("hooks after a veto did not run")
		}
	})
	t.Run("response", func(t *testing.T) {
		h := newH(t, nil)
		second := false
		h.Hooks.OnAuthorized(func(c *gin.Context, _ *dance.Blueprint, _ *dance.Token) (bool, error) {
			c.Redirect(http.StatusSeeOther, "/custom")
			return true, nil
		})
		h.Hooks.OnAuthorized(func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error) { second = true; return true, nil })
		resp := h.Browser.Dance(h.URL(h.LoginPath()))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/custom" {
			t.Fatalf("got %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if second || h.StoredToken() != nil {
			t.Fatalf("chain went on (%v) or token stored", second)
		}
	})
	t.Run("error", func(t *testing.T) {
		h := newH(t, nil)
		h.Hooks.OnAuthorized(func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error) {
			return true, errors.New("no such local user")
		})
		resp := h.Browser.Dance(h.URL(h.LoginPath()))
		if resp.StatusCode != http.StatusInternalServerError || h.StoredToken() != nil {
			t.Fatalf("status %d, or token stored", resp.StatusCode)
		}
		if errs := h.Errors(); len(errs) != 1 || errs[0].Stage != dance.StageHook {
			t.Fatalf("error hooks got %v", errs)
		}
	})
}

func testHooksScopedToBlueprint(t *testing.T) {
	pa := dancetest.NewProvider(dancetest.Config{})
	defer pa.Close()
	pb := dancetest.NewProvider(dancetest.Config{})
	defer pb.Close()
	var fired []string
	cfg := pa.OAuth2Config("a")
	cfg.Hooks.OnAuthorized = func(_ *gin.Context, bp *dance.Blueprint, _ *dance.Token) (bool, error) {
		fired = append(fired, "a-hook:"+bp.Name())
		return true, nil
	}
	a, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := dance.NewOAuth2(pb.OAuth2Config("b"))
	if err != nil {
		t.Fatal(err)
	}
	app := apptest.TestServer(t, apptest.NewRouter(a, b))
	br := dancetest.NewBrowser(t)
	br.Dance(app + "/login/b")
	if len(fired) != 0 {
		t.Fatalf("blueprint a's hook fired for b: %v", fired)
	}
	br.Dance(app + "/login/a")
	if len(fired) != 1 || fired[0] != "a-hook:a" {
		t.Fatalf("fired = %v", fired)
	}
}

func TestSharedHooks(t *testing.T) {
	var names []string
	shared := dance.Hooks{OnAuthorized: func(_ *gin.Context, bp *dance.Blueprint, _ *dance.Token) (bool, error) {
		names = append(names, bp.Name())
		return true, nil
	}}
	var bps []*dance.Blueprint
	for _, n := range []string{"one", "two"} {
		p := dancetest.NewProvider(dancetest.Config{})
		t.Cleanup(p.Close)
		cfg := p.OAuth2Config(n)
		cfg.Hooks = shared
		bp, err := dance.NewOAuth2(cfg)
		if err != nil {
			t.Fatal(err)
		}
		bps = append(bps, bp)
	}
	app := apptest.TestServer(t, apptest.NewRouter(bps...))
	br := dancetest.NewBrowser(t)
	br.Dance(app + "/login/one")
	br.Dance(app + "/login/two")
	if strings.Join(names, ",") != "one,two" {
		t.Fatalf("shared hook saw %v", names)
	}
}

// Acceptance 14.
func TestBeforeLoginHookWritesSession(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	var gotURL string
	h.Hooks.OnBeforeLogin(func(c *gin.Context, _ *dance.Blueprint, authURL string) {
		gotURL = authURL
		sess := sessionOf(c)
		sess.Set("next_url", c.Query("next_url"))
	})
	h.Router.GET("/peek", func(c *gin.Context) { c.String(200, "%v", sessionOf(c).Get("next_url")) })
	auth := h.Login("/login/github?next_url=/dashboard")
	if gotURL != auth.String() {
		t.Errorf("hook got URL %q, redirect went to %q", gotURL, auth.String())
	}
	if _, body := h.Get(h.URL("/peek")); body != "/dashboard" {
		t.Fatalf("session next_url = %q", body)
	}
	// The dance still completes.
	if resp, _ := h.Get(h.Approve(auth).String()); resp.StatusCode != http.StatusFound || h.StoredToken() == nil {
		t.Fatal("dance did not complete after the hook")
	}
}

func TestBeforeLoginHookCanAnswer(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	h.Hooks.OnBeforeLogin(func(c *gin.Context, _ *dance.Blueprint, _ string) {
		c.String(http.StatusTooManyRequests, "slow down")
	})
	resp, body := h.Get(h.URL("/login/github"))
	if resp.StatusCode != http.StatusTooManyRequests || body != "slow down" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
}

// Acceptance 15, and issue 10's provider faults: whatever way the token
// endpoint fails, the user gets a clear 502/504, the error hooks run once,
// and nothing is lost or half-written: the token stored by an earlier
// login is still there, unchanged, and a later login works.
func TestTokenEndpointFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fail    dancetest.Failure
		status  int
		code    string
		message string
	}{
		{"500", dancetest.FailStatus500, http.StatusBadGateway, "", "Internal Server Error"},
		{"garbage", dancetest.FailGarbage, http.StatusBadGateway, "", "token exchange failed"},
		{"no access token", dancetest.FailNoAccessToken, http.StatusBadGateway, "", "access_token"},
		{"error in 200", dancetest.FailErrorIn200, http.StatusBadGateway, "bad_verification_code", "bad_verification_code"},
		{"invalid grant", dancetest.FailInvalidGrant, http.StatusBadGateway, "invalid_grant", "invalid_grant"},
		{"timeout", dancetest.FailSlow, http.StatusGatewayTimeout, "", "deadline"},
		{"truncated body", dancetest.FailTruncated, http.StatusBadGateway, "", "cut short"},
		{"wrong content type", dancetest.FailWrongContentType, http.StatusBadGateway, "", "missing access_token"},
		{"HTML page in 200", dancetest.FailHTMLPage, http.StatusBadGateway, "", "cannot parse json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.Timeout = 300 * time.Millisecond })
			if resp := h.Browser.Dance(h.URL("/login/github")); resp.StatusCode != http.StatusFound {
				t.Fatalf("first login: %d", resp.StatusCode)
			}
			before := h.StoredToken()
			h.P.Fail(tc.fail)
			resp, body := h.Get(h.Approve(h.Login("/login/github")).String())
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%q)", resp.StatusCode, tc.status, body)
			}
			mustContain(t, h.Logs.String(), "dance: github: token: token exchange failed")
			mustContain(t, h.Logs.String(), tc.message)
			errs := h.Errors()
			if len(errs) != 1 || !errors.Is(errs[0], dance.ErrTokenExchange) || errs[0].Stage != dance.StageToken || errs[0].Code != tc.code {
				t.Fatalf("error hooks got %v", errs)
			}
			if after := h.StoredToken(); after == nil || after["access_token"] != before["access_token"] {
				t.Fatal("the failed login lost or replaced the stored token")
			}
			h.P.Fail(dancetest.FailNone)
			if resp := h.Browser.Dance(h.URL("/login/github")); resp.StatusCode != http.StatusFound || h.StoredToken()["access_token"] == before["access_token"] {
				t.Fatalf("a login after the fault did not store a new token: %d", resp.StatusCode)
			}
		})
	}
}

// Acceptance 16.
func TestClientResolvesBaseURLSendsBearerAndReusesConnections(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	h.Browser.Dance(h.URL("/login/github"))
	tok := h.StoredToken()["access_token"].(string)
	for i := 0; i < 2; i++ {
		resp, body := h.Get(h.URL("/me"))
		if resp.StatusCode != 200 {
			t.Fatalf("GET /me: %d %s", resp.StatusCode, body)
		}
		mustContain(t, body, `"login":"octocat"`)
	}
	calls := h.P.RequestsTo("/user")
	if len(calls) != 2 {
		t.Fatalf("%d calls to /user, want 2", len(calls))
	}
	for _, c := range calls {
		if got := c.Header.Get("Authorization"); got != "Bearer "+tok {
			t.Errorf("Authorization header is not the bearer token (len %d)", len(got))
		}
	}
	if calls[0].RemoteAddr != calls[1].RemoteAddr {
		t.Errorf("two API calls used two connections: %s and %s", calls[0].RemoteAddr, calls[1].RemoteAddr)
	}
}

func TestClientWithoutTokenFails(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	resp, body := h.Get(h.URL("/me"))
	if resp.StatusCode != 502 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	mustContain(t, body, dance.ErrNoToken.Error())
	if len(h.P.RequestsTo("/user")) != 0 {
		t.Fatal("request sent without a token")
	}
}

// Acceptance 17.
func TestCredentialsFromEnvironment(t *testing.T) {
	t.Setenv("GITHUB_OAUTH_CLIENT_ID", "env-client-id")
	t.Setenv("GITHUB_OAUTH_CLIENT_SECRET", "env-client-secret")
	h := newHarness(t, dancetest.Config{ClientID: "env-client-id", ClientSecret: "env-client-secret"}, func(c *dance.OAuth2Config) {
		c.ClientID, c.ClientSecret = "", ""
	})
	auth := h.Login("/login/github")
	if got := auth.Query().Get("client_id"); got != "env-client-id" {
		t.Fatalf("client_id = %q", got)
	}
	if resp, _ := h.Get(h.Approve(auth).String()); resp.StatusCode != http.StatusFound || h.StoredToken() == nil {
		t.Fatal("the env secret was not used at the token endpoint")
	}
}

func TestMissingClientIDIsAConstructionError(t *testing.T) {
	t.Setenv("NOPE_OAUTH_CLIENT_ID", "")
	_, err := dance.NewOAuth2(dance.OAuth2Config{Name: "nope", AuthURL: "https://p/a", TokenURL: "https://p/t"})
	if err == nil || !strings.Contains(err.Error(), "NOPE_OAUTH_CLIENT_ID") {
		t.Fatalf("err = %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]dance.OAuth2Config{
		"bad name":         {Name: "a b", ClientID: "x", AuthURL: "https://p/a", TokenURL: "https://p/t"},
		"no token URL":     {Name: "a", ClientID: "x", AuthURL: "https://p/a"},
		"relative no base": {Name: "a", ClientID: "x", AuthURL: "/a", TokenURL: "/t"},
		"bad proxy":        {Name: "a", ClientID: "x", AuthURL: "https://p/a", TokenURL: "https://p/t", Options: dance.Options{TrustedProxies: []string{"nonsense"}}},
		"bad public URL":   {Name: "a", ClientID: "x", AuthURL: "https://p/a", TokenURL: "https://p/t", Options: dance.Options{PublicURL: "example.com"}},
		"same paths":       {Name: "a", ClientID: "x", AuthURL: "https://p/a", TokenURL: "https://p/t", Options: dance.Options{LoginPath: "/x", AuthorizedPath: "/x"}},
	} {
		if _, err := dance.NewOAuth2(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestNoSessionMiddlewareIsAClearError(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{})
	defer p.Close()
	bp, err := dance.NewOAuth2(p.OAuth2Config("github"))
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	bp.Register(r)
	app := apptest.TestServer(t, r)
	resp := dancetest.NewBrowser(t).Get(app + "/github")
	defer resp.Body.Close()
	if resp.StatusCode != 500 {
		t.Fatalf("status %d, want 500", resp.StatusCode)
	}
}

func TestProfile(t *testing.T) {
	h := newHarness(t, dancetest.Config{RefreshToken: true}, func(c *dance.OAuth2Config) {
		c.Profile = func(cl *dance.Client) (*dance.Profile, error) {
			var u struct{ Login string }
			if err := cl.GetJSON("user", &u); err != nil {
				return nil, err
			}
			return &dance.Profile{Login: u.Login}, nil
		}
		c.RefreshURL = "/token"
	})
	h.Router.GET("/profile", func(c *gin.Context) {
		p, err := apptest.Client(c, h.BP).Profile()
		if err != nil {
			c.String(500, err.Error())
			return
		}
		c.String(200, p.Provider+":"+p.Login)
	})
	h.Browser.Dance(h.URL("/login/github"))
	if _, body := h.Get(h.URL("/profile")); body != "github:octocat" {
		t.Fatalf("profile = %q", body)
	}
	// The relative RefreshURL is resolved against the base URL: once the
	// token has expired, the profile call refreshes it at the provider's
	// token endpoint, and works.
	restore := h.Clock.Set(2 * time.Hour)
	defer restore()
	if _, body := h.Get(h.URL("/profile")); body != "github:octocat" {
		t.Fatalf("profile after expiry = %q", body)
	}
	refreshes := 0
	for _, r := range h.P.RequestsTo("/token") {
		if r.Form.Get("grant_type") == "refresh_token" {
			refreshes++
		}
	}
	if refreshes != 1 {
		t.Fatalf("%d refresh requests to %s/token, want 1", refreshes, h.P.URL)
	}
}

func TestNoProfileMapping(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	h.Router.GET("/profile", func(c *gin.Context) {
		_, err := apptest.Client(c, h.BP).Profile()
		c.String(200, "%v", errors.Is(err, dance.ErrNoProfile))
	})
	if _, body := h.Get(h.URL("/profile")); body != "true" {
		t.Fatalf("got %q", body)
	}
}

// TestClientInEveryHook: on the login route and the callback, even when
// it fails before a token exists, a hook finds the request's client with
// c.MustGet(name), without the middleware on the blueprint's routes.
func TestClientInEveryHook(t *testing.T) {
	found := map[string]bool{}
	var mu sync.Mutex
	saw := func(hook string, c *gin.Context, bp *dance.Blueprint) {
		_, ok := c.Get(bp.Name())
		mu.Lock()
		found[hook] = ok
		mu.Unlock()
	}
	h := newHarness(t, dancetest.Config{}, func(cfg *dance.OAuth2Config) {
		cfg.Hooks = dance.Hooks{
			OnBeforeLogin: func(c *gin.Context, bp *dance.Blueprint, _ string) { saw("before login", c, bp) },
			OnAuthorized: func(c *gin.Context, bp *dance.Blueprint, _ *dance.Token) (bool, error) {
				saw("authorized", c, bp)
				return true, nil
			},
			OnError: func(c *gin.Context, bp *dance.Blueprint, _ *dance.Error) { saw("error", c, bp) },
		}
	})
	r := gin.New() // the blueprint alone: no middleware before its routes
	r.Use(sessions.Sessions("session", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	h.BP.Register(r.Group("/login"))
	srv := httptest.NewServer(r)
	defer srv.Close()
	b := dancetest.NewBrowser(t)
	b.Dance(srv.URL+"/login/github", dancetest.Want{})
	resp := b.Get(srv.URL + "/login/github/authorized?state=forged&code=x")
	resp.Body.Close()
	for _, hook := range []string{"before login", "authorized", "error"} {
		if !found[hook] {
			t.Errorf("%s hook: no client in the context", hook)
		}
	}
}
