package interop

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
)

// TestPARFromDiscovery: against a provider whose discovery document says
// require_pushed_authorization_requests, NewOIDC turns PAR on by itself:
// the login pushes the authorization request (PKCE, state, nonce,
// redirect_uri, authenticated like the token request), the browser
// carries only client_id and request_uri, and the login completes.
func TestPARFromDiscovery(t *testing.T) {
	provider(t)
	issuer := op.parIssuer
	for _, a := range []authCase{{"par", "client_secret_basic", ""}, {"keyjwt", "private_key_jwt", "pem"}} {
		t.Run(a.method, func(t *testing.T) {
			cfg := dance.OAuth2Config{Name: a.client, TokenAuthMethod: a.method}
			if a.key != "" {
				cfg.PrivateKey = op.keyPEM
			}
			bp, rec := newOIDC(t, issuer, cfg)
			serve(t, newApp(t, bp, nil))
			b := newBrowser(t)
			login(t, b)
			pushes := rec.to("/request")
			if len(pushes) != 1 || pushes[0].method != http.MethodPost || pushes[0].status != http.StatusCreated {
				t.Fatalf("PAR calls %+v, want one POST answered 201", pushes)
			}
			push := pushes[0]
			for _, k := range []string{"response_type", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method"} {
				if push.form.Get(k) == "" {
					t.Errorf("the pushed request has no %s", k)
				}
			}
			checkClientAuth(t, issuer, a, push, map[string]bool{})
			auths := b.visits(issuer, "/auth")
			if len(auths) == 0 {
				t.Fatal("the browser never reached the authorization endpoint")
			}
			q := auths[0].Query()
			if len(q) != 2 || q.Get("client_id") != a.client || !strings.HasPrefix(q.Get("request_uri"), "urn:ietf:params:oauth:request_uri:") {
				t.Errorf("the browser's authorization request carries %v, want client_id and request_uri alone", q)
			}
		})
	}
}

// TestPAROptIn: on the main provider, whose discovery does not require
// PAR, a client that the provider requires to push (client metadata
// require_pushed_authorization_requests) logs in when the app sets
// PushedAuthURL; NewOIDC alone sends it the front-channel way, which the
// provider refuses.
func TestPAROptIn(t *testing.T) {
	issuer := provider(t)
	t.Run("PushedAuthURL", func(t *testing.T) {
		bp, rec := newOIDC(t, issuer, dance.OAuth2Config{Name: "par", PushedAuthURL: issuer + "/request"})
		serve(t, newApp(t, bp, nil))
		login(t, newBrowser(t))
		if n := len(rec.to("/request")); n != 1 {
			t.Errorf("%d pushes, want 1", n)
		}
	})
	t.Run("front channel", func(t *testing.T) {
		bp, rec := newOIDC(t, issuer, dance.OAuth2Config{Name: "par"})
		serve(t, newApp(t, bp, withBye))
		b := newBrowser(t)
		// next is a public page: the app sends the user there after the
		// provider's refusal.
		b.get("/login/par?next=%2Fbye")
		cbs := b.visits(apps.origin, "/login/par/authorized")
		if len(cbs) != 1 || cbs[0].Query().Get("error") != "invalid_request" {
			t.Fatalf("callbacks %v, want one with the provider's error=invalid_request", cbs)
		}
		if p := b.get("/stored"); p.status != http.StatusNotFound {
			t.Error("the provider let a PAR-only client log in without PAR")
		}
		if n := len(rec.to("/request")); n != 0 {
			t.Errorf("%d pushes without PushedAuthURL or discovery asking", n)
		}
	})
}

// TestPARFailureAnswersErrorPage: a push that the provider refuses (a
// wrong client secret) ends on the error page of the login route, with
// no trip to the authorization endpoint and no secret in the page.
func TestPARFailureAnswersErrorPage(t *testing.T) {
	provider(t)
	issuer := op.parIssuer
	wrong := "wrong-secret-0123456789abcdefghijklmnop"
	bp, rec := newOIDC(t, issuer, dance.OAuth2Config{Name: "par", ClientSecret: wrong})
	serve(t, newApp(t, bp, nil))
	b := newBrowser(t)
	p := b.get("/login/par")
	if p.status < 400 || !strings.HasPrefix(p.url.Path, "/login/par") {
		t.Fatalf("a refused push ended with %d at %s, want the login route's error page", p.status, p.url.Redacted())
	}
	if strings.Contains(p.body, wrong) {
		t.Error("the error page shows the client secret")
	}
	if pushes := rec.to("/request"); len(pushes) != 1 || pushes[0].status != http.StatusUnauthorized {
		t.Errorf("PAR calls %+v, want one refused with 401", pushes)
	}
	if n := len(b.visits(issuer, "/auth")); n != 0 {
		t.Errorf("the browser went to the authorization endpoint %d times", n)
	}
}
