package devprovider

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// ReadPublicKey reads the public key that verifies apps' private_key_jwt
// assertions from a file: PEM ("PUBLIC KEY") or a JWK.
func ReadPublicKey(path string) (any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "{") {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON([]byte(s)); err != nil || !k.IsPublic() {
			return nil, errors.New("the client key is not a public JWK")
		}
		return k.Key, nil
	}
	block, _ := pem.Decode([]byte(s))
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("the client key is not a PEM public key")
	}
	return x509.ParsePKIXPublicKey(block.Bytes)
}
