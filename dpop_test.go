package dance_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
	"github.com/go-jose/go-jose/v4"
)

// proof is a DPoP proof read with go-jose alone.
type proof struct {
	header jose.Header
	jkt    string
	claims map[string]any
}

func readProof(t *testing.T, s string) proof {
	t.Helper()
	jws, err := jose.ParseSignedCompact(s, []jose.SignatureAlgorithm{jose.ES256, jose.EdDSA, jose.RS256})
	if err != nil {
		t.Fatalf("the DPoP proof is not a JWS: %v", err)
	}
	h := jws.Signatures[0].Protected
	if typ := h.ExtraHeaders[jose.HeaderType]; typ != "dpop+jwt" {
		t.Errorf("typ = %v, want dpop+jwt", typ)
	}
	if h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() {
		t.Fatal("the proof's header has no jwk, or a private one")
	}
	payload, err := jws.Verify(h.JSONWebKey)
	if err != nil {
		t.Fatalf("the proof does not verify with its jwk: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	sum, _ := h.JSONWebKey.Thumbprint(crypto.SHA256)
	if iat, _ := c["iat"].(float64); time.Since(time.Unix(int64(iat), 0)).Abs() > time.Minute {
		t.Errorf("iat %v is not now", c["iat"])
	}
	if jti, _ := c["jti"].(string); jti == "" {
		t.Error("no jti")
	}
	return proof{h, base64.RawURLEncoding.EncodeToString(sum), c}
}

func athOf(at string) string {
	sum := sha256.Sum256([]byte(at))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// dpopKey is a P-256 key as PEM, and its RFC 7638 thumbprint.
func dpopKey(t *testing.T) (string, string) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	sum, _ := (&jose.JSONWebKey{Key: k.Public()}).Thumbprint(crypto.SHA256)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), base64.RawURLEncoding.EncodeToString(sum)
}

func dpopHarness(t *testing.T, pcfg dancetest.Config) *harness {
	pcfg.DPoP = true
	return newHarness(t, pcfg, func(c *dance.OAuth2Config) { c.DPoP = true })
}

func TestDPoPLoginBindsTokenToKey(t *testing.T) {
	h := dpopHarness(t, dancetest.Config{RefreshToken: true})
	auth := h.Login("/login/github")
	jkt := auth.Query().Get("dpop_jkt")
	if jkt == "" {
		t.Fatal("the authorization request has no dpop_jkt")
	}
	if resp, _ := h.Get(h.Approve(auth).String()); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %d\n%s", resp.StatusCode, h.Logs.String())
	}
	posts := h.P.RequestsTo("/token")
	if len(posts) != 1 {
		t.Fatalf("%d token requests, want 1", len(posts))
	}
	p := readProof(t, posts[0].Header.Get("DPoP"))
	if p.jkt != jkt {
		t.Errorf("the proof's key %s is not dpop_jkt %s", p.jkt, jkt)
	}
	if p.claims["htm"] != "POST" || p.claims["htu"] != h.P.URL+"/token" {
		t.Errorf("htm %v htu %v, want POST %s/token", p.claims["htm"], p.claims["htu"], h.P.URL)
	}
	if _, ok := p.claims["ath"]; ok {
		t.Error("a token request's proof has an ath")
	}
	tok := h.StoredToken()
	if tok["token_type"] != "DPoP" || tok["dpop_jkt"] != jkt {
		t.Errorf("stored token_type %v dpop_jkt %v, want DPoP and %s", tok["token_type"], tok["dpop_jkt"], jkt)
	}
	if got := h.P.BoundKey(tok["access_token"].(string)); got != jkt {
		t.Errorf("the provider bound the token to %q, want %q", got, jkt)
	}
	if strings.Contains(h.Logs.String(), posts[0].Header.Get("DPoP")) {
		t.Error("a proof is in the logs")
	}
}

func TestDPoPClientAPICallSignsProof(t *testing.T) {
	h := dpopHarness(t, dancetest.Config{})
	h.Browser.Dance(h.URL("/login/github"))
	at := h.StoredToken()["access_token"].(string)
	for range 2 {
		if resp, body := h.Get(h.URL("/me")); resp.StatusCode != 200 {
			t.Fatalf("GET /me: %d %s", resp.StatusCode, body)
		}
	}
	calls := h.P.RequestsTo("/user")
	if len(calls) != 2 {
		t.Fatalf("%d calls, want 2", len(calls))
	}
	var jtis []any
	for _, c := range calls {
		if c.Header.Get("Authorization") != "DPoP "+at {
			t.Error("the API call's Authorization is not DPoP <access token>")
		}
		p := readProof(t, c.Header.Get("DPoP"))
		if p.claims["ath"] != athOf(at) || p.claims["htm"] != "GET" || p.claims["htu"] != h.P.URL+"/user" {
			t.Errorf("proof claims %v", p.claims)
		}
		jtis = append(jtis, p.claims["jti"])
	}
	if jtis[0] == jtis[1] {
		t.Error("two API calls shared a jti")
	}
}

// TestDPoPResourceHandlerChecksProof calls, through *dance.Client, a
// resource of the app's own that checks the proof as RFC 9449 says.
func TestDPoPResourceHandlerChecksProof(t *testing.T) {
	h := dpopHarness(t, dancetest.Config{})
	var mu sync.Mutex
	var seen []string
	resource := apptest.TestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, ok := strings.CutPrefix(r.Header.Get("Authorization"), "DPoP ")
		p := readProof(t, r.Header.Get("DPoP"))
		mu.Lock()
		dup := false
		for _, j := range seen {
			dup = dup || j == p.claims["jti"]
		}
		seen = append(seen, p.claims["jti"].(string))
		mu.Unlock()
		switch {
		case !ok || p.jkt != h.P.BoundKey(at):
			http.Error(w, "not bound to the proof's key", http.StatusUnauthorized)
		case p.claims["ath"] != athOf(at), p.claims["htm"] != r.Method, p.claims["htu"] != "http://"+r.Host+r.URL.Path, dup:
			http.Error(w, "bad proof", http.StatusUnauthorized)
		default:
			io.WriteString(w, "resource ok")
		}
	}))
	h.Router.GET("/resource", func(c *gin.Context) {
		req, _ := apptest.Client(c, h.BP).NewRequest("POST", resource+"/things?page=2", strings.NewReader("x=1"))
		resp, err := apptest.Client(c, h.BP).Do(req)
		if err != nil {
			c.String(502, err.Error())
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		c.String(resp.StatusCode, string(b))
	})
	h.Browser.Dance(h.URL("/login/github"))
	for range 2 {
		if resp, body := h.Get(h.URL("/resource")); resp.StatusCode != 200 || body != "resource ok" {
			t.Fatalf("GET /resource: %d %s", resp.StatusCode, body)
		}
	}
}

func TestDPoPNonceRetryAtTokenEndpoint(t *testing.T) {
	h := dpopHarness(t, dancetest.Config{DPoPNonce: true})
	h.Browser.Dance(h.URL("/login/github"), dancetest.Want{Stored: "/private"})
	posts := h.P.RequestsTo("/token")
	if len(posts) != 2 {
		t.Fatalf("%d token requests, want 2 (the nonce retry)", len(posts))
	}
	first, second := readProof(t, posts[0].Header.Get("DPoP")), readProof(t, posts[1].Header.Get("DPoP"))
	if _, ok := first.claims["nonce"]; ok || second.claims["nonce"] == nil {
		t.Errorf("nonces %v then %v, want none then the server's", first.claims["nonce"], second.claims["nonce"])
	}
	if h.StoredToken()["token_type"] != "DPoP" {
		t.Error("no DPoP token stored after the retry")
	}
}

func TestDPoPNonceRetryAtResource(t *testing.T) {
	h := dpopHarness(t, dancetest.Config{DPoPNonce: true})
	h.Browser.Dance(h.URL("/login/github"))
	if resp, body := h.Get(h.URL("/me")); resp.StatusCode != 200 {
		t.Fatalf("GET /me: %d %s", resp.StatusCode, body)
	}
	if n := len(h.P.RequestsTo("/user")); n != 1 {
		t.Fatalf("%d calls before the rotation, want 1: the token endpoint's nonce serves the same origin", n)
	}
	h.P.RotateDPoPNonce()
	if resp, body := h.Get(h.URL("/me")); resp.StatusCode != 200 {
		t.Fatalf("GET /me after the rotation: %d %s", resp.StatusCode, body)
	}
	calls := h.P.RequestsTo("/user")
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3 (one refused for the new nonce, then its retry)", len(calls))
	}
	if readProof(t, calls[1].Header.Get("DPoP")).claims["nonce"] == readProof(t, calls[2].Header.Get("DPoP")).claims["nonce"] {
		t.Error("the retry did not carry the new nonce")
	}
}

// seedDPoP stores for user an expired token bound to the key jkt, with a
// refresh token the provider binds to it too.
func (a *tokenApp) seedDPoP(user, jkt string) *dance.Token {
	tok := a.seedExpired(user, a.p.IssueRefreshToken(""))
	tok.TokenType, tok.Extra["dpop_jkt"] = "DPoP", jkt
	a.p.BindDPoP(jkt, tok.AccessToken, tok.RefreshToken)
	a.store.put(user, "acme", tok)
	return tok
}

// TestDPoPRefreshProofRefusedKeepsToken is defect 4: a refresh that the
// provider refuses because of the proof (invalid_grant to a refresh token
// bound to a key this blueprint lacks, as oidc-provider 9.13 answers;
// invalid_dpop_proof; use_dpop_nonce twice) keeps the stored token.
func TestDPoPRefreshProofRefusedKeepsToken(t *testing.T) {
	refuse := func(code string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("DPoP-Nonce", "n-"+time.Now().String())
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"`+code+`"}`)
		}
	}
	for _, tc := range []struct {
		name, code string
		edit       func(t *testing.T, c *dance.OAuth2Config)
	}{
		{"invalid_grant, token bound to another instance's key", "invalid_grant", func(t *testing.T, c *dance.OAuth2Config) { c.DPoP = true }},
		{"invalid_grant, blueprint without DPoP", "invalid_grant", nil},
		{"invalid_dpop_proof", "invalid_dpop_proof", func(t *testing.T, c *dance.OAuth2Config) {
			c.DPoP, c.RefreshURL = true, apptest.TestServer(t, refuse("invalid_dpop_proof"))
		}},
		{"use_dpop_nonce twice", "use_dpop_nonce", func(t *testing.T, c *dance.OAuth2Config) {
			c.DPoP, c.RefreshURL = true, apptest.TestServer(t, refuse("use_dpop_nonce"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTokenApp(t, dancetest.Config{DPoP: true}, func(c *dance.OAuth2Config) {
				if tc.edit != nil {
					tc.edit(t, c)
				}
			})
			_, other := dpopKey(t)
			seeded := a.seedDPoP("alice", other)
			code, body, _ := a.get("alice", "/me")
			if code != http.StatusBadGateway {
				t.Fatalf("/me = %d %q, want 502 (a failed refresh, not an expired grant)", code, body)
			}
			if tok := a.store.token("alice", "acme"); tok == nil || tok.RefreshToken != seeded.RefreshToken {
				t.Fatal("the token was deleted")
			}
			errs := a.errors()
			if len(errs) != 1 || errs[0].Stage != dance.StageRefresh || errors.Is(errs[0], dance.ErrTokenExpired) || errs[0].Code != tc.code {
				t.Fatalf("error hooks got %v, want one refresh error %s that is not ErrTokenExpired", errs, tc.code)
			}
			if a.p.TokenActive(seeded.RefreshToken) == false {
				t.Error("the grant died at the provider")
			}
		})
	}
}

// TestDPoPRefreshDeadGrantDeletesToken: an invalid_grant to a refresh
// with the token's own key's proof is a dead grant.
func TestDPoPRefreshDeadGrantDeletesToken(t *testing.T) {
	key, jkt := dpopKey(t)
	a := newTokenApp(t, dancetest.Config{DPoP: true}, func(c *dance.OAuth2Config) { c.DPoPKey = key })
	tok := a.seedDPoP("alice", jkt)
	a.p.BindDPoP(jkt, "rt-dead")
	tok.RefreshToken = "rt-dead" // unknown to the provider: a dead grant
	a.store.put("alice", "acme", tok)
	if code, body, _ := a.get("alice", "/me"); code != http.StatusUnauthorized {
		t.Fatalf("/me = %d %q, want 401 from ErrTokenExpired", code, body)
	}
	if a.store.token("alice", "acme") != nil {
		t.Fatal("the dead grant's token is still stored")
	}
}

func TestDPoPRefreshSendsProofAndKeepsType(t *testing.T) {
	key, jkt := dpopKey(t)
	a := newTokenApp(t, dancetest.Config{DPoP: true}, func(c *dance.OAuth2Config) { c.DPoPKey = key })
	a.seedDPoP("alice", jkt)
	if code, body, _ := a.get("alice", "/me"); code != 200 {
		t.Fatalf("/me = %d %q", code, body)
	}
	var refresh *dancetest.Request
	for _, r := range a.p.RequestsTo("/token") {
		if r.Form.Get("grant_type") == "refresh_token" {
			refresh = &r
		}
	}
	if refresh == nil {
		t.Fatal("no refresh request")
	}
	if p := readProof(t, refresh.Header.Get("DPoP")); p.jkt != jkt || p.claims["htu"] != a.p.URL+"/token" {
		t.Errorf("refresh proof key %s htu %v, want %s and the token endpoint", p.jkt, p.claims["htu"], jkt)
	}
	tok := a.store.token("alice", "acme")
	if tok.TokenType != "DPoP" || tok.Extra["dpop_jkt"] != jkt || a.p.BoundKey(tok.AccessToken) != jkt {
		t.Errorf("refreshed token type %q jkt %v, want DPoP bound to %s", tok.TokenType, tok.Extra["dpop_jkt"], jkt)
	}
}

func TestDPoPKeyConfiguration(t *testing.T) {
	key, jkt := dpopKey(t)
	p := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(p.Close)
	jktOf := func(t *testing.T, cfg dance.OAuth2Config) string {
		h := newBareHarness(t, cfg.Name)
		h.P = p
		bp, err := dance.NewOAuth2(cfg)
		if err != nil {
			t.Fatal(err)
		}
		h.Serve(bp, nil)
		return h.Login("/login/" + cfg.Name).Query().Get("dpop_jkt")
	}
	cfg := p.OAuth2Config("acme")
	cfg.DPoPKey = key // alone: implies DPoP
	if got := jktOf(t, cfg); got != jkt {
		t.Errorf("DPoPKey alone: dpop_jkt %q, want %q", got, jkt)
	}
	t.Setenv("ENVKEY_OAUTH_DPOP_KEY", key)
	cfg = p.OAuth2Config("envkey")
	if got := jktOf(t, cfg); got != "" {
		t.Errorf("the env key alone turned DPoP on: dpop_jkt %q", got)
	}
	cfg.DPoP = true
	if got := jktOf(t, cfg); got != jkt {
		t.Errorf("DPoP with the env key: dpop_jkt %q, want %q", got, jkt)
	}
	cfg = p.OAuth2Config("gen")
	cfg.DPoP = true
	if got := jktOf(t, cfg); got == "" || got == jkt {
		t.Errorf("a generated key: dpop_jkt %q", got)
	}
	cfg.DPoPKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleQ==\n-----END PRIVATE KEY-----"
	if _, err := dance.NewOAuth2(cfg); err == nil || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Errorf("a bad DPoPKey: err = %v, want a build error without the key", err)
	}
}

// TestDPoPBearerAnswerStoredAsBearer: a server that ignores the proof
// answers token_type bearer; the token is kept as a bearer token (RFC
// 9449, 5), with a warning.
func TestDPoPBearerAnswerStoredAsBearer(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.DPoP = true })
	h.Browser.Dance(h.URL("/login/github"))
	tok := h.StoredToken()
	if tok["token_type"] != "bearer" {
		t.Fatalf("token_type %v, want bearer\n%s", tok["token_type"], h.Logs.String())
	}
	if resp, _ := h.Get(h.URL("/me")); resp.StatusCode != 200 {
		t.Fatal("GET /me failed")
	}
	calls := h.P.RequestsTo("/user")
	if len(calls) != 1 || calls[0].Header.Get("DPoP") != "" || !strings.HasPrefix(calls[0].Header.Get("Authorization"), "Bearer ") {
		t.Error("the bearer token was not sent as a bearer token without a proof")
	}
	mustContain(t, h.Logs.String(), "not DPoP-bound")
}

// TestDPoPBoundTokenWithoutKeyFailsClearly: a blueprint without DPoP
// does not send a DPoP-bound token as a bearer token.
func TestDPoPBoundTokenWithoutKeyFailsClearly(t *testing.T) {
	a := newTokenApp(t, dancetest.Config{DPoP: true}, nil)
	tok := &dance.Token{AccessToken: a.p.IssueToken(), TokenType: "DPoP", ExpiresAt: time.Now().Add(time.Hour)}
	a.store.put("alice", "acme", tok)
	code, body, _ := a.get("alice", "/me")
	if code != http.StatusBadGateway || !strings.Contains(body, "DPoP key") {
		t.Fatalf("/me = %d %q, want 502 naming the DPoP key", code, body)
	}
	if len(a.p.RequestsTo("/user")) != 0 {
		t.Error("the bound token was sent")
	}
}
