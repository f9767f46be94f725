package interop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
)

// TestLoginCodePKCE is the core login against oidc-provider: the
// authorization request carries PKCE S256, a state and a nonce; the
// callback carries RFC 9207's iss; the code is exchanged once with the
// verifier and HTTP Basic client authentication; and the ID token is
// verified with the keys from the provider's JWKS, so the home page
// greets alice from its claims.
func TestLoginCodePKCE(t *testing.T) {
	issuer := provider(t)
	bp, rec := newOIDC(t, issuer, dance.OAuth2Config{Name: "basic"})
	serve(t, newApp(t, bp, nil))
	b := newBrowser(t)
	login(t, b)

	auths := b.visits(issuer, "/auth")
	if len(auths) == 0 {
		t.Fatal("the browser never reached the provider's authorization endpoint")
	}
	q := auths[0].Query()
	for k, want := range map[string]string{
		"response_type":         "code",
		"client_id":             "basic",
		"code_challenge_method": "S256",
		"redirect_uri":          apps.origin + "/login/basic/authorized",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("authorization request %s = %q, want %q", k, got, want)
		}
	}
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Get(k) == "" {
			t.Errorf("authorization request has no %s", k)
		}
	}
	if !slices.Contains(strings.Fields(q.Get("scope")), "openid") {
		t.Errorf("scope %q has no openid", q.Get("scope"))
	}
	cbs := b.visits(apps.origin, "/login/basic/authorized")
	if len(cbs) != 1 || cbs[0].Query().Get("iss") != issuer {
		t.Fatalf("callbacks %v, want one with iss=%s", cbs, issuer)
	}
	tokens := rec.to("/token")
	if len(tokens) != 1 {
		t.Fatalf("%d calls to the token endpoint, want 1", len(tokens))
	}
	ex := tokens[0]
	if ex.auth != "Basic" || ex.form.Get("grant_type") != "authorization_code" || ex.status != http.StatusOK {
		t.Errorf("token request: auth %q grant_type %q status %d", ex.auth, ex.form.Get("grant_type"), ex.status)
	}
	if sha(ex.form.Get("code_verifier")) != q.Get("code_challenge") {
		t.Error("the code_verifier sent does not match the code_challenge")
	}
	if len(rec.to("/jwks")) == 0 {
		t.Error("the provider's JWKS was never fetched: the ID token was not verified with it")
	}
	tok, p := tokenOf(t, b, "/stored")
	if tok == nil {
		t.Fatalf("/stored: %d %s", p.status, p.body)
	}
	if !strings.EqualFold(tok["token_type"].(string), "bearer") || tok["id_token"] == nil {
		t.Errorf("stored token: type %v, id_token %v", tok["token_type"], tok["id_token"] != nil)
	}
	if _, has := tok["refresh_token"]; has {
		t.Error("a refresh token without offline_access")
	}
	// The access token is alive at the provider.
	if got := introspect(t, issuer, tok["access_token"].(string)); got["active"] != true || got["sub"] != "alice" {
		t.Errorf("introspection: %v", got)
	}
}

// TestLoginIDTokenSignatureChecked proves that the ID token is checked
// against the provider's keys: a token answer whose id_token signature is
// altered in transit is refused with 403, and nothing is stored.
func TestLoginIDTokenSignatureChecked(t *testing.T) {
	issuer := provider(t)
	bp, rec := newOIDC(t, issuer, dance.OAuth2Config{Name: "basic"})
	rec.edit = func(req *http.Request, resp *http.Response) {
		if req.URL.Path != "/token" || resp.StatusCode != http.StatusOK {
			return
		}
		body, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err == nil {
			if idt, ok := m["id_token"].(string); ok {
				// Change the signature's first character.
				i := strings.LastIndexByte(idt, '.') + 1
				flip := byte('A')
				if idt[i] == 'A' {
					flip = 'B'
				}
				m["id_token"] = idt[:i] + string(flip) + idt[i+1:]
				body, _ = json.Marshal(m)
			}
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	serve(t, newApp(t, bp, nil))
	b := newBrowser(t)
	if p := b.get("/"); p.status != http.StatusForbidden {
		t.Fatalf("a forged ID token ended with %d at %s, want 403", p.status, p.url.Redacted())
	}
	if p := b.get("/stored"); p.status != http.StatusNotFound {
		t.Fatalf("/stored after a refused login: %d %s", p.status, p.body)
	}
}

// TestLoginIssuerParam is RFC 9207 against a provider that advertises
// authorization_response_iss_parameter_supported: a callback whose iss is
// another issuer, or that has none, is refused with 403.
func TestLoginIssuerParam(t *testing.T) {
	issuer := provider(t)
	for name, change := range map[string]func(q url.Values){
		"other issuer": func(q url.Values) { q.Set("iss", "http://127.0.0.1:1") },
		"no issuer":    func(q url.Values) { q.Del("iss") },
	} {
		t.Run(name, func(t *testing.T) {
			bp, _ := newOIDC(t, issuer, dance.OAuth2Config{Name: "basic"})
			serve(t, newApp(t, bp, nil))
			b := newBrowser(t)
			b.rewrite = func(u *url.URL) {
				if u.Path == "/login/basic/authorized" {
					q := u.Query()
					change(q)
					u.RawQuery = q.Encode()
				}
			}
			if p := b.get("/"); p.status != http.StatusForbidden {
				t.Fatalf("ended with %d at %s, want 403", p.status, p.url.Redacted())
			}
			if p := b.get("/stored"); p.status != http.StatusNotFound {
				t.Fatalf("/stored after a refused callback: %d", p.status)
			}
		})
	}
}

// TestRevocation: Client.Revoke calls the revocation endpoint from
// discovery, the provider's introspection then says the access token is
// no longer active, and the stored token is gone.
func TestRevocation(t *testing.T) {
	issuer := provider(t)
	bp, rec := newOIDC(t, issuer, dance.OAuth2Config{Name: "basic"})
	serve(t, newApp(t, bp, nil))
	b := newBrowser(t)
	login(t, b)
	tok, p := tokenOf(t, b, "/stored")
	if tok == nil {
		t.Fatalf("/stored: %d", p.status)
	}
	at := tok["access_token"].(string)
	if p := b.get("/revoke"); p.status != http.StatusOK {
		t.Fatalf("/revoke: %d %s", p.status, p.body)
	}
	if got := rec.to("/token/revocation"); len(got) != 1 || got[0].status != http.StatusOK {
		t.Fatalf("revocation calls %+v, want one answered 200", got)
	}
	if got := introspect(t, issuer, at); got["active"] != false {
		t.Errorf("the revoked access token is still active: %v", got)
	}
	if p := b.get("/stored"); p.status != http.StatusNotFound {
		t.Errorf("/stored after revocation: %d", p.status)
	}
}
