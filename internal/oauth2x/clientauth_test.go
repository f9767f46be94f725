package oauth2x

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// keyForms are one test key of each kind, in each accepted form, with
// the public key that verifies it and its JWS algorithm.
func keyForms(t *testing.T) []struct {
	name, text string
	pub        any
	alg        jose.SignatureAlgorithm
} {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	edPub, edKey, _ := ed25519.GenerateKey(rand.Reader)
	pemOf := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	sec1, _ := x509.MarshalECPrivateKey(ecKey)
	jwk, err := jose.JSONWebKey{Key: ecKey, KeyID: "my-kid"}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, []byte(pemOf("PRIVATE KEY", pkcs8(rsaKey))), 0o600); err != nil {
		t.Fatal(err)
	}
	return []struct {
		name, text string
		pub        any
		alg        jose.SignatureAlgorithm
	}{
		{"RSA PKCS#1", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), &rsaKey.PublicKey, jose.RS256},
		{"RSA PKCS#8 file", path, &rsaKey.PublicKey, jose.RS256},
		{"EC SEC1", pemOf("EC PRIVATE KEY", sec1), &ecKey.PublicKey, jose.ES256},
		{"EC JWK", string(jwk), &ecKey.PublicKey, jose.ES256},
		{"Ed25519 PKCS#8", pemOf("PRIVATE KEY", pkcs8(edKey)), edPub, jose.EdDSA},
		{"EC SEC1 in one line", strings.ReplaceAll(pemOf("EC PRIVATE KEY", sec1), "\n", `\n`), &ecKey.PublicKey, jose.ES256},
	}
}

// checkAssertion verifies a client assertion with go-jose: signature,
// algorithm, kid, iss = sub = client ID, aud, exp 60 s after iat, a jti.
func checkAssertion(t *testing.T, raw string, verify any, alg jose.SignatureAlgorithm, kid, clientID, aud string, now time.Time) jwt.Claims {
	t.Helper()
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{alg})
	if err != nil {
		t.Fatalf("assertion: %v", err)
	}
	if h := tok.Headers[0]; h.KeyID != kid || h.Algorithm != string(alg) {
		t.Errorf("header kid %q alg %q, want %q %q", h.KeyID, h.Algorithm, kid, alg)
	}
	var c jwt.Claims
	if err := tok.Claims(verify, &c); err != nil {
		t.Fatalf("signature: %v", err)
	}
	err = c.ValidateWithLeeway(jwt.Expected{Issuer: clientID, Subject: clientID, AnyAudience: jwt.Audience{aud}, Time: now}, 0)
	if err != nil {
		t.Errorf("claims: %v", err)
	}
	if c.ID == "" || c.Expiry == nil || c.IssuedAt == nil || c.Expiry.Time().Sub(c.IssuedAt.Time()) != AssertionLifetime {
		t.Errorf("jti %q, iat %v, exp %v: want a jti and exp 60 s after iat", c.ID, c.IssuedAt, c.Expiry)
	}
	return c
}

// private_key_jwt: every key form signs assertions that go-jose verifies
// with the public key, each with a fresh jti; aud is the issuer when one
// is set, else the endpoint URL.
func TestPrivateKeyJWTAssertion(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, kf := range keyForms(t) {
		t.Run(kf.name, func(t *testing.T) {
			k, err := ParseKey(kf.text)
			if err != nil {
				t.Fatal(err)
			}
			wantKid := "my-kid"
			if !strings.Contains(kf.name, "JWK") {
				pub := jose.JSONWebKey{Key: kf.pub}
				tp, _ := pub.Thumbprint(crypto.SHA256)
				wantKid = base64.RawURLEncoding.EncodeToString(tp)
			}
			for _, aud := range []string{"", "https://issuer.example"} {
				a := &ClientAuth{Method: MethodKeyJWT, ClientID: "client-1", Key: k, Audience: aud, Now: func() time.Time { return now }}
				seen := map[string]bool{}
				for range 3 {
					form, h := url.Values{"client_secret": {"stale"}}, http.Header{"Authorization": {"Basic stale"}}
					if err := a.Apply(form, h, "https://p.example/token", ""); err != nil {
						t.Fatal(err)
					}
					if h.Get("Authorization") != "" || form.Has("client_secret") || form.Get("client_id") != "client-1" || form.Get("client_assertion_type") != assertionType {
						t.Fatalf("form %v, header %v", form, h)
					}
					wantAud := aud
					if aud == "" {
						wantAud = "https://p.example/token"
					}
					c := checkAssertion(t, form.Get("client_assertion"), kf.pub, kf.alg, wantKid, "client-1", wantAud, now)
					if seen[c.ID] {
						t.Fatal("a jti was used twice")
					}
					seen[c.ID] = true
				}
			}
		})
	}
}

// client_secret_jwt: HS256 with the client secret.
func TestClientSecretJWTAssertion(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	secret := "0123456789abcdef0123456789abcdef"
	a := &ClientAuth{Method: MethodSecretJWT, ClientID: "c", Now: func() time.Time { return now }}
	form := url.Values{}
	if err := a.Apply(form, http.Header{}, "https://p.example/par", secret); err != nil {
		t.Fatal(err)
	}
	checkAssertion(t, form.Get("client_assertion"), []byte(secret), jose.HS256, "", "c", "https://p.example/par", now)
	if err := a.Apply(url.Values{}, http.Header{}, "https://p.example/par", "short"); err == nil {
		t.Fatal("a secret too short for HS256 signed an assertion")
	}
}

// The secret methods and "none" put the credentials where they go, and
// only there.
func TestClientAuthSecretMethods(t *testing.T) {
	for _, tc := range []struct {
		method, header, id, secret string
	}{
		{MethodBasic, "Basic " + base64.StdEncoding.EncodeToString([]byte("id%26x:s%3Ae")), "", ""},
		{MethodPost, "", "id&x", "s:e"},
		{MethodNone, "", "id&x", ""},
	} {
		a := &ClientAuth{Method: tc.method, ClientID: "id&x"}
		form := url.Values{"client_id": {"id&x"}, "client_assertion": {"old"}}
		h := http.Header{}
		if err := a.Apply(form, h, "https://p.example/token", "s:e"); err != nil {
			t.Fatal(err)
		}
		if h.Get("Authorization") != tc.header || form.Get("client_id") != tc.id || form.Get("client_secret") != tc.secret || form.Has("client_assertion") {
			t.Errorf("%s: header %q, form %v", tc.method, h.Get("Authorization"), form)
		}
	}
}

// The transport rewrites another library's request: the credentials it
// put are replaced, the extra parameters added, the rest kept.
func TestClientAuthTransport(t *testing.T) {
	var got url.Values
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, _ = url.ParseQuery(string(b))
		auth = r.Header.Get("Authorization")
	}))
	defer srv.Close()
	a := &ClientAuth{Method: MethodPost, ClientID: "id"}
	hc := &http.Client{Transport: a.Transport(http.DefaultTransport, "sec", url.Values{"resource": {"r"}})}
	resp, err := hc.PostForm(srv.URL+"/token?x=1", url.Values{"grant_type": {"refresh_token"}, "client_secret": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if auth != "" || got.Get("client_secret") != "sec" || got.Get("client_id") != "id" || got.Get("resource") != "r" || got.Get("grant_type") != "refresh_token" {
		t.Fatalf("sent %v with Authorization %q", got, auth)
	}
}

// Bad keys are refused with errors that hold no key material.
func TestParseKeyErrors(t *testing.T) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	der, _ := x509.MarshalPKCS8PrivateKey(weak)
	pubJWK, _ := jose.JSONWebKey{Key: &ecKey.PublicKey}.MarshalJSON()
	for name, text := range map[string]string{
		"empty":     " ",
		"garbage":   "-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n",
		"RSA-1024":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"public":    string(pubJWK),
		"bad JSON":  `{"kty":"EC","d":"secretish"`,
		"no file":   "/nonexistent/secretish.pem",
		"not a key": "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n",
	} {
		_, err := ParseKey(text)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "QUJD") || strings.Contains(err.Error(), "secretish") {
			t.Errorf("%s: the error holds key material: %v", name, err)
		}
	}
}

// Push sends every parameter of the authorization URL, authenticated, and
// returns the front-channel URL with client_id and request_uri only.
func TestPush(t *testing.T) {
	var pushed url.Values
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		pushed, auth = r.PostForm, r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}`)
	}))
	defer srv.Close()
	a := &ClientAuth{Method: MethodBasic, ClientID: "id"}
	front, err := Push(t.Context(), srv.Client(), a, "s", srv.URL+"/par", "https://p.example/authorize?tenant=t",
		"https://p.example/authorize?tenant=t&client_id=id&state=st&dpop_jkt=j&scope=a+b")
	if err != nil {
		t.Fatal(err)
	}
	if front != "https://p.example/authorize?tenant=t&client_id=id&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc" {
		t.Errorf("front-channel URL %s", front)
	}
	if pushed.Get("state") != "st" || pushed.Get("dpop_jkt") != "j" || pushed.Get("scope") != "a b" || pushed.Has("client_secret") || !strings.HasPrefix(auth, "Basic ") {
		t.Errorf("pushed %v with Authorization %q", pushed, auth)
	}
}

// BenchmarkClientAuthApply is the cost of authenticating one request, by
// method: the JWT methods sign an assertion each time.
func BenchmarkClientAuthApply(b *testing.B) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	key := func(k any) *Key {
		der, _ := x509.MarshalPKCS8PrivateKey(k)
		parsed, err := ParseKey(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
		if err != nil {
			b.Fatal(err)
		}
		return parsed
	}
	for _, a := range []*ClientAuth{
		{Method: MethodBasic, ClientID: "id"},
		{Method: MethodPost, ClientID: "id"},
		{Method: MethodSecretJWT, ClientID: "id"},
		{Method: MethodKeyJWT, ClientID: "id", Key: key(ecKey)},
		{Method: MethodKeyJWT, ClientID: "id", Key: key(rsaKey)},
	} {
		name := a.Method
		if a.Key != nil {
			name += "-" + a.Key.JWK.Algorithm
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := a.Apply(url.Values{}, http.Header{}, "https://p.example/token", "0123456789abcdef0123456789abcdef"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
