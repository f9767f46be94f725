package dancetest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance/internal/dpop"
)

// TestDPoPFakeRefusals: the fake's API endpoints refuse what a DPoP
// resource server refuses, each with RFC 9449's WWW-Authenticate.
func TestDPoPFakeRefusals(t *testing.T) {
	p := NewProvider(Config{DPoP: true})
	t.Cleanup(p.Close)
	key, _ := dpop.Generate()
	other, _ := dpop.Generate()
	at := p.IssueToken()
	p.BindDPoP(key.Thumbprint(), at)
	bearer := p.IssueToken()
	htu := p.URL + "/user"
	proofOf := func(k *dpop.Key, token string) string {
		s, err := k.Proof("GET", htu, "", token, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	replayed := proofOf(key, at)
	call := func(auth, proof string) (int, string) {
		req, _ := http.NewRequest("GET", htu, nil)
		req.Header.Set("Authorization", auth)
		if proof != "" {
			req.Header.Set("DPoP", proof)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
	}
	if code, _ := call("DPoP "+at, replayed); code != 200 {
		t.Fatalf("a good proof: %d", code)
	}
	if code, _ := call("Bearer "+bearer, ""); code != 200 {
		t.Fatalf("a bearer token: %d", code)
	}
	for _, tc := range []struct{ name, auth, proof, want string }{
		{"bound token as bearer", "Bearer " + at, "", "invalid_token"},
		{"no proof", "DPoP " + at, "", "invalid_dpop_proof"},
		{"another key", "DPoP " + at, proofOf(other, at), "invalid_token"},
		{"ath of another token", "DPoP " + at, proofOf(key, bearer), "invalid_dpop_proof"},
		{"replayed jti", "DPoP " + at, replayed, "invalid_token"},
		{"bearer token as DPoP", "DPoP " + bearer, proofOf(key, bearer), "invalid_token"},
	} {
		code, www := call(tc.auth, tc.proof)
		if code != http.StatusUnauthorized || !strings.HasPrefix(www, "DPoP ") || !strings.Contains(www, `error="`+tc.want+`"`) {
			t.Errorf("%s: %d %q, want 401 with DPoP error=%q", tc.name, code, www, tc.want)
		}
	}
}

// TestDPoPFakeNonceAndBinding: with DPoPNonce the token endpoint asks
// for the nonce, and a code bound by dpop_jkt redeems only with that key.
func TestDPoPFakeNonceAndBinding(t *testing.T) {
	p := NewProvider(Config{DPoP: true, DPoPNonce: true})
	t.Cleanup(p.Close)
	key, _ := dpop.Generate()
	other, _ := dpop.Generate()
	code := func() string {
		q := url.Values{"client_id": {p.ClientID()}, "response_type": {"code"}, "redirect_uri": {"http://app/cb"}, "dpop_jkt": {key.Thumbprint()}}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Get(p.URL + "/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := resp.Location()
		return loc.Query().Get("code")
	}
	redeem := func(c string, k *dpop.Key, nonce string) (int, map[string]any, string) {
		form := url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {"http://app/cb"}}
		req, _ := http.NewRequest("POST", p.URL+"/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(p.ClientID(), p.ClientSecret())
		proof, _ := k.Proof("POST", p.URL+"/token", nonce, "", time.Now())
		req.Header.Set("DPoP", proof)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return resp.StatusCode, m, resp.Header.Get("DPoP-Nonce")
	}
	c := code()
	status, body, nonce := redeem(c, key, "")
	if status != 400 || body["error"] != "use_dpop_nonce" || nonce == "" {
		t.Fatalf("without a nonce: %d %v nonce %q, want 400 use_dpop_nonce and a nonce", status, body, nonce)
	}
	if status, body, _ = redeem(code(), other, nonce); status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("a code bound to another key: %d %v, want invalid_grant", status, body)
	}
	status, body, _ = redeem(c, key, nonce)
	if status != 200 || body["token_type"] != "DPoP" || p.BoundKey(body["access_token"].(string)) != key.Thumbprint() {
		t.Errorf("with the nonce and the key: %d %v, want a DPoP token bound to the key", status, body)
	}
}
