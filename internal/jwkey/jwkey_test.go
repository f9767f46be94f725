package jwkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

func pemText(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// TestParseForms: every accepted form gives the private key, the
// algorithm of its type and curve, and a kid (the JWK's own when it has
// one, else the thumbprint, the same for every form of one key).
func TestParseForms(t *testing.T) {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(p256)
	sec1, _ := x509.MarshalECPrivateKey(p256)
	p384der, _ := x509.MarshalPKCS8PrivateKey(p384)
	edder, _ := x509.MarshalPKCS8PrivateKey(ed)
	jwkJSON, _ := jose.JSONWebKey{Key: p256, KeyID: "mine"}.MarshalJSON()
	file := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(file, []byte(pemText("PRIVATE KEY", pkcs8)), 0o600); err != nil {
		t.Fatal(err)
	}
	base, err := New(p256)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, in, alg, kid string }{
		{"PKCS#8 P-256", pemText("PRIVATE KEY", pkcs8), "ES256", base.KeyID},
		{"SEC1 P-256", pemText("EC PRIVATE KEY", sec1), "ES256", base.KeyID},
		{"one-line PEM", strings.ReplaceAll(strings.TrimSpace(pemText("PRIVATE KEY", pkcs8)), "\n", `\n`), "ES256", base.KeyID},
		{"file", file, "ES256", base.KeyID},
		{"JWK with kid", string(jwkJSON), "ES256", "mine"},
		{"P-384", pemText("PRIVATE KEY", p384der), "ES384", ""},
		{"Ed25519", pemText("PRIVATE KEY", edder), "EdDSA", ""},
		{"PKCS#1 RSA", pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)), "RS256", ""},
	} {
		k, err := Parse(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if k.IsPublic() || k.Algorithm != tc.alg || k.KeyID == "" || (tc.kid != "" && k.KeyID != tc.kid) {
			t.Errorf("%s: public=%v alg=%s kid=%s, want private %s %s", tc.name, k.IsPublic(), k.Algorithm, k.KeyID, tc.alg, tc.kid)
		}
	}
}

// TestParseRefuses: what is not a usable private key is refused, and the
// error holds no key material.
func TestParseRefuses(t *testing.T) {
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	weakDER, _ := x509.MarshalPKCS8PrivateKey(weak)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pub, _ := jose.JSONWebKey{Key: &p256.PublicKey}.MarshalJSON()
	for name, in := range map[string]string{
		"empty":       " ",
		"RSA-1024":    pemText("PRIVATE KEY", weakDER),
		"public JWK":  string(pub),
		"bad JSON":    `{"kty":"EC","d":"secretish"`,
		"symmetric":   `{"kty":"oct","k":"c2VjcmV0aXNo"}`,
		"garbage PEM": "-----BEGIN PRIVATE KEY-----\nc2VjcmV0aXNo\n-----END PRIVATE KEY-----\n",
		"certificate": "-----BEGIN CERTIFICATE-----\nc2VjcmV0aXNo\n-----END CERTIFICATE-----\n",
		"no file":     "/nonexistent/secretish.pem",
	} {
		_, err := Parse(in)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "c2VjcmV0aXNo") || strings.Contains(err.Error(), "secretish\"") {
			t.Errorf("%s: the error holds key material: %v", name, err)
		}
	}
}
