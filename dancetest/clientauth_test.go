package dancetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// assertion signs claims for the fake's client with key.
func assertion(t *testing.T, key any, alg jose.SignatureAlgorithm, claims jwt.Claims) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// post sends form to the fake's path and returns the status.
func post(t *testing.T, p *Provider, path string, form url.Values) int {
	t.Helper()
	resp, err := http.PostForm(p.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// The fake verifies client assertions: the signature with ClientKey (or
// the secret for HS256), iss = sub = client_id, aud, exp, and each jti once.
func TestProviderVerifiesClientAssertions(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	secret := "0123456789abcdef0123456789abcdef"
	p := NewProvider(Config{ClientKey: &key.PublicKey, ClientSecret: secret})
	defer p.Close()
	id := p.ClientID()
	good := func(jti string) jwt.Claims {
		now := time.Now()
		return jwt.Claims{Issuer: id, Subject: id, Audience: jwt.Audience{p.URL + "/par"}, ID: jti,
			IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Minute))}
	}
	withAssertion := func(raw string) url.Values {
		return url.Values{"client_id": {id}, "client_assertion_type": {assertionType}, "client_assertion": {raw},
			"response_type": {"code"}, "redirect_uri": {"https://app.example/cb"}}
	}
	if st := post(t, p, "/par", withAssertion(assertion(t, key, jose.ES256, good("a")))); st != http.StatusCreated {
		t.Fatalf("good assertion: %d", st)
	}
	if st := post(t, p, "/par", withAssertion(assertion(t, []byte(secret), jose.HS256, good("b")))); st != http.StatusCreated {
		t.Fatalf("good client_secret_jwt assertion: %d", st)
	}
	bad := map[string]string{
		"replayed jti": assertion(t, key, jose.ES256, good("a")),
		"other key":    assertion(t, other, jose.ES256, good("c")),
		"wrong secret": assertion(t, []byte(strings.Repeat("x", 32)), jose.HS256, good("d")),
		"wrong issuer": assertion(t, key, jose.ES256, func() jwt.Claims { c := good("e"); c.Issuer = "someone"; return c }()),
		"wrong aud":    assertion(t, key, jose.ES256, func() jwt.Claims { c := good("f"); c.Audience = jwt.Audience{"https://x.example/"}; return c }()),
		"expired": assertion(t, key, jose.ES256, func() jwt.Claims {
			c := good("g")
			c.Expiry = jwt.NewNumericDate(time.Now().Add(-time.Second))
			return c
		}()),
		"exp too far":   assertion(t, key, jose.ES256, func() jwt.Claims { c := good("h"); c.Expiry = jwt.NewNumericDate(time.Now().Add(time.Hour)); return c }()),
		"no jti":        assertion(t, key, jose.ES256, good("")),
		"not a JWT":     "a.b.c",
		"unsigned part": strings.Join(strings.Split(assertion(t, key, jose.ES256, good("i")), ".")[:2], ".") + ".",
	}
	for name, raw := range bad {
		if st := post(t, p, "/par", withAssertion(raw)); st != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, st)
		}
	}
}

// A pushed request is used once, by its client, and replaces the query;
// with RequirePAR an authorization request that was not pushed is refused.
func TestProviderPAR(t *testing.T) {
	p := NewProvider(Config{RequirePAR: true})
	defer p.Close()
	form := url.Values{"client_id": {p.ClientID()}, "client_secret": {p.ClientSecret()}, "response_type": {"code"},
		"redirect_uri": {"https://app.example/cb"}, "state": {"st"}}
	if st := post(t, p, "/par", form); st != http.StatusCreated {
		t.Fatalf("push: %d", st)
	}
	reqs := p.RequestsTo("/par")
	if len(reqs) != 1 {
		t.Fatal("the push was not recorded")
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(q url.Values) *http.Response {
		resp, err := noRedirect.Get(p.URL + "/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := get(url.Values{"client_id": {p.ClientID()}, "response_type": {"code"}, "redirect_uri": {"https://app.example/cb"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an authorization request not pushed: %d, want 400", resp.StatusCode)
	}
	// The request_uri the push answered, from the fake's own record.
	p.mu.Lock()
	var uri string
	for u := range p.pushed {
		uri = u
	}
	p.mu.Unlock()
	q := url.Values{"client_id": {p.ClientID()}, "request_uri": {uri}}
	resp := get(q)
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "state=st") {
		t.Fatalf("the pushed request: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := get(q); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a request_uri used twice: %d, want 400", resp.StatusCode)
	}
}
