package dance_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// A client secret long enough for client_secret_jwt (HS256).
const longSecret = "0123456789abcdef0123456789abcdef-secret"

// newClientKey is a P-256 key as PKCS#8 PEM, and its public half.
func newClientKey(t *testing.T) (string, *ecdsa.PublicKey) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), &k.PublicKey
}

// oidcUser is a fake's user that its userinfo endpoint (/user) answers
// in OpenID Connect's shape, with the ID tokens' sub.
var oidcUser = map[string]any{
	"id": 583231, "sub": "583231", "preferred_username": "octocat", "name": "The Octocat",
	"email": "octocat@example.com", "email_verified": true, "picture": "https://example.com/o.png",
}

// addProfileRoute adds /profile, which answers the user's profile.
func addProfileRoute(h *harness) {
	h.Router.GET("/profile", func(c *gin.Context) {
		p, err := apptest.Client(c, h.BP).Profile()
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		c.JSON(200, p)
	})
}

// loginThrough drives a whole dance and fails the test unless it stored a
// token.
func loginThrough(t *testing.T, h *harness) {
	t.Helper()
	cb := h.Approve(h.Login(h.LoginPath()))
	if resp, body := h.Get(cb.String()); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback = %d %q; errors %v", resp.StatusCode, body, h.Errors())
	}
	if h.StoredToken() == nil {
		t.Fatal("no token stored")
	}
}

// Issue 29, defect 1: NewOIDC takes no refresh endpoint from discovery;
// a token with a refresh token is refreshed at the token endpoint.
func TestNewOIDCRefreshesAtTokenEndpoint(t *testing.T) {
	// A token good for 30 s, and the app's clock 2 minutes ahead: the
	// token has expired, the ID tokens (an hour) have not.
	h, _ := newOIDCHarness(t, dancetest.Config{RefreshToken: true, ExpiresIn: 30, User: oidcUser}, discovered)
	addProfileRoute(h)
	loginThrough(t, h)
	old := h.StoredToken()["access_token"]
	h.Clock.Set(2 * time.Minute)
	if resp, body := h.Get(h.URL("/profile")); resp.StatusCode != 200 {
		t.Fatalf("/profile after expiry = %d %q", resp.StatusCode, body)
	}
	var refreshes int
	for _, r := range h.P.RequestsTo("/token") {
		if r.Form.Get("grant_type") == "refresh_token" {
			refreshes++
		}
	}
	if refreshes != 1 {
		t.Fatalf("refresh requests at the token endpoint: %d, want 1", refreshes)
	}
	if h.StoredToken()["access_token"] == old {
		t.Error("the stored token was not replaced by the refreshed one")
	}
}

// Issue 29, defect 2: a refresh sends the client authentication and the
// TokenParams exactly as the code exchange does, for every method.
func TestRefreshSendsClientAuthentication(t *testing.T) {
	pemKey, pub := newClientKey(t)
	for _, method := range []string{"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"} {
		t.Run(method, func(t *testing.T) {
			pcfg := dancetest.Config{RefreshToken: true, ExpiresIn: 30, ClientSecret: longSecret, ClientKey: pub, TokenAuthMethods: []string{method}}
			h := newHarness(t, pcfg, func(c *dance.OAuth2Config) {
				c.TokenAuthMethod = method
				c.TokenParams = map[string]string{"audience": "https://api.example"}
				if method == "private_key_jwt" {
					c.ClientSecret, c.PrivateKey = "", pemKey
				}
			})
			loginThrough(t, h)
			h.Clock.Set(2 * time.Minute) // the assertions' exp stays within the fake's 5 minutes
			if resp, body := h.Get(h.URL("/me")); resp.StatusCode != 200 {
				t.Fatalf("/me after expiry = %d %q; errors %v", resp.StatusCode, body, h.Errors())
			}
			reqs := h.P.RequestsTo("/token")
			if len(reqs) != 2 || reqs[1].Form.Get("grant_type") != "refresh_token" {
				t.Fatalf("token requests: %d, want the exchange and a refresh", len(reqs))
			}
			ex, rf := reqs[0], reqs[1]
			if ex.ClientAuth() != rf.ClientAuth() || ex.Form.Get("client_assertion_type") != rf.Form.Get("client_assertion_type") {
				t.Errorf("refresh authenticated with %q, the exchange with %q", rf.ClientAuth(), ex.ClientAuth())
			}
			if ex.Form.Has("client_secret") != rf.Form.Has("client_secret") {
				t.Error("the refresh and the exchange differ in sending client_secret")
			}
			if rf.Form.Get("audience") != "https://api.example" || ex.Form.Get("audience") != "https://api.example" {
				t.Error("TokenParams missing from the exchange or the refresh")
			}
			if a := rf.Form.Get("client_assertion"); a != "" && a == ex.Form.Get("client_assertion") {
				t.Error("the refresh reused the exchange's client assertion")
			}
		})
	}
}

// Issue 29, defect 3: a method that needs a secret without one is refused
// when the blueprint is built; "none" and private_key_jwt need none.
func TestEmptySecretRefusedAtBuild(t *testing.T) {
	t.Setenv("ACME_OAUTH_CLIENT_SECRET", "")
	t.Setenv("ACME_OAUTH_PRIVATE_KEY", "")
	pemKey, _ := newClientKey(t)
	base := dance.OAuth2Config{Name: "acme", ClientID: "id", AuthURL: "https://p.example/a", TokenURL: "https://p.example/t"}
	for _, tc := range []struct {
		name    string
		edit    func(c *dance.OAuth2Config)
		wantErr string // "" means it builds
	}{
		{"basic, no secret", func(c *dance.OAuth2Config) {}, "ACME_OAUTH_CLIENT_SECRET"},
		{"post, no secret", func(c *dance.OAuth2Config) { c.TokenAuthMethod = "client_secret_post" }, "no client secret"},
		{"secret JWT, no secret", func(c *dance.OAuth2Config) { c.TokenAuthMethod = "client_secret_jwt" }, "no client secret"},
		{"secret JWT, short secret", func(c *dance.OAuth2Config) { c.TokenAuthMethod, c.ClientSecret = "client_secret_jwt", "short" }, "32 bytes"},
		{"public client", func(c *dance.OAuth2Config) { c.TokenAuthMethod = "none" }, ""},
		{"secret func", func(c *dance.OAuth2Config) {
			c.ClientSecretFunc = func(context.Context) (string, error) { return "s", nil }
		}, ""},
		{"private key JWT without a key", func(c *dance.OAuth2Config) { c.TokenAuthMethod = "private_key_jwt" }, "ACME_OAUTH_PRIVATE_KEY"},
		{"private key JWT", func(c *dance.OAuth2Config) { c.TokenAuthMethod, c.PrivateKey = "private_key_jwt", pemKey }, ""},
		{"private key JWT, bad key", func(c *dance.OAuth2Config) {
			c.TokenAuthMethod, c.PrivateKey = "private_key_jwt", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"
		}, "PrivateKey"},
		{"key with another method", func(c *dance.OAuth2Config) { c.ClientSecret, c.PrivateKey = "s", pemKey }, "private_key_jwt"},
		{"unknown method", func(c *dance.OAuth2Config) { c.ClientSecret, c.TokenAuthMethod = "s", "client_secret_header" }, "unknown TokenAuthMethod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.edit(&cfg)
			_, err := dance.NewOAuth2(cfg)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("build: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("build error %v, want one naming %q", err, tc.wantErr)
			case err != nil && strings.Contains(err.Error(), "AAAA"):
				t.Fatal("the error holds key material")
			}
		})
	}
}

// Issue 29, defect 5: NewOIDC's Client.Profile reads discovery's userinfo
// endpoint, and refuses a userinfo sub that is not the ID token's.
func TestOIDCProfileFromUserinfo(t *testing.T) {
	h, _ := newOIDCHarness(t, dancetest.Config{User: oidcUser}, discovered)
	addProfileRoute(h)
	loginThrough(t, h)
	resp, body := h.Get(h.URL("/profile"))
	if resp.StatusCode != 200 {
		t.Fatalf("/profile = %d %q", resp.StatusCode, body)
	}
	for _, want := range []string{`"ID":"583231"`, `"Login":"octocat"`, `"Email":"octocat@example.com"`, `"EmailVerified":true`, `"AvatarURL":"https://example.com/o.png"`, `"Provider":"oidc"`} {
		mustContain(t, body, want)
	}
	if reqs := h.P.RequestsTo("/user"); len(reqs) != 1 || !strings.HasPrefix(reqs[0].Header.Get("Authorization"), "Bearer ") {
		t.Fatal("the userinfo endpoint was not called with the token")
	}

	other := map[string]any{"id": 583231, "sub": "someone-else"}
	h2, _ := newOIDCHarness(t, dancetest.Config{User: oidcUser, Paths: map[string]any{"/user": other}}, discovered)
	addProfileRoute(h2)
	loginThrough(t, h2)
	if resp, body := h2.Get(h2.URL("/profile")); resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "not the ID token's") {
		t.Fatalf("/profile with another sub = %d %q, want a refusal", resp.StatusCode, body)
	}
}

// NewOIDC uses client_secret_post when discovery does not offer Basic.
func TestNewOIDCPicksClientSecretPost(t *testing.T) {
	h, _ := newOIDCHarness(t, dancetest.Config{TokenAuthMethods: []string{"client_secret_post"}}, discovered)
	loginThrough(t, h)
	if reqs := h.P.RequestsTo("/token"); len(reqs) != 1 || reqs[0].ClientAuth() != "params" || reqs[0].Form.Get("client_secret") == "" {
		t.Fatal("the exchange did not send the secret in the form")
	}
}

// PAR (RFC 9126): the login pushes exactly the parameters the front
// channel would carry, authenticated like the token request, and the
// browser goes to the provider with only client_id and request_uri.
func TestPushedAuthorizationRequest(t *testing.T) {
	pemKey, pub := newClientKey(t)
	h := newHarness(t, dancetest.Config{ClientKey: pub, RequirePAR: true}, func(c *dance.OAuth2Config) {
		c.PushedAuthURL = "/par"
		c.TokenAuthMethod, c.ClientSecret, c.PrivateKey = "private_key_jwt", "", pemKey
		c.Scopes = []string{"read", "write"}
		c.AuthParams = map[string]string{"prompt": "consent"}
	})
	auth := h.Login(h.LoginPath())
	q := auth.Query()
	if len(q) != 2 || q.Get("client_id") != h.P.ClientID() || !strings.HasPrefix(q.Get("request_uri"), "urn:ietf:params:oauth:request_uri:") {
		t.Fatalf("front-channel query %v, want only client_id and request_uri", q)
	}
	pushed := h.P.RequestsTo("/par")
	if len(pushed) != 1 {
		t.Fatalf("PAR requests: %d", len(pushed))
	}
	f := pushed[0].Form
	for _, k := range []string{"state", "code_challenge", "code_challenge_method", "redirect_uri", "response_type"} {
		if f.Get(k) == "" {
			t.Errorf("the pushed request has no %s", k)
		}
	}
	if f.Get("scope") != "read write" || f.Get("prompt") != "consent" || f.Get("client_assertion") == "" || f.Has("client_secret") {
		t.Errorf("pushed scope %q, prompt %q, assertion sent %v", f.Get("scope"), f.Get("prompt"), f.Has("client_assertion"))
	}
	cb := h.Approve(auth)
	if resp, body := h.Get(cb.String()); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback = %d %q; errors %v", resp.StatusCode, body, h.Errors())
	}
	if h.StoredToken() == nil {
		t.Fatal("no token stored")
	}
}

// NewOIDC turns PAR on when discovery requires it.
func TestNewOIDCPushesWhenDiscoveryRequiresPAR(t *testing.T) {
	h, seen := newOIDCHarness(t, dancetest.Config{RequirePAR: true}, discovered)
	loginThrough(t, h)
	if len(h.P.RequestsTo("/par")) != 1 || len(seen()) != 1 {
		t.Fatal("the login was not pushed, or its ID token not verified")
	}
}

// A failed push answers the login with the error page (stage login) and a
// Warn log line; a refused client (invalid_client) is a misconfiguration
// the provider reports, logged at Error. Neither shows or logs the secret.
func TestPARFailureShowsErrorPage(t *testing.T) {
	for _, tc := range []struct{ par, code, level string }{
		{"/nowhere", "", "level=WARN"},
		{"/par", "invalid_client", "level=ERROR"},
	} {
		t.Run(tc.par, func(t *testing.T) {
			h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
				c.PushedAuthURL = tc.par
				c.ClientSecret = "not-the-secret-the-fake-knows"
			})
			resp, body := h.Get(h.URL(h.LoginPath()))
			if resp.StatusCode != http.StatusBadGateway || !strings.Contains(resp.Header.Get("Content-Type"), "html") || body == "" {
				t.Fatalf("login with a failed push = %d, want 502 and the error page", resp.StatusCode)
			}
			errs := h.Errors()
			if len(errs) != 1 || errs[0].Stage != dance.StageLogin || errs[0].Code != tc.code {
				t.Fatalf("error hooks got %v, want one login error with code %q", errs, tc.code)
			}
			logs := h.Logs.String()
			if !strings.Contains(logs, tc.level) {
				t.Errorf("no %s log line for the failed push", tc.level)
			}
			if strings.Contains(logs, "not-the-secret") || strings.Contains(body, "not-the-secret") {
				t.Error("the client secret leaked into the logs or the page")
			}
			if len(h.P.RequestsTo("/token")) != 0 {
				t.Error("a token request after a failed push")
			}
		})
	}
}

// The assertions' aud is the issuer when there is one, else the endpoint
// called; AssertionAudience "endpoint" asks for the endpoint always.
func TestAssertionAudience(t *testing.T) {
	pemKey, pub := newClientKey(t)
	for _, tc := range []struct{ name, setting, issuerOrPath string }{
		{"issuer", "", "issuer"},
		{"endpoint", "endpoint", "/token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := func(p *dancetest.Provider, opts func(*dance.Options)) (*dance.Blueprint, error) {
				cfg := dance.OAuth2Config{Name: "oidc", ClientID: p.ClientID(), Issuer: p.Issuer(),
					TokenAuthMethod: "private_key_jwt", PrivateKey: pemKey, AssertionAudience: tc.setting}
				opts(&cfg.Options)
				return dance.NewOIDC(context.Background(), cfg)
			}
			h, _ := newOIDCHarness(t, dancetest.Config{ClientKey: pub}, build)
			loginThrough(t, h)
			raw := h.P.RequestsTo("/token")[0].Form.Get("client_assertion")
			parts := strings.Split(raw, ".")
			if len(parts) != 3 {
				t.Fatal("no client assertion")
			}
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			want := h.P.Issuer()
			if tc.issuerOrPath != "issuer" {
				want += tc.issuerOrPath
			}
			if !strings.Contains(string(payload), `"aud":"`+want+`"`) && !strings.Contains(string(payload), `"aud":["`+want+`"]`) {
				t.Fatalf("assertion claims %s, want aud %s", payload, want)
			}
		})
	}
}

// RFC 7009 revocation authenticates like the token requests: with
// private_key_jwt, a client assertion the provider verifies, and no secret.
func TestRevokeWithClientAssertion(t *testing.T) {
	pemKey, pub := newClientKey(t)
	a := newTokenApp(t, dancetest.Config{ClientKey: pub, TokenAuthMethods: []string{"private_key_jwt"}}, func(c *dance.OAuth2Config) {
		c.RevokeURL = "/revoke"
		c.TokenAuthMethod, c.ClientSecret, c.PrivateKey = "private_key_jwt", "", pemKey
	})
	tok := a.seedValid("alice", true)
	if code, body, _ := a.get("alice", "/revoke"); code != 200 {
		t.Fatalf("/revoke = %d %q", code, body)
	}
	reqs := a.p.RequestsTo("/revoke")
	if len(reqs) != 1 || reqs[0].Form.Get("client_assertion") == "" || reqs[0].Form.Has("client_secret") || reqs[0].Header.Get("Authorization") != "" {
		t.Fatal("the revocation did not authenticate with a client assertion alone")
	}
	if a.p.TokenActive(tok.RefreshToken) {
		t.Error("the provider did not revoke the token")
	}
}
