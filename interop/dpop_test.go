package interop

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-gonic/gin"
	"github.com/go-jose/go-jose/v4"
)

// proofClaims are a DPoP proof's claims (RFC 9449 section 4.2).
type proofClaims struct {
	Jti, Htm, Htu, Ath, Nonce string
	Iat                       int64
}

// parseProof verifies a DPoP proof's signature with the key in its own
// header, and returns the claims and the key's RFC 7638 thumbprint.
func parseProof(raw string) (proofClaims, string, error) {
	var cl proofClaims
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.ES256, jose.ES384, jose.RS256, jose.PS256, jose.EdDSA})
	if err != nil {
		return cl, "", err
	}
	h := jws.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != "dpop+jwt" {
		return cl, "", fmt.Errorf("typ %q, want dpop+jwt", typ)
	}
	if h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() {
		return cl, "", fmt.Errorf("the header has no public jwk")
	}
	payload, err := jws.Verify(h.JSONWebKey)
	if err != nil {
		return cl, "", fmt.Errorf("signature: %w", err)
	}
	if err := json.Unmarshal(payload, &cl); err != nil {
		return cl, "", err
	}
	tp, err := h.JSONWebKey.Thumbprint(crypto.SHA256)
	if err != nil {
		return cl, "", err
	}
	return cl, base64.RawURLEncoding.EncodeToString(tp), nil
}

// dpopConfig is a DPoP blueprint of the "dpop" client.
func dpopConfig(offlineAccess bool) dance.OAuth2Config {
	cfg := dance.OAuth2Config{Name: "dpop"}
	if offlineAccess {
		cfg = offline("dpop")
	}
	cfg.DPoP = true
	return cfg
}

// TestDPoPLogin: with DPoP on, the authorization request carries
// dpop_jkt, the code exchange carries a proof, the provider's DPoP-Nonce
// challenge (use_dpop_nonce, which server.mjs always asks for) is
// answered, and the tokens come back bound to the key: token_type DPoP
// in storage, and cnf.jkt, the key's thumbprint, at introspection.
func TestDPoPLogin(t *testing.T) {
	issuer := provider(t)
	bp, rec := newOIDC(t, issuer, dpopConfig(false))
	serve(t, newApp(t, bp, nil))
	b := newBrowser(t)
	login(t, b)
	jkt := b.visits(issuer, "/auth")[0].Query().Get("dpop_jkt")
	if jkt == "" {
		t.Error("the authorization request has no dpop_jkt")
	}
	calls := rec.to("/token")
	if len(calls) < 2 || calls[0].status != http.StatusBadRequest || !strings.Contains(calls[0].body, "use_dpop_nonce") {
		t.Fatalf("token calls %+v, want a use_dpop_nonce challenge first", calls)
	}
	last := calls[len(calls)-1]
	if last.status != http.StatusOK {
		t.Fatalf("the exchange with the nonce answered %d: %s", last.status, last.body)
	}
	for i, c := range calls {
		cl, tp, err := parseProof(c.dpop)
		if err != nil {
			t.Fatalf("token call %d: proof: %v", i, err)
		}
		if cl.Htm != http.MethodPost || cl.Htu != issuer+"/token" || cl.Jti == "" || time.Since(time.Unix(cl.Iat, 0)).Abs() > time.Minute {
			t.Errorf("token call %d: proof claims %+v", i, cl)
		}
		if tp != jkt {
			t.Errorf("token call %d: proof key %s, dpop_jkt %s", i, tp, jkt)
		}
		if i == len(calls)-1 && cl.Nonce == "" {
			t.Error("the retried proof has no nonce")
		}
	}
	tok, _ := tokenOf(t, b, "/stored")
	if tok == nil || tok["token_type"] != "DPoP" {
		t.Fatalf("stored token type %v, want DPoP", tok["token_type"])
	}
	got := introspect(t, issuer, tok["access_token"].(string))
	if cnf, _ := got["cnf"].(map[string]any); got["token_type"] != "DPoP" || cnf["jkt"] != jkt {
		t.Errorf("introspection %v, want token_type DPoP and cnf.jkt %s", got, jkt)
	}
}

// TestDPoPRefresh: an expired DPoP-bound token is refreshed with a proof
// (nonce and all), and the new access token is bound to the same key.
func TestDPoPRefresh(t *testing.T) {
	issuer := provider(t)
	cfg := dpopConfig(true)
	// Set here so that this test does not depend on defect 1's fix (the
	// token endpoint by default), which TestDefect1... proves.
	cfg.RefreshURL = issuer + "/token"
	bp, rec := newOIDC(t, issuer, cfg)
	serve(t, newApp(t, bp, nil))
	b := newBrowser(t)
	login(t, b)
	first, _ := tokenOf(t, b, "/stored")
	tok, p := tokenOf(t, b, "/token")
	if tok == nil {
		t.Fatalf("/token (a refresh): %d %s", p.status, p.body)
	}
	if tok["access_token"] == first["access_token"] || tok["token_type"] != "DPoP" {
		t.Errorf("refreshed token: new %v, type %v", tok["access_token"] != first["access_token"], tok["token_type"])
	}
	jkt := b.visits(issuer, "/auth")[0].Query().Get("dpop_jkt")
	if cnf, _ := introspect(t, issuer, tok["access_token"].(string))["cnf"].(map[string]any); cnf["jkt"] != jkt {
		t.Errorf("the refreshed token's cnf %v, want jkt %s", cnf, jkt)
	}
	refreshed := false
	for _, c := range rec.to("/token") {
		if c.form.Get("grant_type") != "refresh_token" {
			continue
		}
		if _, tp, err := parseProof(c.dpop); err != nil || tp != jkt {
			t.Errorf("refresh proof: %v, key %s", err, tp)
		}
		refreshed = refreshed || c.status == http.StatusOK
	}
	if !refreshed {
		t.Error("no refresh was accepted")
	}
}

// resourceServer is the tests' DPoP-protected API (RFC 9449 section 7):
// it asks for its own nonce first, then checks the proof (signature with
// its jwk, typ, htm, htu, ath, iat, nonce, a jti not seen before) and
// that the key is the one the token is bound to: the proof's jwk
// thumbprint equals cnf.jkt at the provider's introspection endpoint.
type resourceServer struct {
	issuer string
	nonce  string
	mu     sync.Mutex
	jtis   map[string]bool
	log    []string // one line per request: "challenged", "ok", or the refusal
}

func (rs *resourceServer) note(s string) {
	rs.mu.Lock()
	rs.log = append(rs.log, s)
	rs.mu.Unlock()
}

func (rs *resourceServer) serve(c *gin.Context) {
	refuse := func(code, why string) {
		rs.note(why)
		c.Header("WWW-Authenticate", fmt.Sprintf(`DPoP error=%q, algs="ES256"`, code))
		c.String(http.StatusUnauthorized, why)
	}
	scheme, at, _ := strings.Cut(c.GetHeader("Authorization"), " ")
	if scheme != "DPoP" || at == "" {
		refuse("invalid_token", "scheme "+scheme)
		return
	}
	cl, tp, err := parseProof(c.GetHeader("DPoP"))
	if err != nil {
		refuse("invalid_dpop_proof", err.Error())
		return
	}
	if cl.Nonce != rs.nonce {
		rs.note("challenged")
		c.Header("DPoP-Nonce", rs.nonce)
		c.Header("WWW-Authenticate", `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`)
		c.Status(http.StatusUnauthorized)
		return
	}
	htu := apps.origin + c.Request.URL.Path
	rs.mu.Lock()
	replay := rs.jtis[cl.Jti]
	rs.jtis[cl.Jti] = true
	rs.mu.Unlock()
	switch {
	case cl.Htm != c.Request.Method:
		refuse("invalid_dpop_proof", "htm "+cl.Htm)
	case cl.Htu != htu:
		refuse("invalid_dpop_proof", "htu "+cl.Htu+", want "+htu)
	case cl.Ath != sha(at):
		refuse("invalid_dpop_proof", "ath does not match the access token")
	case time.Since(time.Unix(cl.Iat, 0)).Abs() > time.Minute:
		refuse("invalid_dpop_proof", "iat is not recent")
	case cl.Jti == "" || replay:
		refuse("invalid_dpop_proof", "jti missing or replayed")
	default:
		got, err := introspection(rs.issuer, at)
		if err != nil {
			refuse("invalid_token", err.Error())
			return
		}
		cnf, _ := got["cnf"].(map[string]any)
		if got["active"] != true || cnf["jkt"] != tp {
			refuse("invalid_token", fmt.Sprintf("the proof's key %s is not the token's (cnf %v)", tp, cnf))
			return
		}
		rs.note("ok")
		c.JSON(http.StatusOK, gin.H{"sub": got["sub"]})
	}
}

// TestDPoPBoundAPICall: an API call through *dance.Client with a
// DPoP-bound token sends "Authorization: DPoP" and a proof of its own,
// answers the resource server's nonce challenge, and passes its checks;
// oidc-provider's userinfo endpoint accepts the same kind of call.
func TestDPoPBoundAPICall(t *testing.T) {
	issuer := provider(t)
	bp, _ := newOIDC(t, issuer, dpopConfig(false))
	rs := &resourceServer{issuer: issuer, nonce: "rs-nonce-" + sha(t.Name())[:8], jtis: map[string]bool{}}
	serve(t, newApp(t, bp, func(r *gin.Engine) {
		r.GET("/rs/data", rs.serve)
		r.GET("/call", bp.Required(), func(c *gin.Context) {
			target := apps.origin + "/rs/data"
			if c.Query("to") == "userinfo" {
				target = issuer + "/me"
			}
			var v map[string]any
			if err := c.MustGet(bp.Name()).(*dance.Client).GetJSON(target, &v); err != nil {
				answerError(c, err)
				return
			}
			c.JSON(http.StatusOK, v)
		})
	}))
	b := newBrowser(t)
	login(t, b)
	for i := range 2 {
		if p := b.get("/call"); p.status != http.StatusOK || !strings.Contains(p.body, `"sub":"alice"`) {
			t.Fatalf("call %d: %d %s (resource server: %v)", i, p.status, p.body, rs.log)
		}
	}
	want := []string{"challenged", "ok", "ok"}
	if strings.Join(rs.log, ",") != strings.Join(want, ",") {
		t.Errorf("resource server saw %v, want %v", rs.log, want)
	}
	if p := b.get("/call?to=userinfo"); p.status != http.StatusOK || !strings.Contains(p.body, `"sub":"alice"`) {
		t.Errorf("the provider's userinfo with a DPoP-bound token: %d %s", p.status, p.body)
	}
}

// TestDefect4DPoPRefusalKeepsToken: oidc-provider refuses the refresh
// of a DPoP-bound token with invalid_grant when the proof is missing
// ("DPoP proof JWT not provided", for a client whose tokens must be
// bound) or made with another key than the one a public client's refresh
// token is bound to ("failed jkt verification"). Those refusals are about
// the proof, not the grant: the stored token is kept, and the instance
// with the right key refreshes it afterwards.
func TestDefect4DPoPRefusalKeepsToken(t *testing.T) {
	issuer := provider(t)
	cfg := dpopConfig(true)
	cfg.RefreshURL = issuer + "/token"
	right, _ := newOIDC(t, issuer, cfg)
	cfg.DPoP = false // an instance without the key: no proof at all
	keyless, rec := newOIDC(t, issuer, cfg)
	refusedKeepsToken(t, right, keyless, rec, "DPoP proof JWT not provided")
}

// refusedKeepsToken logs in through right, refreshes through wrong,
// which the provider must refuse with invalid_grant (for the reason
// why), and checks
// that the token is kept and that right then refreshes it.
func refusedKeepsToken(t *testing.T, right, wrong *dance.Blueprint, rec *calls, why string) {
	t.Helper()
	b := newBrowser(t)
	serve(t, newApp(t, right, nil))
	login(t, b)
	before, _ := tokenOf(t, b, "/stored")
	if before == nil || before["refresh_token"] == nil {
		t.Fatalf("no refresh token stored: %v", before)
	}

	serve(t, newApp(t, wrong, nil))
	if p := b.get("/token"); p.status == http.StatusOK || p.status == http.StatusGone {
		t.Fatalf("/token answered %d %s, want a failure that is not an expiry", p.status, p.body)
	}
	refused := false
	for _, c := range rec.to("/token") {
		// oidc-provider says only "grant request is invalid" to the client;
		// why is what its source (lib/actions/grants/refresh_token.js) says.
		refused = refused || (c.status == http.StatusBadRequest && strings.Contains(c.body, `"invalid_grant"`))
	}
	if !refused {
		t.Fatalf("the provider did not refuse the refresh with invalid_grant (%s): %+v", why, rec.to("/token"))
	}
	after, p := tokenOf(t, b, "/stored")
	if after == nil || after["refresh_token"] != before["refresh_token"] {
		t.Fatalf("the stored token was deleted or changed by a refusal of the proof: %d", p.status)
	}

	serve(t, newApp(t, right, nil))
	if tok, p := tokenOf(t, b, "/token"); tok == nil || tok["token_type"] != "DPoP" {
		t.Fatalf("the right key could not refresh the kept token: %d %s", p.status, p.body)
	}
}
