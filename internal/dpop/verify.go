package dpop

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Checked is what a verified proof says.
type Checked struct {
	JKT   string // the RFC 7638 thumbprint of the proof's key
	JTI   string
	Nonce string // empty when the proof carries none
}

// algorithms are the proof algorithms a server here accepts: asymmetric
// only (RFC 9449, 4.3).
var algorithms = []jose.SignatureAlgorithm{jose.ES256, jose.ES384, jose.ES512, jose.EdDSA, jose.RS256, jose.PS256}

// Verify checks the DPoP proof of r as a server does (RFC 9449, 4.3): one
// DPoP header, a JWS of type dpop+jwt with an asymmetric algorithm,
// signed by the public JWK of its header, htm the request's method, htu
// the given URL (without query and fragment), iat within window of now, a
// jti, and, when accessToken is not empty, ath its hash. The nonce and the
// replay of jti are the caller's to check. Errors never quote the proof.
func Verify(r *http.Request, htu, accessToken string, now time.Time, window time.Duration) (*Checked, error) {
	values := r.Header.Values("DPoP")
	if len(values) != 1 {
		return nil, errors.New("the request needs exactly one DPoP header")
	}
	jws, err := jose.ParseSignedCompact(values[0], algorithms)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, errors.New("the DPoP proof is not a JWS with an asymmetric algorithm")
	}
	h := jws.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != "dpop+jwt" {
		return nil, errors.New("the DPoP proof's typ is not dpop+jwt")
	}
	if h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() || !h.JSONWebKey.Valid() {
		return nil, errors.New("the DPoP proof's header has no public jwk")
	}
	payload, err := jws.Verify(h.JSONWebKey)
	if err != nil {
		return nil, errors.New("the DPoP proof's signature does not verify with its jwk")
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, errors.New("the DPoP proof's claims are not JSON")
	}
	switch {
	case c.JTI == "":
		return nil, errors.New("the DPoP proof has no jti")
	case c.HTM != r.Method:
		return nil, errors.New("the DPoP proof's htm is not the request's method")
	case c.HTU != htu:
		return nil, errors.New("the DPoP proof's htu is not the request's URL")
	case c.IAT == 0 || time.Unix(c.IAT, 0).Before(now.Add(-window)) || time.Unix(c.IAT, 0).After(now.Add(window)):
		return nil, errors.New("the DPoP proof's iat is not recent")
	}
	if accessToken != "" && subtle.ConstantTimeCompare([]byte(c.ATH), []byte(ATH(accessToken))) != 1 {
		return nil, errors.New("the DPoP proof's ath is not the access token's hash")
	}
	if accessToken == "" && c.ATH != "" {
		return nil, errors.New("the DPoP proof has an ath but the request no access token")
	}
	jkt, err := Thumbprint(h.JSONWebKey.Key)
	if err != nil {
		return nil, errors.New("the DPoP proof's jwk has no thumbprint")
	}
	return &Checked{JKT: jkt, JTI: c.JTI, Nonce: c.Nonce}, nil
}

// RequestHTU is the htu that a proof for r, as a server received it,
// must carry: its scheme (https with TLS), host and path, the path as
// the client sent it (RequestURI) even when a handler rewrote r.URL.
func RequestHTU(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	path := r.URL.EscapedPath()
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && r.RequestURI != "" {
		path = u.EscapedPath()
	}
	return scheme + "://" + r.Host + path
}
