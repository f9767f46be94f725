// Package dpop binds OAuth tokens to a key (RFC 9449, DPoP): the
// blueprint's key, the proofs it signs for the token endpoint and for API
// calls, the transport that adds them and follows the server's nonce, and
// the checks a server makes, for the fake providers.
package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/gin-dance/dance/internal/jwkey"
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
	jwk, err := jwkey.New(k)
	if err != nil {
		return nil, err
	}
	return newKey(jwk)
}

// ParseKey reads a private key as [jwkey.Parse] does: PEM text, a file,
// or a JWK. Errors never quote the key.
func ParseKey(s string) (*Key, error) {
	jwk, err := jwkey.Parse(s)
	if err != nil {
		return nil, err
	}
	return newKey(jwk)
}

// newKey makes a Key of a private JWK that [jwkey] made: its proofs embed
// the public part.
func newKey(jwk jose.JSONWebKey) (*Key, error) {
	alg := jose.SignatureAlgorithm(jwk.Algorithm)
	opts := (&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt")
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jwk.Key}, opts)
	if err != nil {
		return nil, err
	}
	thumb, err := Thumbprint(jwk.Public().Key)
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
