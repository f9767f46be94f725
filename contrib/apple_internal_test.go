package contrib

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// p8 is a new P-256 key in Apple's .p8 form, and its public key.
func p8(t *testing.T) (string, *ecdsa.PublicKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), &key.PublicKey
}

// TestAppleClientSecret: the client secret is an ES256 JWT with the key's
// ID in its header, the team as issuer, the Services ID as subject and
// Apple as audience, good for five months: less than Apple's six. It is
// kept, and made again once it has less than a month left.
func TestAppleClientSecret(t *testing.T) {
	text, pub := p8(t)
	now := time.Unix(1_800_000_000, 0)
	s, err := newAppleSecret(AppleConfig{TeamID: "TEAM123456", KeyID: "KEY1234567", PrivateKey: text,
		Options: dance.Options{Now: func() time.Time { return now }}}, "com.example.web")
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.make(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.ParseSigned(first, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	if h := tok.Headers[0]; h.KeyID != "KEY1234567" || h.Algorithm != "ES256" {
		t.Errorf("header kid %q alg %q", h.KeyID, h.Algorithm)
	}
	var c jwt.Claims
	if err := tok.Claims(pub, &c); err != nil {
		t.Fatalf("the secret does not verify with the key's public key: %v", err)
	}
	life := c.Expiry.Time().Sub(c.IssuedAt.Time())
	if c.Issuer != "TEAM123456" || c.Subject != "com.example.web" || len(c.Audience) != 1 || c.Audience[0] != "https://appleid.apple.com" ||
		life > 180*24*time.Hour || life < 90*24*time.Hour || !c.IssuedAt.Time().Equal(now) {
		t.Fatalf("claims %+v, lifetime %v", c, life)
	}
	now = now.Add(100 * 24 * time.Hour)
	if again, _ := s.make(t.Context()); again != first {
		t.Error("a secret with two months left was made again")
	}
	now = now.Add(25 * 24 * time.Hour) // 125 days: less than a month left
	if renewed, _ := s.make(t.Context()); renewed == first {
		t.Error("a secret with less than a month left was kept")
	}
}

// TestAppleKeyErrors: a missing setting names every setting and variable;
// a key that is not a P-256 .p8 key is refused at build time, and no error
// quotes the key.
func TestAppleKeyErrors(t *testing.T) {
	for _, env := range []string{"APPLE_OAUTH_CLIENT_ID", "APPLE_OAUTH_TEAM_ID", "APPLE_OAUTH_KEY_ID", "APPLE_OAUTH_PRIVATE_KEY"} {
		t.Setenv(env, "")
	}
	_, err := Apple(AppleConfig{ClientID: "com.example.web"})
	if err == nil || !strings.Contains(err.Error(), "APPLE_OAUTH_PRIVATE_KEY") || !strings.Contains(err.Error(), "TeamID") {
		t.Fatalf("no key: %v", err)
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsaDER, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	rsaPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: rsaDER}))
	for what, key := range map[string]string{
		"an RSA key":  rsaPEM,
		"not PEM":     "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n",
		"a bad path":  filepath.Join(t.TempDir(), "missing.p8"),
		"PKCS #1 RSA": string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})),
	} {
		_, err := Apple(AppleConfig{ClientID: "com.example.web", TeamID: "T", KeyID: "K", PrivateKey: key})
		if err == nil || strings.Contains(err.Error(), key) {
			t.Errorf("%s: err = %v", what, err)
		}
	}
	text, _ := p8(t)
	path := filepath.Join(t.TempDir(), "AuthKey_K.p8")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("APPLE_OAUTH_PRIVATE_KEY", path)
	if _, err := Apple(AppleConfig{ClientID: "com.example.web", TeamID: "T", KeyID: "K"}); err != nil {
		t.Errorf("the key from the path in APPLE_OAUTH_PRIVATE_KEY: %v", err)
	}
}
