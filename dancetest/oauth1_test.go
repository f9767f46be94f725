package dancetest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dghubble/oauth1"
)

// The verifier's base string matches RFC 5849 section 3.4.1.1's example
// (repeated names, encoded names and values, a form body, realm left out).
func TestSignatureBaseStringRFCExample(t *testing.T) {
	rec := OAuth1Request{
		Query: url.Values{"b5": {"=%3D"}, "a3": {"a"}, "c@": {""}, "a2": {"r b"}},
		Form:  url.Values{"c2": {""}, "a3": {"2 q"}},
		OAuth: map[string]string{
			"realm": "Example", "oauth_consumer_key": "9djdj82h48djs9d2", "oauth_token": "kkk9d7dh3k39sjv7",
			"oauth_signature_method": "HMAC-SHA1", "oauth_timestamp": "137131201", "oauth_nonce": "7d8f3e4a",
			"oauth_signature": "bYT5CMsGcbgUdFHObYMEfcx6bsw=",
		},
	}
	got := SignatureBaseString("post", "http://example.com/request", collectParams(rec))
	want := "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q" +
		"%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_" +
		"key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m" +
		"ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk" +
		"9d7dh3k39sjv7"
	if got != want {
		t.Fatalf("base string\n got %s\nwant %s", got, want)
	}
}

// Names sort before longer names that extend them ("a" < "a-b"), even
// though '-' sorts before '='.
func TestSignatureBaseStringSortsByName(t *testing.T) {
	got := SignatureBaseString("GET", "http://h/", [][2]string{{"a-b", "1"}, {"a", "2"}})
	if want := "GET&http%3A%2F%2Fh%2F&a%3D2%26a-b%3D1"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// tamper sends a request signed by dghubble/oauth1 with the access token,
// after change has altered it (or not), and returns the status.
func signedCall(t *testing.T, p *OAuth1Provider, cfg *oauth1.Config, tok *oauth1.Token, change func(*http.Request)) (int, string) {
	t.Helper()
	var hook http.RoundTripper = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if change != nil {
			change(r)
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: hook})
	resp, err := cfg.Client(ctx, tok).Post(p.URL+"/echo?q=1", "application/x-www-form-urlencoded", strings.NewReader("status=hi+there"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The fake accepts a correct signature and refuses, with 401 and an
// oauth_problem, every tampered part of the request.
func TestOAuth1ProviderVerifiesSignatures(t *testing.T) {
	p := NewOAuth1Provider(OAuth1Config{})
	defer p.Close()
	at, secret := p.IssueToken()
	cfg := oauth1.NewConfig(p.ConsumerKey(), p.ConsumerSecret())
	tok := oauth1.NewToken(at, secret)
	if status, body := signedCall(t, p, cfg, tok, nil); status != 200 {
		t.Fatalf("good signature: %d %s", status, body)
	}
	for name, tc := range map[string]struct {
		cfg     *oauth1.Config
		tok     *oauth1.Token
		change  func(*http.Request)
		problem string
	}{
		"query":           {change: func(r *http.Request) { r.URL.RawQuery = "q=2" }, problem: "signature_invalid"},
		"body":            {change: func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader("status=bye")); r.ContentLength = 10 }, problem: "signature_invalid"},
		"method":          {change: func(r *http.Request) { r.Method = "PUT" }, problem: "signature_invalid"},
		"path":            {change: func(r *http.Request) { r.URL.Path = "/user" }, problem: "signature_invalid"},
		"token secret":    {tok: oauth1.NewToken(at, "wrong"), problem: "signature_invalid"},
		"consumer secret": {cfg: oauth1.NewConfig(p.ConsumerKey(), "wrong"), problem: "signature_invalid"},
		"consumer key":    {cfg: oauth1.NewConfig("who", p.ConsumerSecret()), problem: "consumer_key_unknown"},
		"unknown token":   {tok: oauth1.NewToken("nope", secret), problem: "token_rejected"},
		"no header":       {change: func(r *http.Request) { r.Header.Del("Authorization") }, problem: "parameter_absent"},
		"method rejected": {cfg: &oauth1.Config{ConsumerKey: p.ConsumerKey(), Signer: &oauth1.HMAC256Signer{ConsumerSecret: p.ConsumerSecret()}}, problem: "signature_method_rejected"},
	} {
		t.Run(name, func(t *testing.T) {
			c, k := cfg, tok
			if tc.cfg != nil {
				c = tc.cfg
			}
			if tc.tok != nil {
				k = tc.tok
			}
			status, body := signedCall(t, p, c, k, tc.change)
			if status != 401 || !strings.Contains(body, "oauth_problem="+tc.problem) {
				t.Fatalf("got %d %q, want 401 %s", status, body, tc.problem)
			}
		})
	}
	// A replayed request (same nonce and timestamp) is refused.
	var saved *http.Request
	status, _ := signedCall(t, p, cfg, tok, func(r *http.Request) { saved = r.Clone(context.Background()) })
	if status != 200 {
		t.Fatalf("first call: %d", status)
	}
	saved.Body = io.NopCloser(strings.NewReader("status=hi+there"))
	saved.RequestURI = ""
	resp, err := http.DefaultTransport.RoundTrip(saved)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), "nonce_used") {
		t.Fatalf("replay: %d %s", resp.StatusCode, b)
	}
}

// With a public key, only RSA-SHA1 signatures by the matching private key
// pass.
func TestOAuth1ProviderVerifiesRSA(t *testing.T) {
	_, key := RSAKey()
	p := NewOAuth1Provider(OAuth1Config{RSAPublicKey: &key.PublicKey})
	defer p.Close()
	at, secret := p.IssueToken()
	tok := oauth1.NewToken(at, secret)
	good := &oauth1.Config{ConsumerKey: p.ConsumerKey(), Signer: &oauth1.RSASigner{PrivateKey: key}}
	if status, body := signedCall(t, p, good, tok, nil); status != 200 {
		t.Fatalf("good signature: %d %s", status, body)
	}
	other, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	bad := &oauth1.Config{ConsumerKey: p.ConsumerKey(), Signer: &oauth1.RSASigner{PrivateKey: other}}
	if status, body := signedCall(t, p, bad, tok, nil); status != 401 || !strings.Contains(body, "signature_invalid") {
		t.Fatalf("other key: %d %s", status, body)
	}
	hmacCfg := oauth1.NewConfig(p.ConsumerKey(), p.ConsumerSecret())
	if status, body := signedCall(t, p, hmacCfg, tok, nil); status != 401 || !strings.Contains(body, "signature_method_rejected") {
		t.Fatalf("HMAC to an RSA provider: %d %s", status, body)
	}
}

// With Consent, the authorize endpoint shows Authorize and Deny buttons;
// Authorize sends the user back with a verifier that the access-token
// endpoint accepts, Deny with ?denied=<request token>, and a decision for
// an unknown request token is refused.
func TestOAuth1ProviderConsentPage(t *testing.T) {
	p := NewOAuth1Provider(OAuth1Config{Consent: true})
	defer p.Close()
	cfg := &oauth1.Config{
		ConsumerKey: p.ConsumerKey(), ConsumerSecret: p.ConsumerSecret(),
		CallbackURL: "http://app.test/twitter/authorized",
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: p.URL + "/oauth/request_token",
			AuthorizeURL:    p.URL + "/oauth/authorize",
			AccessTokenURL:  p.URL + "/oauth/access_token",
		},
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	decide := func(tok, decision string) *http.Response {
		t.Helper()
		resp, err := noRedirect.PostForm(p.URL+"/oauth/authorize", url.Values{"oauth_token": {tok}, "decision": {decision}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, decision := range []string{"authorize", "deny"} {
		t.Run(decision, func(t *testing.T) {
			rt, rs, err := cfg.RequestToken()
			if err != nil {
				t.Fatal(err)
			}
			resp, err := noRedirect.Get(p.URL + "/oauth/authorize?oauth_token=" + url.QueryEscape(rt))
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(page), `id="authorize"`) || !strings.Contains(string(page), `id="deny"`) {
				t.Fatalf("consent page: %d\n%s", resp.StatusCode, page)
			}
			resp = decide(rt, decision)
			loc, err := resp.Location()
			if err != nil || resp.StatusCode != http.StatusFound || loc.Host != "app.test" {
				t.Fatalf("decision: %d to %v", resp.StatusCode, loc)
			}
			q := loc.Query()
			if decision == "deny" {
				if q.Get("denied") != rt || q.Has("oauth_verifier") {
					t.Fatalf("deny sent back %v", q)
				}
				return
			}
			if q.Get("oauth_token") != rt || q.Get("oauth_verifier") == "" {
				t.Fatalf("authorize sent back %v", q)
			}
			if _, _, err := cfg.AccessToken(rt, rs, q.Get("oauth_verifier")); err != nil {
				t.Fatalf("the verifier is refused: %v", err)
			}
		})
	}
	if resp := decide("rt-unknown", "authorize"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown request token: %d", resp.StatusCode)
	}
}
