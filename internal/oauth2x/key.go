package oauth2x

import (
	"github.com/gin-dance/dance/internal/jwkey"
	"github.com/go-jose/go-jose/v4"
)

// Key is a client's private key for private_key_jwt (or a DPoP key): its
// JWS algorithm and key ID.
type Key struct {
	JWK jose.JSONWebKey // private; KeyID and Algorithm set
}

// ParseKey reads a private key as [jwkey.Parse] does: PEM text, a file,
// or a JWK. Errors never hold the key.
func ParseKey(s string) (*Key, error) {
	k, err := jwkey.Parse(s)
	if err != nil {
		return nil, err
	}
	return &Key{JWK: k}, nil
}

// Public is the key's public JWK, for a provider's client registration or
// a test's verification.
func (k *Key) Public() jose.JSONWebKey { return k.JWK.Public() }

// signer signs JWTs with the key, its kid in the header.
func (k *Key) signer() (jose.Signer, error) {
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.JWK.KeyID)
	return jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.JWK.Algorithm), Key: k.JWK.Key}, opts)
}
