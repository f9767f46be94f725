package devprovider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// The development provider verifies private_key_jwt assertions with the
// key it is given (read from a PEM file, as -client-key does) at a
// preset's PAR endpoint, and answers a request_uri.
func TestDevProviderAcceptsPrivateKeyJWTAtPAR(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	path := filepath.Join(t.TempDir(), "client.pub.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	pub, err := ReadPublicKey(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(nil)
	defer srv.Close()
	dp, err := New(Config{URL: srv.URL, ClientKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = dp
	sign := func(k any) string {
		s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k}, nil)
		now := time.Now()
		raw, _ := jwt.Signed(s).Claims(jwt.Claims{Issuer: "app", Subject: "app", Audience: jwt.Audience{srv.URL + "/keycloak/par"},
			ID: now.String(), Expiry: jwt.NewNumericDate(now.Add(time.Minute))}).Serialize()
		return raw
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, tc := range []struct {
		key  any
		want int
	}{{key, http.StatusCreated}, {other, http.StatusUnauthorized}} {
		resp, err := http.PostForm(srv.URL+"/keycloak/par", url.Values{
			"client_id": {"app"}, "client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion": {sign(tc.key)}, "response_type": {"code"}, "redirect_uri": {"http://app.example/cb"},
		})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("PAR with an assertion: %d, want %d", resp.StatusCode, tc.want)
		}
	}
}
