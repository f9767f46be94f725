package interop

import "testing"

// TestDefect4DPoPOtherKeyKeepsToken: a public client's refresh token is
// bound to its DPoP key; a refresh proved with another key is refused
// with invalid_grant "failed jkt verification", and the token is kept.
func TestDefect4DPoPOtherKeyKeepsToken(t *testing.T) {
	issuer := provider(t)
	cfg := offline("dpoppublic")
	cfg.TokenAuthMethod = "none"
	cfg.DPoP = true
	right, _ := newOIDC(t, issuer, cfg)
	other, rec := newOIDC(t, issuer, cfg) // a key of its own
	refusedKeepsToken(t, right, other, rec, "failed jkt verification")
}

// TestDPoPWithPAR: with PAR (required by the PAR provider's discovery),
// dpop_jkt is pushed with the rest of the authorization request, and the
// tokens are bound to that key.
func TestDPoPWithPAR(t *testing.T) {
	provider(t)
	issuer := op.parIssuer
	bp, rec := newOIDC(t, issuer, dpopConfig(false))
	serve(t, newApp(t, bp, nil))
	b := newBrowser(t)
	login(t, b)
	pushes := rec.to("/request")
	if len(pushes) != 1 || pushes[0].form.Get("dpop_jkt") == "" {
		t.Fatalf("pushes %+v, want one with dpop_jkt", pushes)
	}
	jkt := pushes[0].form.Get("dpop_jkt")
	tok, _ := tokenOf(t, b, "/stored")
	if tok == nil {
		t.Fatal("no token stored")
	}
	if cnf, _ := introspect(t, issuer, tok["access_token"].(string))["cnf"].(map[string]any); cnf["jkt"] != jkt {
		t.Errorf("cnf %v, want jkt %s", cnf, jkt)
	}
}
