package dpop

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-dance/dance/internal/jwkey"
	"github.com/go-jose/go-jose/v4"
)

var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// decoded is a proof read with go-jose alone, not with Verify.
type decoded struct {
	header jose.Header
	claims map[string]any
}

func decode(t *testing.T, proof string) decoded {
	t.Helper()
	jws, err := jose.ParseSignedCompact(proof, []jose.SignatureAlgorithm{jose.ES256, jose.EdDSA, jose.RS256})
	if err != nil {
		t.Fatalf("ParseSigned: %v", err)
	}
	h := jws.Signatures[0].Protected
	if h.JSONWebKey == nil {
		t.Fatal("no jwk in the proof's header")
	}
	payload, err := jws.Verify(h.JSONWebKey)
	if err != nil {
		t.Fatalf("the proof does not verify with its own jwk: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	return decoded{h, c}
}

func mustGenerate(t testing.TB) *Key {
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestProofClaims(t *testing.T) {
	k := mustGenerate(t)
	p, err := k.Proof("GET", "https://api.example.com/v1/me", "n-1", "the-access-token", now)
	if err != nil {
		t.Fatal(err)
	}
	d := decode(t, p)
	if typ := d.header.ExtraHeaders[jose.HeaderType]; typ != "dpop+jwt" {
		t.Errorf("typ = %v, want dpop+jwt", typ)
	}
	if d.header.Algorithm != "ES256" {
		t.Errorf("alg = %s, want ES256", d.header.Algorithm)
	}
	if !d.header.JSONWebKey.IsPublic() {
		t.Error("the header's jwk holds a private key")
	}
	raw := strings.Split(p, ".")[0]
	hb, _ := base64.RawURLEncoding.DecodeString(raw)
	if strings.Contains(string(hb), `"d"`) {
		t.Errorf("the header carries a private parameter: %s", hb)
	}
	sum := sha256.Sum256([]byte("the-access-token"))
	want := map[string]any{
		"htm": "GET", "htu": "https://api.example.com/v1/me", "iat": float64(now.Unix()),
		"nonce": "n-1", "ath": base64.RawURLEncoding.EncodeToString(sum[:]),
	}
	for k, v := range want {
		if d.claims[k] != v {
			t.Errorf("%s = %v, want %v", k, d.claims[k], v)
		}
	}
	if jti, _ := d.claims["jti"].(string); len(jti) < 16 {
		t.Errorf("jti = %q, want a random identifier", jti)
	}
	if got, _ := Thumbprint(d.header.JSONWebKey.Key); got != k.Thumbprint() {
		t.Errorf("the jwk's thumbprint %s is not the key's %s", got, k.Thumbprint())
	}
}

func TestProofWithoutTokenHasNoATHNorNonce(t *testing.T) {
	p, err := mustGenerate(t).Proof("POST", "https://as.example.com/token", "", "", now)
	if err != nil {
		t.Fatal(err)
	}
	c := decode(t, p).claims
	for _, k := range []string{"ath", "nonce"} {
		if _, ok := c[k]; ok {
			t.Errorf("the proof has %s = %v; want none", k, c[k])
		}
	}
}

func TestProofJTIUnique(t *testing.T) {
	k := mustGenerate(t)
	seen := map[string]bool{}
	for range 200 {
		p, err := k.Proof("POST", "https://as.example.com/token", "", "", now)
		if err != nil {
			t.Fatal(err)
		}
		jti := decode(t, p).claims["jti"].(string)
		if seen[jti] {
			t.Fatalf("jti %q repeated", jti)
		}
		seen[jti] = true
	}
}

// TestThumbprintRFC7638 checks the thumbprint against RFC 7638's own
// example (section 3.1).
func TestThumbprintRFC7638(t *testing.T) {
	const jwk = `{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB"}`
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON([]byte(jwk)); err != nil {
		t.Fatal(err)
	}
	got, err := Thumbprint(k.Key)
	if err != nil {
		t.Fatal(err)
	}
	if want := "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Errorf("Thumbprint = %s, want %s", got, want)
	}
}

func TestParseKeyFormats(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(ec)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(ed)
	pemOf := func(typ string, b []byte) string { return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})) }
	jwk, _ := (&jose.JSONWebKey{Key: ec}).MarshalJSON()
	file := filepath.Join(t.TempDir(), "dpop.pem")
	if err := os.WriteFile(file, []byte(pemOf("PRIVATE KEY", pkcs8)), 0o600); err != nil {
		t.Fatal(err)
	}
	ecThumb, _ := Thumbprint(ec.Public())
	for _, tc := range []struct {
		name, in, alg, thumb string
	}{
		{"PKCS#8 EC", pemOf("PRIVATE KEY", pkcs8), "ES256", ecThumb},
		{"SEC1 EC", pemOf("EC PRIVATE KEY", sec1), "ES256", ecThumb},
		{"PKCS#1 RSA", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)), "RS256", ""},
		{"PKCS#8 Ed25519", pemOf("PRIVATE KEY", edPKCS8), "EdDSA", ""},
		{"JWK", string(jwk), "ES256", ecThumb},
		{"file", file, "ES256", ecThumb},
	} {
		k, err := ParseKey(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if k.Algorithm() != tc.alg || (tc.thumb != "" && k.Thumbprint() != tc.thumb) {
			t.Errorf("%s: alg %s thumbprint %s, want %s %s", tc.name, k.Algorithm(), k.Thumbprint(), tc.alg, tc.thumb)
		}
		if _, err := k.Proof("GET", "https://x.example/", "", "", now); err != nil {
			t.Errorf("%s: Proof: %v", tc.name, err)
		}
	}
	pubJWK, _ := (&jose.JSONWebKey{Key: ec.Public()}).MarshalJSON()
	secretish := "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----"
	for _, bad := range []string{string(pubJWK), "", "not a key", secretish, `{"kty":"oct","k":"c2VjcmV0"}`} {
		_, err := ParseKey(bad)
		if err == nil {
			t.Errorf("ParseKey(%.20q) accepted it", bad)
			continue
		}
		if strings.Contains(err.Error(), "c2VjcmV0") {
			t.Errorf("the error quotes the key: %v", err)
		}
	}
}

// server is a DPoP server for the transport tests: it records the proofs
// it got and answers with what answer says.
type server struct {
	mu     sync.Mutex
	proofs []string
	bodies []string
	answer func(w http.ResponseWriter, r *http.Request, n int)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.proofs = append(s.proofs, r.Header.Get("DPoP"))
	s.bodies = append(s.bodies, string(b))
	n := len(s.proofs)
	s.mu.Unlock()
	s.answer(w, r, n)
}

func newServer(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, n int)) (*server, *httptest.Server) {
	s := &server{answer: answer}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func TestTransportTokenEndpointNonceRetry(t *testing.T) {
	s, ts := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("DPoP-Nonce", "server-nonce-1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"use_dpop_nonce","error_description":"nonce is required in the DPoP proof"}`)
			return
		}
		io.WriteString(w, `{"access_token":"at","token_type":"DPoP"}`)
	})
	tr := NewTransport(mustGenerate(t), http.DefaultTransport, clock, ts.URL+"/token")
	hc := &http.Client{Transport: tr}
	resp, err := hc.PostForm(ts.URL+"/token?x=1", map[string][]string{"grant_type": {"authorization_code"}, "code": {"c"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "DPoP") {
		t.Fatalf("answer %d %s, want the retry's 200", resp.StatusCode, body)
	}
	if len(s.proofs) != 2 {
		t.Fatalf("%d requests, want 2 (one retry)", len(s.proofs))
	}
	if s.bodies[1] != s.bodies[0] || s.bodies[1] == "" {
		t.Errorf("the retry's body %q differs from the first %q", s.bodies[1], s.bodies[0])
	}
	first, second := decode(t, s.proofs[0]).claims, decode(t, s.proofs[1]).claims
	if _, ok := first["nonce"]; ok {
		t.Errorf("the first proof has a nonce: %v", first["nonce"])
	}
	if second["nonce"] != "server-nonce-1" {
		t.Errorf("the retry's nonce = %v, want server-nonce-1", second["nonce"])
	}
	if first["jti"] == second["jti"] {
		t.Error("the retry reused the jti")
	}
	if second["htu"] != ts.URL+"/token" || second["htm"] != "POST" {
		t.Errorf("htm %v htu %v, want POST %s/token (no query)", second["htm"], second["htu"], ts.URL)
	}
	// The nonce is remembered for the origin's next request.
	resp, err = hc.PostForm(ts.URL+"/token", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if third := decode(t, s.proofs[2]).claims; third["nonce"] != "server-nonce-1" {
		t.Errorf("the next request's nonce = %v, want the remembered one", third["nonce"])
	}
}

func TestTransportResourceNonceRetry(t *testing.T) {
	s, ts := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("DPoP-Nonce", "rs-nonce")
			w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`)
			w.WriteHeader(401)
			return
		}
		io.WriteString(w, `{"ok":true}`)
	})
	hc := &http.Client{Transport: NewTransport(mustGenerate(t), http.DefaultTransport, clock)}
	req, _ := http.NewRequest("PUT", ts.URL+"/things/1?q=2#frag", strings.NewReader(`{"a":1}`))
	req.Header.Set("Authorization", "DPoP the-at")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(s.proofs) != 2 {
		t.Fatalf("status %d after %d requests, want 200 after 2", resp.StatusCode, len(s.proofs))
	}
	if s.bodies[1] != `{"a":1}` {
		t.Errorf("the retry's body = %q", s.bodies[1])
	}
	c := decode(t, s.proofs[1]).claims
	if c["nonce"] != "rs-nonce" || c["ath"] != ATH("the-at") || c["htm"] != "PUT" || c["htu"] != ts.URL+"/things/1" {
		t.Errorf("retry claims %v", c)
	}
}

// TestTransportRetriesOnce checks that a server that keeps asking for a
// new nonce gets the request twice, not forever.
func TestTransportRetriesOnce(t *testing.T) {
	s, ts := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("DPoP-Nonce", "nonce-"+string(rune('a'+n)))
		w.WriteHeader(400)
		io.WriteString(w, `{"error":"use_dpop_nonce"}`)
	})
	hc := &http.Client{Transport: NewTransport(mustGenerate(t), http.DefaultTransport, clock, ts.URL+"/token")}
	resp, err := hc.PostForm(ts.URL+"/token", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(s.proofs) != 2 || resp.StatusCode != 400 || !strings.Contains(string(body), "use_dpop_nonce") {
		t.Errorf("%d requests, answer %d %s; want 2 and the second refusal", len(s.proofs), resp.StatusCode, body)
	}
}

// TestTransportOtherErrorNotRetried checks that another 400 with a
// DPoP-Nonce is not retried, and its body still reaches the caller.
func TestTransportOtherErrorNotRetried(t *testing.T) {
	s, ts := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("DPoP-Nonce", "n")
		w.WriteHeader(400)
		io.WriteString(w, `{"error":"invalid_grant"}`)
	})
	hc := &http.Client{Transport: NewTransport(mustGenerate(t), http.DefaultTransport, clock, ts.URL+"/token")}
	resp, err := hc.PostForm(ts.URL+"/token", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(s.proofs) != 1 || string(body) != `{"error":"invalid_grant"}` {
		t.Errorf("%d requests, body %s; want 1 and the refusal", len(s.proofs), body)
	}
}

func TestTransportLeavesOtherRequests(t *testing.T) {
	s, ts := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	hc := &http.Client{Transport: NewTransport(mustGenerate(t), http.DefaultTransport, clock, ts.URL+"/token")}
	get, _ := http.NewRequest("GET", ts.URL+"/token", nil) // not a POST
	bearer, _ := http.NewRequest("GET", ts.URL+"/api", nil)
	bearer.Header.Set("Authorization", "Bearer at")
	post, _ := http.NewRequest("POST", ts.URL+"/revoke", nil)
	for _, r := range []*http.Request{get, bearer, post} {
		resp, err := hc.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for i, p := range s.proofs {
		if p != "" {
			t.Errorf("request %d carried a proof", i)
		}
	}
}

func TestVerify(t *testing.T) {
	k := mustGenerate(t)
	htu := "https://rs.example/api"
	good, _ := k.Proof("GET", htu, "", "at", now)
	req := func(proof string) *http.Request {
		r := httptest.NewRequest("GET", htu+"?q=1", nil)
		r.Header.Set("DPoP", proof)
		return r
	}
	c, err := Verify(req(good), htu, "at", now, time.Minute)
	if err != nil || c.JKT != k.Thumbprint() {
		t.Fatalf("Verify(good) = %+v, %v", c, err)
	}
	old, _ := k.Proof("GET", htu, "", "at", now.Add(-time.Hour))
	post, _ := k.Proof("POST", htu, "", "at", now)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"htm":"GET"}`)) + "." + parts[2]
	for name, tc := range map[string]struct{ proof, at string }{
		"other token": {good, "other"}, "stale iat": {old, "at"}, "other method": {post, "at"},
		"tampered": {tampered, "at"}, "not a JWS": {"abc", "at"},
	} {
		if _, err := Verify(req(tc.proof), htu, tc.at, now, time.Minute); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), parts[2]) {
			t.Errorf("%s: the error quotes the proof", name)
		}
	}
}

// BenchmarkProof is the cost of one proof: what DPoP adds to each token
// request and each API call.
func BenchmarkProof(b *testing.B) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	for _, tc := range []struct {
		name string
		key  any
	}{{"ES256", ec}, {"EdDSA", ed}, {"RS256", rk}} {
		jwk, err := jwkey.New(tc.key)
		if err != nil {
			b.Fatal(err)
		}
		k, err := newKey(jwk)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Proof("GET", "https://api.example.com/v1/me", "nonce", "access-token", now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify is the cost of checking one ES256 proof (the fake
// providers' side).
func BenchmarkVerify(b *testing.B) {
	k := mustGenerate(b)
	htu := "https://rs.example/api"
	p, _ := k.Proof("GET", htu, "", "at", now)
	r := httptest.NewRequest("GET", htu, nil)
	r.Header.Set("DPoP", p)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(r, htu, "at", now, time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransport is an API call to a loopback server with a bearer
// token (the baseline) and with a DPoP-bound one through the transport:
// the difference is what DPoP costs a call.
func BenchmarkTransport(b *testing.B) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "{}") }))
	defer ts.Close()
	base := &http.Transport{MaxIdleConnsPerHost: 4}
	defer base.CloseIdleConnections()
	tr := NewTransport(mustGenerate(b), base, time.Now)
	for _, tc := range []struct{ name, scheme string }{{"bearer", "Bearer "}, {"dpop", "DPoP "}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequest("GET", ts.URL+"/api", nil)
				req.Header.Set("Authorization", tc.scheme+"access-token")
				resp, err := tr.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
