package oauth2x

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// Key is a client's private key for private_key_jwt (or a DPoP key): its
// JWS algorithm and key ID.
type Key struct {
	JWK jose.JSONWebKey // private; KeyID and Algorithm set
}

// ParseKey reads a private key from PEM text (PKCS#8, PKCS#1 RSA, SEC1
// EC), a path to a PEM or JWK file, or a JWK (a JSON object). Its kid is
// the JWK's, else the RFC 7638 thumbprint; its algorithm is RS256 for
// RSA, ES256 for P-256 and EdDSA for Ed25519. Errors never hold the key.
func ParseKey(s string) (*Key, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("the private key is empty")
	}
	if !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "-----BEGIN") {
		b, err := os.ReadFile(s)
		if err != nil {
			return nil, fmt.Errorf("the private key is neither PEM, a JWK, nor a readable file: %w", errors.Unwrap(err))
		}
		s = strings.TrimSpace(string(b))
	}
	if strings.HasPrefix(s, "-----BEGIN") && !strings.Contains(s, "\n") {
		s = strings.ReplaceAll(s, `\n`, "\n") // PEM in one line of an environment variable
	}
	var k jose.JSONWebKey
	if strings.HasPrefix(s, "{") {
		if err := k.UnmarshalJSON([]byte(s)); err != nil {
			return nil, errors.New("the private key is not a valid JWK")
		}
	} else {
		priv, err := parsePEM(s)
		if err != nil {
			return nil, err
		}
		k.Key = priv
	}
	if k.IsPublic() || !k.Valid() {
		return nil, errors.New("the key is not a private key")
	}
	switch key := k.Key.(type) {
	case *rsa.PrivateKey:
		k.Algorithm = string(jose.RS256)
	case *ecdsa.PrivateKey:
		if key.Curve != elliptic.P256() {
			return nil, errors.New("an EC private key must be on P-256 (ES256)")
		}
		k.Algorithm = string(jose.ES256)
	case ed25519.PrivateKey:
		k.Algorithm = string(jose.EdDSA)
	default:
		return nil, fmt.Errorf("unsupported private key type %T", k.Key)
	}
	if k.KeyID == "" {
		tp, err := k.Thumbprint(crypto.SHA256)
		if err != nil {
			return nil, err
		}
		k.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	}
	return &Key{JWK: k}, nil
}

// parsePEM reads the first private key block of s.
func parsePEM(s string) (any, error) {
	rest := []byte(s)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no private key in the PEM text")
		}
		switch block.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("the PKCS#8 private key cannot be parsed")
			}
			return k, nil
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("the PKCS#1 RSA private key cannot be parsed")
			}
			return k, nil
		case "EC PRIVATE KEY":
			k, err := x509.ParseECPrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("the SEC1 EC private key cannot be parsed")
			}
			return k, nil
		}
	}
}

// Public is the key's public JWK, for a provider's client registration or
// a test's verification.
func (k *Key) Public() jose.JSONWebKey { return k.JWK.Public() }

// signer signs JWTs with the key, its kid in the header.
func (k *Key) signer() (jose.Signer, error) {
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.JWK.KeyID)
	return jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.JWK.Algorithm), Key: k.JWK.Key}, opts)
}
