package oauth2x

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
)

// The client authentication methods of the OAuth registration (RFC 7591,
// OpenID Connect Core 9), as TokenAuthMethod names them.
const (
	MethodBasic     = "client_secret_basic"
	MethodPost      = "client_secret_post"
	MethodSecretJWT = "client_secret_jwt"
	MethodKeyJWT    = "private_key_jwt"
	MethodNone      = "none"
)

// assertionType is RFC 7523's client_assertion_type.
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AssertionLifetime is how long a client assertion is valid.
const AssertionLifetime = 60 * time.Second

// CheckMethod returns an error for a method that is not one of the five.
func CheckMethod(method string) error {
	switch method {
	case MethodBasic, MethodPost, MethodSecretJWT, MethodKeyJWT, MethodNone:
		return nil
	}
	return fmt.Errorf("unknown TokenAuthMethod %q (want client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt or none)", method)
}

// NeedsSecret reports whether method authenticates with the client secret.
func NeedsSecret(method string) bool {
	return method == MethodBasic || method == MethodPost || method == MethodSecretJWT
}

// ClientAuth authenticates a client at a provider's token, revocation and
// PAR endpoints: one way for every request, so that none of them sends
// less than another.
type ClientAuth struct {
	Method   string
	ClientID string
	// Key signs private_key_jwt assertions.
	Key *Key
	// Audience is the assertions' aud: the issuer when there is one, else
	// (empty) the URL of the endpoint the request goes to.
	Audience string
	// Now is the clock of the assertions' iat and exp.
	Now func() time.Time
}

// Apply adds the client authentication of a request to endpoint to form
// and h, with secret for the methods that use one. It first removes any
// client credentials already there, so that a request made by another
// library carries only these.
func (a *ClientAuth) Apply(form url.Values, h http.Header, endpoint, secret string) error {
	form.Del("client_secret")
	form.Del("client_assertion")
	form.Del("client_assertion_type")
	h.Del("Authorization")
	switch a.Method {
	case MethodBasic:
		form.Del("client_id")
		// RFC 6749 2.3.1: both are form-encoded before Basic auth.
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(a.ClientID)+":"+url.QueryEscape(secret))))
		return nil
	case MethodPost:
		form.Set("client_id", a.ClientID)
		form.Set("client_secret", secret)
		return nil
	case MethodNone:
		form.Set("client_id", a.ClientID)
		return nil
	}
	aud := a.Audience
	if aud == "" {
		aud = endpoint
	}
	var signer jose.Signer
	var err error
	if a.Method == MethodSecretJWT {
		signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(secret)}, (&jose.SignerOptions{}).WithType("JWT"))
	} else if a.Key != nil {
		signer, err = a.Key.signer()
	} else {
		err = errors.New("private_key_jwt without a private key")
	}
	if err != nil {
		return fmt.Errorf("client assertion: %w", err)
	}
	assertion, err := a.assertion(signer, aud)
	if err != nil {
		return err
	}
	form.Set("client_id", a.ClientID)
	form.Set("client_assertion_type", assertionType)
	form.Set("client_assertion", assertion)
	return nil
}

// assertion is an RFC 7523 client assertion for aud, with a fresh jti.
func (a *ClientAuth) assertion(signer jose.Signer, aud string) (string, error) {
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	jti := make([]byte, 32)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	claims := jwt.Claims{
		Issuer: a.ClientID, Subject: a.ClientID, Audience: jwt.Audience{aud},
		ID:       base64.RawURLEncoding.EncodeToString(jti),
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		Expiry: jwt.NewNumericDate(now.Add(AssertionLifetime)),
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("client assertion: %w", err)
	}
	return s, nil
}

// Style is the x/oauth2 AuthStyle that sends this authentication by
// itself, given the secret, and whether there is one: there is for the
// secret methods and "none", not for client assertions.
func (a *ClientAuth) Style() (oauth2.AuthStyle, bool) {
	switch a.Method {
	case MethodBasic:
		return oauth2.AuthStyleInHeader, true
	case MethodPost, MethodNone:
		return oauth2.AuthStyleInParams, true
	}
	return oauth2.AuthStyleInParams, false
}

// Post is a form POST of form to endpoint with the client
// authentication: a revocation or a pushed authorization request.
func (a *ClientAuth) Post(ctx context.Context, endpoint string, form url.Values, secret string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, nil)
	if err != nil {
		return nil, err
	}
	if err := a.Apply(form, req.Header, endpoint, secret); err != nil {
		return nil, err
	}
	setForm(req, form)
	return req, nil
}

// readForm reads the form body of req.
func readForm(req *http.Request) (url.Values, error) {
	b, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	return url.ParseQuery(string(b))
}

// setForm makes form the body of req.
func setForm(req *http.Request, form url.Values) {
	body := form.Encode()
	req.Body = io.NopCloser(strings.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
}

// Transport sends the requests of another library (x/oauth2's exchange
// and refresh) with this client authentication, and sets extra in their
// form (the token parameters).
func (a *ClientAuth) Transport(base http.RoundTripper, secret string, extra url.Values) http.RoundTripper {
	return authTransport{a: a, base: base, secret: secret, extra: extra}
}

type authTransport struct {
	a      *ClientAuth
	base   http.RoundTripper
	secret string
	extra  url.Values
}

// RoundTrip implements http.RoundTripper.
func (t authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || req.Body == nil {
		return t.base.RoundTrip(req)
	}
	form, err := readForm(req)
	if err != nil {
		return nil, err
	}
	for k, v := range t.extra {
		form[k] = v
	}
	// A shallow copy with its own header: the form is a new body.
	r2 := *req
	r2.Header = req.Header.Clone()
	req = &r2
	endpoint := *req.URL
	endpoint.RawQuery, endpoint.Fragment = "", ""
	if err := t.a.Apply(form, req.Header, endpoint.String(), t.secret); err != nil {
		return nil, err
	}
	setForm(req, form)
	return t.base.RoundTrip(req)
}

// AuthConfig is what a blueprint's configuration says of its client
// authentication.
type AuthConfig struct {
	Method, ClientID   string
	Secret, SecretEnv  string // the static secret and its variable's name
	SecretFunc         bool   // a func makes the secret
	PrivateKey, KeyEnv string // the key (PEM, path or JWK) and its variable's name
	ExplicitKey        string // PrivateKey as configured, not from the environment
	Audience           string // the assertions' aud; "" or "endpoint": each endpoint's URL
}

// NewClientAuth checks c and makes its client authentication: an unknown
// method, a method that needs a secret without one, and private_key_jwt
// without a usable key are errors, never a request that fails later.
func NewClientAuth(c AuthConfig, now func() time.Time) (*ClientAuth, error) {
	if c.Method == "" {
		c.Method = MethodBasic
	}
	if err := CheckMethod(c.Method); err != nil {
		return nil, err
	}
	a := &ClientAuth{Method: c.Method, ClientID: c.ClientID, Now: now}
	if c.Audience != "endpoint" && !strings.Contains(c.Audience, "{tenantid}") { // a multi-tenant issuer names no one
		a.Audience = c.Audience
	}
	if NeedsSecret(c.Method) && c.Secret == "" && !c.SecretFunc {
		return nil, fmt.Errorf("no client secret for %s: set ClientSecret or the environment variable %s, or a TokenAuthMethod that needs none (\"none\" for a public client, \"private_key_jwt\")", c.Method, c.SecretEnv)
	}
	if c.Method == MethodSecretJWT && c.Secret != "" && len(c.Secret) < 32 {
		return nil, errors.New("client_secret_jwt signs with HS256, which needs a client secret of at least 32 bytes")
	}
	if c.ExplicitKey != "" && c.Method != MethodKeyJWT {
		return nil, fmt.Errorf("PrivateKey is set but TokenAuthMethod is %q: set it to \"private_key_jwt\"", c.Method)
	}
	if c.Method == MethodKeyJWT {
		if c.PrivateKey == "" {
			return nil, fmt.Errorf("private_key_jwt needs a private key: set PrivateKey or the environment variable %s", c.KeyEnv)
		}
		k, err := ParseKey(c.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("PrivateKey: %w", err)
		}
		a.Key = k
	}
	return a, nil
}
