package interop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
)

// TestDefect1RefreshAtDiscoveredTokenEndpoint: a NewOIDC blueprint with
// offline_access and no RefreshURL refreshes an expired access token at
// the token endpoint from discovery, and the user is not sent back
// through the provider.
func TestDefect1RefreshAtDiscoveredTokenEndpoint(t *testing.T) {
	issuer := provider(t)
	cfg := offline("basic")
	bp, rec := newOIDC(t, issuer, cfg)
	serve(t, newApp(t, bp, nil))
	b := newBrowser(t)
	login(t, b)
	first, _ := tokenOf(t, b, "/stored")
	if first == nil || first["refresh_token"] == nil {
		t.Fatalf("the login stored no refresh token: %v", first)
	}
	tok, p := tokenOf(t, b, "/token")
	if tok == nil {
		t.Fatalf("/token of an expired token: %d %s", p.status, p.body)
	}
	if tok["access_token"] == first["access_token"] {
		t.Error("the expired access token was not replaced")
	}
	if got := introspect(t, issuer, tok["access_token"].(string)); got["active"] != true {
		t.Errorf("the refreshed access token is not active: %v", got)
	}
	if p := b.get("/"); p.status != http.StatusOK {
		t.Fatalf("home after the refresh: %d", p.status)
	}
	if n := len(b.visits(issuer, "/auth")); n != 1 {
		t.Errorf("the browser went to the provider's authorization endpoint %d times, want once", n)
	}
	refreshes := 0
	for _, c := range rec.to("/token") {
		if c.form.Get("grant_type") == "refresh_token" {
			refreshes++
			if c.status != http.StatusOK {
				t.Errorf("refresh answered %d: %s", c.status, c.body)
			}
		}
	}
	if refreshes == 0 {
		t.Error("no refresh_token grant reached the discovered token endpoint")
	}
}

// TestDefect2RefreshSendsClientAuth: the refresh authenticates the client
// exactly as the code exchange does, for the methods that do not send
// Basic auth (client_secret_post, private_key_jwt), and oidc-provider
// accepts it.
func TestDefect2RefreshSendsClientAuth(t *testing.T) {
	issuer := provider(t)
	for _, a := range []authCase{{"post", "client_secret_post", ""}, {"keyjwt", "private_key_jwt", "pem"}} {
		t.Run(a.method, func(t *testing.T) {
			bp, rec := newOIDC(t, issuer, a.config())
			serve(t, newApp(t, bp, nil))
			b := newBrowser(t)
			login(t, b)
			if p := b.get("/token"); p.status != http.StatusOK {
				t.Fatalf("/token (a refresh): %d %s", p.status, p.body)
			}
			jtis := map[string]bool{}
			var refreshed bool
			for _, c := range rec.to("/token") {
				checkClientAuth(t, issuer, a, c, jtis)
				if c.form.Get("grant_type") == "refresh_token" {
					refreshed = c.status == http.StatusOK
				}
			}
			if !refreshed {
				t.Error("no refresh was accepted")
			}
		})
	}
}

// TestDefect3EmptySecretRefusedAtBuild: a blueprint whose method needs a
// client secret and that has none (nor a ClientSecretFunc) is refused by
// NewOIDC, whatever the method; the methods that need no secret build.
func TestDefect3EmptySecretRefusedAtBuild(t *testing.T) {
	issuer := provider(t)
	t.Setenv("NOSECRET_OAUTH_CLIENT_SECRET", "")
	for _, method := range []string{"", "client_secret_basic", "client_secret_post", "client_secret_jwt"} {
		if _, _, err := tryOIDC(t, issuer, dance.OAuth2Config{Name: "nosecret", TokenAuthMethod: method}); err == nil {
			t.Errorf("TokenAuthMethod %q with no secret: built, want an error", method)
		}
	}
	if _, _, err := tryOIDC(t, issuer, dance.OAuth2Config{Name: "public", TokenAuthMethod: "none"}); err != nil {
		t.Errorf("none with no secret: %v", err)
	}
	if _, _, err := tryOIDC(t, issuer, dance.OAuth2Config{Name: "keyjwt", TokenAuthMethod: "private_key_jwt", PrivateKey: op.keyPEM}); err != nil {
		t.Errorf("private_key_jwt with no secret: %v", err)
	}
}

// TestDefect5ProfileFromDiscoveredUserinfo: Client.Profile of a NewOIDC
// blueprint with no Profile of its own calls the userinfo endpoint from
// discovery and maps the standard claims; a userinfo answer about
// another subject than the ID token's is refused.
func TestDefect5ProfileFromDiscoveredUserinfo(t *testing.T) {
	issuer := provider(t)
	t.Run("claims", func(t *testing.T) {
		bp, rec := newOIDC(t, issuer, dance.OAuth2Config{Name: "basic"})
		serve(t, newApp(t, bp, nil))
		b := newBrowser(t)
		login(t, b)
		p := b.get("/profile")
		if p.status != http.StatusOK {
			t.Fatalf("/profile: %d %s", p.status, p.body)
		}
		var got dance.Profile
		if err := json.Unmarshal([]byte(p.body), &got); err != nil {
			t.Fatal(err)
		}
		if got.ID != "alice" || got.Login != "alice" || got.Name != "Alice Liddell" || got.Email != "alice@example.com" ||
			got.EmailVerified == nil || !*got.EmailVerified || got.AvatarURL != "https://example.com/alice.png" {
			t.Errorf("profile %+v", got)
		}
		if calls := rec.to("/me"); len(calls) != 1 || calls[0].status != http.StatusOK {
			t.Errorf("userinfo calls %+v, want one answered 200", calls)
		}
	})
	t.Run("another subject", func(t *testing.T) {
		bp, rec := newOIDC(t, issuer, dance.OAuth2Config{Name: "basic"})
		rec.edit = func(req *http.Request, resp *http.Response) {
			if req.URL.Path != "/me" {
				return
			}
			body, _ := io.ReadAll(resp.Body)
			body = []byte(strings.Replace(string(body), `"sub":"alice"`, `"sub":"mallory"`, 1))
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		}
		serve(t, newApp(t, bp, nil))
		b := newBrowser(t)
		login(t, b)
		if p := b.get("/profile"); p.status == http.StatusOK {
			t.Fatalf("a userinfo answer about mallory was accepted: %s", p.body)
		}
	})
}
