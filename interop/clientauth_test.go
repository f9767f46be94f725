package interop

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/go-jose/go-jose/v4"
)

// authCase is a client of the provider and how it authenticates.
type authCase struct {
	client, method string
	key            string // PrivateKey, for private_key_jwt
}

var authCases = []authCase{
	{"basic", "client_secret_basic", ""},
	{"post", "client_secret_post", ""},
	{"secretjwt", "client_secret_jwt", ""},
	{"keyjwt", "private_key_jwt", "pem"},
	{"keyjwt", "private_key_jwt", "jwk"},
	{"public", "none", ""},
}

// config is the case's blueprint configuration (offline).
func (a authCase) config() dance.OAuth2Config {
	cfg := offline(a.client)
	cfg.TokenAuthMethod = a.method
	switch a.key {
	case "pem":
		cfg.PrivateKey = op.keyPEM
	case "jwk":
		cfg.PrivateKey = op.keyJWK
	}
	return cfg
}

// TestClientAuthMethods: with each token endpoint authentication method
// that oidc-provider offers, a login exchanges its code, refreshes its
// token and revokes it, every call authenticated the client's way (a
// client assertion with a fresh jti each time), and the provider accepts
// each.
func TestClientAuthMethods(t *testing.T) {
	issuer := provider(t)
	for _, a := range authCases {
		t.Run(a.method+"/"+a.client+a.key, func(t *testing.T) {
			bp, rec := newOIDC(t, issuer, a.config())
			serve(t, newApp(t, bp, nil))
			b := newBrowser(t)
			login(t, b)
			if p := b.get("/token"); p.status != http.StatusOK {
				t.Fatalf("/token (a refresh): %d %s", p.status, p.body)
			}
			if p := b.get("/revoke"); p.status != http.StatusOK {
				t.Fatalf("/revoke: %d %s", p.status, p.body)
			}
			jtis := map[string]bool{}
			grants := map[string]int{}
			for _, c := range rec.to("/token") {
				if c.status != http.StatusOK {
					t.Errorf("token endpoint (%s) answered %d: %s", c.form.Get("grant_type"), c.status, c.body)
				}
				grants[c.form.Get("grant_type")]++
				checkClientAuth(t, issuer, a, c, jtis)
			}
			if grants["authorization_code"] != 1 || grants["refresh_token"] == 0 {
				t.Errorf("token endpoint calls by grant type: %v, want one exchange and a refresh", grants)
			}
			rev := rec.to("/token/revocation")
			if len(rev) != 1 || rev[0].status != http.StatusOK {
				t.Fatalf("revocation calls: %+v", rev)
			}
			checkClientAuth(t, issuer, a, rev[0], jtis)
		})
	}
}

// checkClientAuth checks that call c authenticated the client as a says;
// jtis collects the client assertions' jti, which must all differ.
func checkClientAuth(t *testing.T, issuer string, a authCase, c call, jtis map[string]bool) {
	t.Helper()
	what := c.path + " " + c.form.Get("grant_type")
	f := c.form
	secretInForm, assertion := f.Get("client_secret"), f.Get("client_assertion")
	switch a.method {
	case "client_secret_basic":
		if c.auth != "Basic" || secretInForm != "" || assertion != "" {
			t.Errorf("%s: Authorization %q, client_secret in the form %v, assertion %v; want Basic alone", what, c.auth, secretInForm != "", assertion != "")
		}
	case "client_secret_post":
		if c.auth != "" || f.Get("client_id") != a.client || secretInForm != secret(a.client) {
			t.Errorf("%s: Authorization %q, client_id %q, secret in the form %v; want client_id and client_secret in the form", what, c.auth, f.Get("client_id"), secretInForm != "")
		}
	case "none":
		if c.auth != "" || f.Get("client_id") != a.client || secretInForm != "" || assertion != "" {
			t.Errorf("%s: Authorization %q, client_id %q, secret %v, assertion %v; want client_id alone", what, c.auth, f.Get("client_id"), secretInForm != "", assertion != "")
		}
	case "client_secret_jwt", "private_key_jwt":
		if c.auth != "" || secretInForm != "" || f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			t.Errorf("%s: Authorization %q, secret %v, assertion type %q", what, c.auth, secretInForm != "", f.Get("client_assertion_type"))
		}
		alg := "HS256"
		if a.method == "private_key_jwt" {
			alg = "ES256"
		}
		checkAssertion(t, what, issuer, a.client, alg, assertion, jtis)
	}
}

// checkAssertion checks an RFC 7523 client assertion's header and claims.
func checkAssertion(t *testing.T, what, issuer, clientID, alg, raw string, jtis map[string]bool) {
	t.Helper()
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.HS256, jose.ES256, jose.RS256, jose.EdDSA})
	if err != nil {
		t.Errorf("%s: client_assertion: %v", what, err)
		return
	}
	h := jws.Signatures[0].Protected
	if h.Algorithm != alg {
		t.Errorf("%s: assertion alg %q, want %q", what, h.Algorithm, alg)
	}
	if alg == "ES256" {
		if h.KeyID != op.keyID {
			t.Errorf("%s: assertion kid %q, want the key's thumbprint", what, h.KeyID)
		}
	}
	var cl struct {
		Iss, Sub, Jti string
		Aud           any
		Exp, Iat      int64
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &cl); err != nil {
		t.Errorf("%s: assertion claims: %v", what, err)
		return
	}
	if cl.Iss != clientID || cl.Sub != clientID {
		t.Errorf("%s: assertion iss %q sub %q, want %q", what, cl.Iss, cl.Sub, clientID)
	}
	if aud, _ := cl.Aud.(string); aud != issuer {
		if list, ok := cl.Aud.([]any); !ok || len(list) != 1 || list[0] != issuer {
			t.Errorf("%s: assertion aud %v, want the issuer %s", what, cl.Aud, issuer)
		}
	}
	if life := time.Until(time.Unix(cl.Exp, 0)); life <= 0 || life > 5*time.Minute {
		t.Errorf("%s: assertion expires in %v, want a short life", what, life)
	}
	if cl.Jti == "" || jtis[cl.Jti] {
		t.Errorf("%s: assertion jti %q is empty or was used before", what, cl.Jti)
	}
	jtis[cl.Jti] = true
}
