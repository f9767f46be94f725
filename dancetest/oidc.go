package dancetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// IDTokenConfig controls the ID tokens that the fake provider issues, so
// that a test can spoil them one way at a time. The zero value issues good
// tokens.
type IDTokenConfig struct {
	// Claims are set in every ID token, replacing the defaults: for
	// example {"hd": "example.com"}, {"aud": "someone-else"},
	// {"iss": "https://evil.example"} or {"nonce": "forged"}. A nil value
	// removes the claim ({"nonce": nil}).
	Claims map[string]any
	// Expired issues tokens that expired an hour ago.
	Expired bool
	// WrongKey signs with a key that is not in the JWKS, under the key ID
	// of the real one.
	WrongKey bool
	// AlgNone issues unsigned tokens with "alg": "none".
	AlgNone bool
}

// oidcKeys are the fake provider's signing key and a second key that
// signs the WrongKey tokens.
type oidcKeys struct {
	good, wrong *ecdsa.PrivateKey
	kid         string
}

func newOIDCKeys() *oidcKeys {
	good, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	wrong, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return &oidcKeys{good: good, wrong: wrong, kid: "fake-" + random()[:8]}
}

// Issuer returns the provider's OpenID Connect issuer: Config.Issuer, or
// the server's URL.
func (p *Provider) Issuer() string {
	p.mu.Lock()
	iss := p.cfg.Issuer
	p.mu.Unlock()
	if iss != "" {
		return iss
	}
	if p.Server != nil {
		return p.URL
	}
	return ""
}

// jwksPath is where the key set is served; [Provider.Configure] may
// change it.
func (p *Provider) jwksPath() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg.JWKSPath
}

// SetIDToken changes how the next ID tokens are made.
func (p *Provider) SetIDToken(c IDTokenConfig) {
	p.mu.Lock()
	p.cfg.IDToken = c
	p.mu.Unlock()
}

// discovery serves the OpenID Connect discovery document.
func (p *Provider) discovery(w http.ResponseWriter) {
	iss := p.Issuer()
	p.mu.Lock()
	methods := p.cfg.TokenAuthMethods
	p.mu.Unlock()
	if len(methods) == 0 {
		methods = []string{"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"}
	}
	writeJSON(w, 200, map[string]any{
		"issuer":                                         iss,
		"authorization_endpoint":                         iss + "/authorize",
		"token_endpoint":                                 iss + "/token",
		"jwks_uri":                                       iss + p.jwksPath(),
		"userinfo_endpoint":                              iss + "/user",
		"revocation_endpoint":                            iss + "/revoke",
		"end_session_endpoint":                           iss + "/end_session",
		"backchannel_logout_supported":                   true,
		"backchannel_logout_session_supported":           true,
		"response_types_supported":                       []string{"code"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          []string{"ES256"},
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": p.cfg.IssParameter,
		"pushed_authorization_request_endpoint":          iss + "/par",
		"require_pushed_authorization_requests":          p.cfg.RequirePAR,
		"token_endpoint_auth_methods_supported":          methods,
	})
}

// jwks serves the public half of the good key only.
func (p *Provider) jwks(w http.ResponseWriter) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &p.oidc.good.PublicKey, KeyID: p.oidc.kid, Algorithm: string(jose.ES256), Use: "sig",
	}}}
	writeJSON(w, 200, set)
}

// idToken makes an ID token for the user, with nonce (omitted when empty),
// spoiled as Config.IDToken says.
func (p *Provider) idToken(nonce string, who *Persona, aud string) string {
	p.mu.Lock()
	c := p.cfg.IDToken
	c.Claims = maps.Clone(c.Claims)
	p.mu.Unlock()
	t := time.Now()
	claims := map[string]any{
		"iss": p.Issuer(),
		"sub": fmt.Sprint(p.cfg.User["id"]),
		"aud": or(aud, p.cfg.ClientID),
		"iat": t.Unix(),
		"exp": t.Add(time.Hour).Unix(),
		"sid": p.SessionID(),
	}
	for _, k := range []string{"email", "name"} {
		if v, ok := p.cfg.User[k]; ok {
			claims[k] = v
		}
	}
	if who != nil {
		maps.Copy(claims, who.claims())
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if c.Expired {
		claims["iat"] = t.Add(-2 * time.Hour).Unix()
		claims["exp"] = t.Add(-time.Hour).Unix()
	}
	for k, v := range c.Claims {
		if v == nil {
			delete(claims, k)
		} else {
			claims[k] = v
		}
	}
	p.mu.Lock()
	p.lastSub, _ = claims["sub"].(string)
	p.lastAud, _ = claims["aud"].(string)
	p.mu.Unlock()
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err) // claims are plain JSON values
	}
	if c.AlgNone {
		// An unsecured JWT (RFC 7519 section 6). No JOSE library makes
		// these on purpose, so it is spelled out: header, payload, and an
		// empty signature.
		enc := base64.RawURLEncoding
		return enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + "."
	}
	key := p.oidc.good
	if c.WrongKey {
		key = p.oidc.wrong
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: p.oidc.kid}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		panic(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return s
}
