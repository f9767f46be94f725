// Package dpop binds OAuth tokens to a key (RFC 9449, DPoP): the
// blueprint's key, the proofs it signs for the token endpoint and for API
// calls, the transport that adds them and follows the server's nonce, and
// the checks a server makes, for the fake providers.
package dpop

import (
	"crypto"
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
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Key is a private key that signs DPoP proofs. It is safe for concurrent
// use.
type Key struct {
	alg    jose.SignatureAlgorithm
	signer jose.Signer
	thumb  string // RFC 7638 SHA-256 thumbprint, base64url
}

// Generate makes a new P-256 key (ES256).
func Generate() (*Key, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return newKey(k)
}

// ParseKey reads a private key from PEM text (PKCS#8, PKCS#1 RSA, SEC1
// EC), from a file that holds PEM text, or from a JWK (a JSON object with
// its private part). Errors never quote the key.
func ParseKey(s string) (*Key, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "{"):
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON([]byte(s)); err != nil {
			return nil, errors.New("the DPoP key is not a valid JWK")
		}
		if jwk.IsPublic() {
			return nil, errors.New("the DPoP key JWK has no private part")
		}
		return newKey(jwk.Key)
	case strings.HasPrefix(s, "-----BEGIN"):
		return parsePEM([]byte(s))
	case s == "":
		return nil, errors.New("the DPoP key is empty")
	}
	b, err := os.ReadFile(s)
	if err != nil {
		return nil, errors.New("the DPoP key is neither PEM, a JWK, nor a readable file")
	}
	return parsePEM(b)
}

// parsePEM reads the first PEM block of b as a private key.
func parsePEM(b []byte) (*Key, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("the DPoP key file holds no PEM block")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return newKey(k)
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return newKey(k)
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return newKey(k)
	}
	return nil, fmt.Errorf("the DPoP key's PEM block (%s) is not a PKCS#8, PKCS#1 or SEC1 private key", block.Type)
}

// newKey makes a Key of a crypto private key, choosing its algorithm:
// ES256, ES384 or ES512 by curve, EdDSA for Ed25519, RS256 for RSA.
func newKey(priv any) (*Key, error) {
	var alg jose.SignatureAlgorithm
	var pub crypto.PublicKey
	switch k := priv.(type) {
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256():
			alg = jose.ES256
		case elliptic.P384():
			alg = jose.ES384
		case elliptic.P521():
			alg = jose.ES512
		default:
			return nil, errors.New("the DPoP key's curve is not P-256, P-384 or P-521")
		}
		pub = k.Public()
	case ed25519.PrivateKey:
		alg, pub = jose.EdDSA, k.Public()
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, errors.New("the DPoP key is an RSA key shorter than 2048 bits")
		}
		alg, pub = jose.RS256, k.Public()
	default:
		return nil, fmt.Errorf("the DPoP key's type %T is not EC, Ed25519 or RSA", priv)
	}
	opts := (&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt")
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: priv}, opts)
	if err != nil {
		return nil, err
	}
	thumb, err := Thumbprint(pub)
	if err != nil {
		return nil, err
	}
	return &Key{alg: alg, signer: signer, thumb: thumb}, nil
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint of a public key, base64url
// without padding: the "jkt" that binds a token, and the "dpop_jkt" of an
// authorization request.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	jwk := jose.JSONWebKey{Key: pub}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

// Thumbprint is the key's RFC 7638 thumbprint.
func (k *Key) Thumbprint() string { return k.thumb }

// Algorithm is the JWS algorithm of the key's proofs.
func (k *Key) Algorithm() string { return string(k.alg) }

// claims are a proof's claims (RFC 9449, 4.2).
type claims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	Nonce string `json:"nonce,omitempty"`
	ATH   string `json:"ath,omitempty"`
}

// Proof signs a proof for a request of method htm to htu (the URL without
// query and fragment), with the server's nonce when one is known, and the
// access token's hash (ath) when accessToken is not empty.
func (k *Key) Proof(htm, htu, nonce, accessToken string, now time.Time) (string, error) {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", err
	}
	c := claims{JTI: base64.RawURLEncoding.EncodeToString(id[:]), HTM: htm, HTU: htu, IAT: now.Unix(), Nonce: nonce}
	if accessToken != "" {
		c.ATH = ATH(accessToken)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	jws, err := k.signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// ATH is the "ath" claim for an access token: base64url(SHA-256(token)).
func ATH(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// ExtraJKT is the key of a token's Extra that holds the thumbprint of the
// key whose proof came with the token request: the key the token (or at
// least its refresh token, RFC 9449, 5) is bound to.
const ExtraJKT = "dpop_jkt"

// LoadKey is ParseKey of text, or a new P-256 key when text is empty.
func LoadKey(text string) (*Key, error) {
	if strings.TrimSpace(text) == "" {
		return Generate()
	}
	return ParseKey(text)
}
