// Package jwkey reads the private keys that an app gives dance as text
// (OAuth2Config.PrivateKey for private_key_jwt, DPoPKey for DPoP): one
// parser, so that both accept the same forms and refuse the same keys.
package jwkey

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

// Parse reads a private key from PEM text (PKCS#8, PKCS#1 RSA, SEC1 EC,
// also squeezed onto one line with literal \n, as environment variables
// hold it), a path to a file with PEM text or a JWK, or a JWK (a JSON
// object with its private part). The key comes back as a private JWK
// with its algorithm and key ID set (see [New]; a JWK's own kid wins).
// Errors never hold key material.
func Parse(s string) (jose.JSONWebKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return jose.JSONWebKey{}, errors.New("the key is empty")
	}
	if !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "-----BEGIN") {
		b, err := os.ReadFile(s)
		if err != nil {
			return jose.JSONWebKey{}, fmt.Errorf("the key is neither PEM, a JWK, nor a readable file: %w", errors.Unwrap(err))
		}
		s = strings.TrimSpace(string(b))
	}
	if strings.HasPrefix(s, "-----BEGIN") && !strings.Contains(s, "\n") {
		s = strings.ReplaceAll(s, `\n`, "\n")
	}
	if !strings.HasPrefix(s, "{") {
		priv, err := parsePEM(s)
		if err != nil {
			return jose.JSONWebKey{}, err
		}
		return New(priv)
	}
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON([]byte(s)); err != nil {
		return jose.JSONWebKey{}, errors.New("the key is not a valid JWK")
	}
	if k.IsPublic() || !k.Valid() {
		return jose.JSONWebKey{}, errors.New("the key is not a private key")
	}
	kid := k.KeyID
	k, err := New(k.Key)
	if kid != "" {
		k.KeyID = kid
	}
	return k, err
}

// New makes a private JWK of a crypto private key, with its algorithm
// (ES256, ES384 or ES512 by curve, EdDSA for Ed25519, RS256 for RSA of at
// least 2048 bits) and, as key ID, its RFC 7638 thumbprint.
func New(priv any) (jose.JSONWebKey, error) {
	k := jose.JSONWebKey{Key: priv}
	switch key := priv.(type) {
	case *ecdsa.PrivateKey:
		switch key.Curve {
		case elliptic.P256():
			k.Algorithm = string(jose.ES256)
		case elliptic.P384():
			k.Algorithm = string(jose.ES384)
		case elliptic.P521():
			k.Algorithm = string(jose.ES512)
		default:
			return jose.JSONWebKey{}, errors.New("the key's curve is not P-256, P-384 or P-521")
		}
	case ed25519.PrivateKey:
		k.Algorithm = string(jose.EdDSA)
	case *rsa.PrivateKey:
		if key.N.BitLen() < 2048 {
			return jose.JSONWebKey{}, errors.New("the key is an RSA key shorter than 2048 bits")
		}
		k.Algorithm = string(jose.RS256)
	default:
		return jose.JSONWebKey{}, fmt.Errorf("the key's type %T is not EC, Ed25519 or RSA", priv)
	}
	pub := k.Public()
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return jose.JSONWebKey{}, err
	}
	k.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	return k, nil
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
		var parse func([]byte) (any, error)
		switch block.Type {
		case "PRIVATE KEY":
			parse = x509.ParsePKCS8PrivateKey
		case "RSA PRIVATE KEY":
			parse = func(b []byte) (any, error) { return x509.ParsePKCS1PrivateKey(b) }
		case "EC PRIVATE KEY":
			parse = func(b []byte) (any, error) { return x509.ParseECPrivateKey(b) }
		default:
			continue
		}
		k, err := parse(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("the %s block cannot be parsed", block.Type)
		}
		return k, nil
	}
}
