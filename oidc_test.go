package dance_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// newOIDCHarness is the harness app around a blueprint that build makes
// for the provider (opts sets the harness's logger, hooks and clock in
// its options), with a /claims route and an authorized hook that records
// the claims it sees.
func newOIDCHarness(t *testing.T, pcfg dancetest.Config, build func(p *dancetest.Provider, opts func(*dance.Options)) (*dance.Blueprint, error)) (*harness, func() []dance.Claims) {
	t.Helper()
	h := newBareHarness(t, "")
	h.P = dancetest.NewProvider(pcfg)
	t.Cleanup(h.P.Close)
	bp, err := build(h.P, h.Options)
	if err != nil {
		t.Fatal(err)
	}
	h.Name = bp.Name()
	var mu sync.Mutex
	var seen []dance.Claims
	h.Hooks.OnAuthorized(func(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
		claims, err := apptest.Client(c, bp).Claims()
		if err != nil {
			return false, err
		}
		if claims == nil {
			return false, errors.New("no verified ID token claims")
		}
		mu.Lock()
		seen = append(seen, claims)
		mu.Unlock()
		return true, nil
	})
	h.Serve(bp, nil)
	h.Router.GET("/claims", func(c *gin.Context) {
		claims, err := apptest.Client(c, bp).Claims()
		if err != nil {
			c.String(404, err.Error())
			return
		}
		if claims == nil {
			c.String(404, "no claims")
			return
		}
		c.JSON(200, claims)
	})
	return h, func() []dance.Claims {
		mu.Lock()
		defer mu.Unlock()
		return append([]dance.Claims(nil), seen...)
	}
}

func discovered(p *dancetest.Provider, opts func(*dance.Options)) (*dance.Blueprint, error) {
	cfg := dance.OAuth2Config{Name: "oidc", ClientID: p.ClientID(), ClientSecret: p.ClientSecret(), Issuer: p.Issuer()}
	opts(&cfg.Options)
	return dance.NewOIDC(context.Background(), cfg)
}

// Acceptance 6.
func TestOIDCDiscoveryLoginVerifiesIDToken(t *testing.T) {
	h, seen := newOIDCHarness(t, dancetest.Config{IssParameter: true}, discovered)
	if n := len(h.P.RequestsTo("/.well-known/openid-configuration")); n != 1 {
		t.Fatalf("discovery requests = %d, want 1", n)
	}
	auth := h.Login("/login/oidc")
	q := auth.Query()
	if auth.Path != "/authorize" || q.Get("scope") != "openid profile email" {
		t.Fatalf("authorize URL %s with scope %q", auth.Path, q.Get("scope"))
	}
	nonce := q.Get("nonce")
	if len(nonce) < 43 || nonce == q.Get("state") {
		t.Fatalf("nonce %d chars, want a fresh 32-byte value", len(nonce))
	}
	cb := h.Approve(auth)
	if cb.Query().Get("iss") != h.P.Issuer() {
		t.Fatalf("the fake sent no iss")
	}
	if resp, body := h.Get(cb.String()); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback = %d %q; errors %v", resp.StatusCode, body, h.Errors())
	}
	if len(h.P.RequestsTo("/jwks")) == 0 {
		t.Error("the JWKS was never fetched")
	}
	got := seen()
	if len(got) != 1 || got[0]["sub"] != "583231" || got[0]["nonce"] != nonce || got[0]["iss"] != h.P.Issuer() {
		t.Fatalf("authorized hook saw claims %v", got)
	}
	if h.StoredToken()["id_token"] == nil {
		t.Fatal("no id_token stored")
	}
	resp, body := h.Get(h.URL("/claims"))
	if resp.StatusCode != 200 || !strings.Contains(body, `"email":"octocat@example.com"`) {
		t.Fatalf("/claims on a later request = %d %q", resp.StatusCode, body)
	}
	logs := h.Logs.String()
	for _, secret := range append(h.P.Secrets(), nonce) {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold a secret (%d chars)", len(secret))
		}
	}
	// A replayed callback does not get through a second time.
	if resp, _ := h.Get(cb.String()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("replayed callback = %d, want 403", resp.StatusCode)
	}
}

// Acceptance 7.
func TestOIDCBadIDTokenRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		idt    dancetest.IDTokenConfig
		reason string
	}{
		{"wrong signature", dancetest.IDTokenConfig{WrongKey: true}, "signature"},
		{"wrong aud", dancetest.IDTokenConfig{Claims: map[string]any{"aud": "someone-else"}}, "audience"},
		{"wrong iss", dancetest.IDTokenConfig{Claims: map[string]any{"iss": "https://evil.example"}}, "different provider"},
		{"expired", dancetest.IDTokenConfig{Expired: true}, "expired"},
		{"nonce mismatch", dancetest.IDTokenConfig{Claims: map[string]any{"nonce": "forged-nonce"}}, "nonce mismatch"},
		{"nonce missing", dancetest.IDTokenConfig{Claims: map[string]any{"nonce": nil}}, "no nonce"},
		{"alg none", dancetest.IDTokenConfig{AlgNone: true}, `"none"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, seen := newOIDCHarness(t, dancetest.Config{IDToken: tc.idt}, discovered)
			auth := h.Login("/login/oidc")
			resp, body := h.Get(h.Approve(auth).String())
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("callback = %d %q, want 403", resp.StatusCode, body)
			}
			if h.TokenPosts() != 1 {
				t.Fatalf("token posts = %d", h.TokenPosts())
			}
			if tok := h.StoredToken(); tok != nil {
				t.Fatal("a token was stored")
			}
			if len(seen()) != 0 {
				t.Error("the authorized hooks ran")
			}
			errs := h.Errors()
			if len(errs) != 1 || errs[0].Stage != dance.StageToken || !errors.Is(errs[0], dance.ErrIDToken) {
				t.Fatalf("error hooks got %v, want one ID token error", errs)
			}
			mustContain(t, errs[0].Error(), tc.reason)
			if strings.Contains(errs[0].Error(), auth.Query().Get("nonce")) || strings.Contains(body, auth.Query().Get("nonce")) {
				t.Error("the error shows the nonce")
			}
		})
	}
}

// A session whose login flow has no nonce (started before "openid" was in
// the scope) cannot finish an OpenID Connect callback: a check set up for
// the blueprint is required.
func TestOIDCNonceMissingFromSession(t *testing.T) {
	h, _ := newOIDCHarness(t, dancetest.Config{}, discovered)
	const state = "s-0123456789012345678901234567890123456789"
	h.Router.GET("/start", func(c *gin.Context) {
		if err := dance.StartFlowForTest(c, h.BP, state, "a-verifier-0123456789012345678901234567890123"); err != nil {
			c.String(500, err.Error())
		}
	})
	h.Get(h.URL("/start"))
	resp, _ := h.Get(h.URL("/login/oidc/authorized?state=" + state + "&code=x"))
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("callback = %d, want 403", resp.StatusCode)
	}
	if errs := h.Errors(); len(errs) != 1 || !errors.Is(errs[0], dance.ErrNonceMissing) {
		t.Fatalf("errors %v, want ErrNonceMissing", errs)
	}
	if h.TokenPosts() != 0 {
		t.Error("the code was exchanged")
	}
}

// Acceptance 8.
func TestOIDCIssuerParamMismatchRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(q url.Values)
	}{
		{"other issuer", func(q url.Values) { q.Set("iss", "https://evil.example") }},
		{"missing where promised", func(q url.Values) { q.Del("iss") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newOIDCHarness(t, dancetest.Config{IssParameter: true}, discovered)
			cb := h.Approve(h.Login("/login/oidc"))
			q := cb.Query()
			tc.edit(q)
			cb.RawQuery = q.Encode()
			resp, _ := h.Get(cb.String())
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("callback = %d, want 403", resp.StatusCode)
			}
			if h.TokenPosts() != 0 {
				t.Error("the code was sent to the token endpoint despite the mix-up")
			}
			if h.StoredToken() != nil {
				t.Error("a token was stored")
			}
			if errs := h.Errors(); len(errs) != 1 || !errors.Is(errs[0], dance.ErrIssuerMismatch) {
				t.Fatalf("errors %v, want ErrIssuerMismatch", errs)
			}
		})
	}
}

// googleLike is a generic blueprint set up as the Google preset is meant
// to be: a fixed issuer and JWKS (no discovery), hosted_domain sent as
// "hd" and checked in the ID token with RequireClaim.
func googleLike(p *dancetest.Provider, opts func(*dance.Options)) (*dance.Blueprint, error) {
	cfg := p.OAuth2Config("google")
	cfg.Scopes = []string{"openid", "email"}
	cfg.AuthParams = map[string]string{"hd": "example.com"}
	cfg.Issuer = p.Issuer()
	cfg.JWKSURL = "/jwks"
	cfg.IDTokenCheck = dance.RequireClaim("hd", "example.com")
	opts(&cfg.Options)
	return dance.NewOAuth2(cfg)
}

// Acceptance 9.
func TestHostedDomainClaimChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		hd   any
		ok   bool
	}{
		{"right domain", "example.com", true},
		{"wrong domain", "evil.example", false},
		{"missing", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newOIDCHarness(t, dancetest.Config{IDToken: dancetest.IDTokenConfig{Claims: map[string]any{"hd": tc.hd}}}, googleLike)
			auth := h.Login("/login/google")
			if auth.Query().Get("hd") != "example.com" || auth.Query().Get("nonce") == "" {
				t.Fatalf("authorize URL lacks hd or nonce")
			}
			resp, _ := h.Get(h.Approve(auth).String())
			if !tc.ok {
				if resp.StatusCode != http.StatusForbidden || h.StoredToken() != nil {
					t.Fatalf("hd %v: callback %d, stored %v; want refused", tc.hd, resp.StatusCode, h.StoredToken() != nil)
				}
				if errs := h.Errors(); len(errs) != 1 || !errors.Is(errs[0], dance.ErrIDToken) || !strings.Contains(errs[0].Error(), `claim "hd"`) {
					t.Fatalf("errors %v", errs)
				}
				return
			}
			if resp.StatusCode != http.StatusFound || h.StoredToken() == nil {
				t.Fatalf("right hd: callback %d; errors %v", resp.StatusCode, h.Errors())
			}
		})
	}
}

// A multi-tenant issuer ("{tenantid}", Azure AD v2.0 "common") accepts the
// issuer of the token's own tenant, and nothing else.
func TestTenantIssuerTemplate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		iss, tid string
		ok       bool
	}{
		{"own tenant", "/t-1/v2.0", "t-1", true},
		{"other tenant's issuer", "/t-2/v2.0", "t-1", false},
		{"no tid", "/t-1/v2.0", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newOIDCHarness(t, dancetest.Config{}, func(p *dancetest.Provider, opts func(*dance.Options)) (*dance.Blueprint, error) {
				claims := map[string]any{"iss": p.URL + tc.iss, "tid": tc.tid}
				if tc.tid == "" {
					claims["tid"] = nil
				}
				p.SetIDToken(dancetest.IDTokenConfig{Claims: claims})
				cfg := p.OAuth2Config("azure")
				cfg.Scopes = []string{"openid", "offline_access"}
				cfg.Issuer = p.URL + "/{tenantid}/v2.0"
				cfg.JWKSURL = "/jwks"
				opts(&cfg.Options)
				return dance.NewOAuth2(cfg)
			})
			resp, _ := h.Get(h.Approve(h.Login("/login/azure")).String())
			if got := resp.StatusCode == http.StatusFound && h.StoredToken() != nil; got != tc.ok {
				t.Fatalf("accepted = %v, want %v (status %d, errors %v)", got, tc.ok, resp.StatusCode, h.Errors())
			}
		})
	}
}

// A refresh that brings a new ID token verifies it (no nonce) before the
// token is saved; a bad one is refused and the old token kept.
func TestRefreshVerifiesNewIDToken(t *testing.T) {
	a := newTokenApp(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
		c.Scopes = []string{"openid"}
		c.Issuer = strings.TrimSuffix(c.BaseURL, "/") // the fake's URL
		c.JWKSURL = "/jwks"
	})
	a.p.SetIDToken(dancetest.IDTokenConfig{WrongKey: true})
	old := a.seedExpired("alice", a.p.IssueRefreshToken("openid"))
	if code, body, _ := a.get("alice", "/me"); code != http.StatusBadGateway || !strings.Contains(body, "ID token") {
		t.Fatalf("bad refreshed ID token: %d %q, want 502", code, body)
	}
	if s := a.store.token("alice", "acme"); s == nil || s.AccessToken != old.AccessToken {
		t.Fatal("a refresh with a bad ID token replaced the stored token")
	}
	a.p.SetIDToken(dancetest.IDTokenConfig{})
	if code, body, _ := a.get("alice", "/me"); code != 200 || body != "octocat" {
		t.Fatalf("good refreshed ID token: %d %q", code, body)
	}
	if code, body, _ := a.get("alice", "/claims"); code != 200 || body != "583231" {
		t.Fatalf("claims after refresh: %d %q", code, body)
	}
}
