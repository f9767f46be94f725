package dance_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// TestDerivedStateAndNonce checks the state and nonce that a login sends
// with PKCE and OpenID Connect: 32 bytes of base64url each, distinct from
// each other, from the PKCE verifier (sent to the token endpoint) and from
// the S256 challenge, and different for every login.
func TestDerivedStateAndNonce(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.Scopes = []string{"openid"} })
	seen := map[string]bool{}
	for i := range 50 {
		auth := h.Login("/login/github")
		q := auth.Query()
		if resp, body := h.Get(h.Approve(auth).String()); resp.StatusCode != http.StatusFound {
			t.Fatalf("login %d: callback %d %q", i, resp.StatusCode, body)
		}
		posts := h.P.RequestsTo("/token")
		verifier := posts[len(posts)-1].Form.Get("code_verifier")
		if got, want := q.Get("code_challenge"), oauth2.S256ChallengeFromVerifier(verifier); got != want {
			t.Fatalf("login %d: challenge %q, want S256 of the verifier %q", i, got, want)
		}
		for _, v := range []string{verifier, q.Get("state"), q.Get("nonce"), q.Get("code_challenge")} {
			if len(v) != 43 || strings.ContainsAny(v, "+/=") {
				t.Fatalf("login %d: value %q is not 32 bytes of base64url", i, v)
			}
			if seen[v] {
				t.Fatalf("login %d: value %q made twice", i, v)
			}
			seen[v] = true
		}
	}
}

// A verifier set up at login is required on the callback: a session whose
// flow has no verifier (a downgrade) is refused.
func TestVerifierRequiredWhenPKCEIsOn(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	h.Router.GET("/plant", func(c *gin.Context) {
		if err := dance.StartFlowForTest(c, h.BP, "planted-state", ""); err != nil {
			c.String(500, err.Error())
			return
		}
		c.String(200, "ok")
	})
	if resp, _ := h.Get(h.URL("/plant")); resp.StatusCode != 200 {
		t.Fatal("could not plant the flow")
	}
	resp, body := h.Get(h.URL("/login/github/authorized?code=c&state=planted-state"))
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d (%q), want 403", resp.StatusCode, body)
	}
	if errs := h.Errors(); len(errs) != 1 || !errors.Is(errs[0], dance.ErrVerifierMissing) {
		t.Fatalf("error hooks got %v", errs)
	}
	if h.TokenPosts() != 0 {
		t.Fatal("token endpoint called")
	}
}

// A token too big for the cookie is an error through the hooks, and the
// redirect still happens; nothing half-stored.
func TestTokenTooLargeForCookie(t *testing.T) {
	h := newHarness(t, dancetest.Config{Extra: map[string]any{"id_token": strings.Repeat("x", 5000)}}, nil)
	resp := h.Browser.Dance(h.URL("/login/github"))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("got %d to %q, want the redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
	errs := h.Errors()
	if len(errs) != 1 || !errors.Is(errs[0], storage.ErrTooLarge) || errs[0].Stage != dance.StageStore {
		t.Fatalf("error hooks got %v", errs)
	}
	if h.StoredToken() != nil {
		t.Fatal("token stored")
	}
	// The session still works: a new login sets a state.
	h.Login("/login/github")
}

// Acceptance 19: nothing sensitive in logs or error strings, across every
// path above.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	h := newHarness(t, dancetest.Config{RefreshToken: true}, func(c *dance.OAuth2Config) { c.Timeout = 200 * time.Millisecond })
	var errTexts []string
	h.Hooks.OnError(func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { errTexts = append(errTexts, e.Error()) })
	var bodies []string
	get := func(u string) {
		_, body := h.Get(u)
		bodies = append(bodies, body)
	}

	h.Browser.Dance(h.URL("/login/github"))              // success
	get(h.URL("/me"))                                    // API call
	get(h.URL("/private"))                               // required
	cb := h.Approve(h.Login("/login/github"))            // replay
	get(cb.String())                                     //
	get(cb.String())                                     //
	cb = h.Approve(h.Login("/login/github"))             // wrong state
	q := cb.Query()                                      //
	q.Set("state", q.Get("state")+"x")                   //
	get(h.URL("/login/github/authorized?" + q.Encode())) //
	auth := h.Login("/login/github")                     // missing code
	get(h.URL("/login/github/authorized?state=" + url.QueryEscape(auth.Query().Get("state"))))
	for _, f := range []dancetest.Failure{dancetest.FailStatus500, dancetest.FailGarbage, dancetest.FailErrorIn200, dancetest.FailInvalidGrant, dancetest.FailSlow} {
		h.P.Fail(f)
		get(h.Approve(h.Login("/login/github")).String())
	}
	h.P.Fail(dancetest.FailNone)
	get(h.URL("/login/github/authorized?error=access_denied&state=" + url.QueryEscape(h.Login("/login/github").Query().Get("state"))))

	if len(errTexts) < 8 {
		t.Fatalf("only %d errors produced; the scenario is broken", len(errTexts))
	}
	logs := h.Logs.String()
	for _, level := range []string{"level=DEBUG", "level=INFO", "level=WARN"} {
		if !strings.Contains(logs, level) {
			t.Fatalf("no %s logs captured: the scenario does not cover every level", level)
		}
	}
	secrets := h.P.Secrets()
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

// The state is bound to the blueprint: a callback for another blueprint of
// the same app, carrying this login's state and code, finds no login of its
// own and starts one; it neither uses nor burns this login's state.
func TestStateBoundToBlueprint(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(p.Close)
	var bps []*dance.Blueprint
	for _, name := range []string{"one", "two"} {
		bp, err := dance.NewOAuth2(p.OAuth2Config(name))
		if err != nil {
			t.Fatal(err)
		}
		bps = append(bps, bp)
	}
	app := apptest.TestServer(t, apptest.NewRouter(bps...))
	b := dancetest.NewBrowser(t)
	resp := b.Get(app + "/login/one")
	resp.Body.Close()
	resp = b.Get(b.Location(resp).String())
	resp.Body.Close()
	cb := b.Location(resp)

	crossed := *cb
	crossed.Path = "/login/two/authorized"
	resp = b.Get(crossed.String())
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login/two" {
		t.Fatalf("crossed callback = %d to %q, want blueprint two's login", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := len(p.RequestsTo("/token")); n != 0 {
		t.Fatalf("the crossed callback made %d token requests", n)
	}
	resp = b.Get(cb.String())
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("the real callback = %d to %q, want the dance to finish", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// dance keeps its login state in the app's session and sets no cookie of
// its own: every cookie of a whole dance is the app's session cookie, with
// the flags the app gave its store (HttpOnly, SameSite=Lax).
func TestDanceSetsNoCookieOfItsOwn(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	var cookies []*http.Cookie
	resp := h.Browser.Get(h.URL("/login/github"))
	resp.Body.Close()
	cookies = append(cookies, resp.Cookies()...)
	resp = h.Browser.Get(h.Approve(h.Browser.Location(resp)).String())
	resp.Body.Close()
	cookies = append(cookies, resp.Cookies()...)
	if resp.StatusCode != http.StatusFound || h.StoredToken() == nil {
		t.Fatalf("the dance did not finish: %d", resp.StatusCode)
	}
	if len(cookies) < 2 {
		t.Fatalf("%d cookies set, want the session cookie at login and callback", len(cookies))
	}
	for _, c := range cookies {
		if c.Name != "session" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Errorf("cookie %q: HttpOnly %v, SameSite %v, Path %q", c.Name, c.HttpOnly, c.SameSite, c.Path)
		}
	}
}

// TLS certificates are verified by default: a provider whose certificate
// the system does not trust fails the exchange with a clear 502, and
// nothing is stored. (contrib's TestGitLabInsecureTLSOnlyThisBlueprint
// shows the opt-out is scoped to one blueprint.)
func TestTLSVerifiedByDefault(t *testing.T) {
	p := dancetest.NewTLSProvider(dancetest.Config{})
	t.Cleanup(p.Close)
	h := newBareHarness(t, "github")
	h.P = p
	cfg := p.OAuth2Config("github")
	h.Options(&cfg.Options)
	cfg.Logger = slog.New(slog.NewTextHandler(h.Logs, nil))
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(bp, nil)
	auth := h.Login("/login/github")
	q := p.CallbackQuery(auth.Query())
	resp, body := h.Get(h.URL("/login/github/authorized?" + q.Encode()))
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d (%q), want 502", resp.StatusCode, body)
	}
	mustContain(t, h.Logs.String(), "certificate")
	if errs := h.Errors(); len(errs) != 1 || !errors.Is(errs[0], dance.ErrTokenExchange) {
		t.Fatalf("error hooks got %v", errs)
	}
	if len(p.RequestsTo("/token")) != 0 {
		t.Fatal("the token request reached the provider over an unverified connection")
	}
	if h.StoredToken() != nil {
		t.Fatal("token stored")
	}
}

// The OIDC alg: an ID token that is right in every claim, nonce included,
// but signed with HS256 and the client secret (the key confusion attack),
// or not signed at all, is refused; the same claims signed by the
// provider's key pass, so the refusal is the algorithm's.
func TestOIDCAlgorithmConfusionRefused(t *testing.T) {
	const issuer = "http://provider.invalid"
	// HS256 needs a key of 32 bytes or more.
	p := dancetest.NewUnstartedProvider(dancetest.Config{Issuer: issuer, ClientSecret: "a-client-secret-of-more-than-32-bytes"})
	tr := &answerTransport{path: "/token", next: p}
	app := buildInproc(t, func(o dance.Options) (*dance.Blueprint, error) {
		o.BaseURL, o.HTTPClient = issuer+"/", &http.Client{Transport: tr}
		return dance.NewOAuth2(dance.OAuth2Config{
			Name: "oidc", ClientID: p.ClientID(), ClientSecret: p.ClientSecret(),
			AuthURL: "/authorize", TokenURL: "/token", Scopes: []string{"openid"},
			Issuer: issuer, JWKSURL: "/jwks",
			Options: o,
		})
	})
	hmacSigned := func(t *testing.T, nonce string) string {
		claims, _ := json.Marshal(map[string]any{
			"iss": issuer, "aud": p.ClientID(), "sub": "1", "nonce": nonce,
			"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
		})
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(p.ClientSecret())}, nil)
		if err != nil {
			t.Fatal(err)
		}
		jws, err := signer.Sign(claims)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := jws.CompactSerialize()
		return s
	}
	for _, tc := range []struct {
		name    string
		idToken func(t *testing.T, nonce string) string
		ok      bool
	}{
		{"ES256 by the provider's key", func(t *testing.T, n string) string { return mintIDToken(t, p, n) }, true},
		{"HS256 with the client secret", hmacSigned, false},
		{"alg none", func(t *testing.T, n string) string {
			p.SetIDToken(dancetest.IDTokenConfig{AlgNone: true})
			defer p.SetIDToken(dancetest.IDTokenConfig{})
			return mintIDToken(t, p, n)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_ = app.mem.Delete(nil, "oidc")
			cookie, q := app.login(t)
			body, _ := json.Marshal(map[string]any{"access_token": "at", "token_type": "bearer", "id_token": tc.idToken(t, q.Get("nonce"))})
			tr.set(tokenAnswer{status: 200, contentType: "application/json", body: body})
			w := app.callback(cookie, url.Values{"code": {"c"}, "state": {q.Get("state")}})
			if tc.ok {
				if tok, _ := app.mem.Get(nil, "oidc"); w.Code != http.StatusFound || tok == nil {
					t.Fatalf("a good ID token was refused: %d %q", w.Code, w.Body.String())
				}
				return
			}
			app.checkFailure(t, w, dance.StageToken, dance.ErrIDToken, http.StatusForbidden)
		})
	}
}

// A used state is refused by another instance of the app too (same cookie
// keys, its own replay cache): the session itself says "used", whatever
// way the first callback ended. The in-process replay check cannot help
// here, so this is what proves the session marker is saved on every path.
func TestReplayOnAnotherInstanceIsForbidden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(p *dancetest.Provider, a *dance.Options)
	}{
		{"after success", func(*dancetest.Provider, *dance.Options) {}},
		{"after a token endpoint failure", func(p *dancetest.Provider, _ *dance.Options) { p.Fail(dancetest.FailStatus500) }},
		{"after a hook answered", func(_ *dancetest.Provider, a *dance.Options) {
			a.Hooks.OnAuthorized = func(c *gin.Context, _ *dance.Blueprint, _ *dance.Token) (bool, error) {
				c.String(http.StatusOK, "welcome")
				return false, nil
			}
		}},
		{"after a veto", func(_ *dancetest.Provider, a *dance.Options) {
			a.Hooks.OnAuthorized = func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error) { return false, nil }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := dancetest.NewProvider(dancetest.Config{})
			t.Cleanup(p.Close)
			instance := func(edit func(*dance.Options)) string {
				cfg := p.OAuth2Config("github")
				edit(&cfg.Options)
				bp, err := dance.NewOAuth2(cfg)
				if err != nil {
					t.Fatal(err)
				}
				return apptest.TestServer(t, apptest.NewRouter(bp))
			}
			appA := instance(func(o *dance.Options) { tc.setup(p, o) })
			appB := instance(func(*dance.Options) {})
			br := dancetest.NewBrowser(t)
			resp := br.Get(appA + "/login/github")
			resp.Body.Close()
			resp = br.Get(br.Location(resp).String())
			resp.Body.Close()
			cb := br.Location(resp) // the callback, on A
			resp = br.Get(cb.String())
			resp.Body.Close()
			posts := len(p.RequestsTo("/token"))
			p.Fail(dancetest.FailNone)

			// The same callback, with the browser's new cookie, on B.
			replay := appB + cb.Path + "?" + cb.RawQuery
			resp = br.Get(replay)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("replay on the other instance: status %d, want 403", resp.StatusCode)
			}
			if n := len(p.RequestsTo("/token")); n != posts {
				t.Fatalf("the replay reached the token endpoint (%d requests, want %d)", n, posts)
			}
		})
	}
}
