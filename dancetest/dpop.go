package dancetest

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-dance/dance/internal/dpop"
)

// The fake's DPoP (RFC 9449), with Config.DPoP: what a token request's
// proof binds, and the checks of proofs at the token endpoint and at the
// API endpoints. It answers as panva's oidc-provider 9.13 does: a bad
// proof is invalid_dpop_proof (400 at the token endpoint, 401 at an API),
// a missing or wrong nonce use_dpop_nonce with a DPoP-Nonce header, and a
// refresh token bound to a key (or a code bound by dpop_jkt) redeemed
// without that key's proof, or a replayed jti, is invalid_grant with the
// same description as a dead grant's.

// dpopWindow is how far a proof's iat may be from the fake's clock.
const dpopWindow = time.Minute

// dpopState is the fake's DPoP memory, under Provider.mu.
type dpopState struct {
	jkt   map[string]string // access or refresh token → the thumbprint it is bound to
	jti   map[string]bool   // proofs seen, against replays
	nonce string            // with Config.DPoPNonce, the current nonce
}

// BindDPoP binds tokens (access or refresh tokens the fake issued, for
// example with [Provider.IssueToken]) to the key of RFC 7638 thumbprint
// jkt, as if a token request had carried that key's proof.
func (p *Provider) BindDPoP(jkt string, tokens ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, t := range tokens {
		p.dpop.jkt[t] = jkt
	}
}

// BoundKey is the thumbprint of the key that token is bound to, or "" for
// a bearer token.
func (p *Provider) BoundKey(token string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dpop.jkt[token]
}

// RotateDPoPNonce makes the fake, with Config.DPoPNonce, demand a new
// nonce, as a server does from time to time: the next proof with the old
// one is refused with use_dpop_nonce.
func (p *Provider) RotateDPoPNonce() {
	p.mu.Lock()
	p.dpop.nonce = "nonce-" + random()
	p.mu.Unlock()
}

// dpopRefusal is a refused proof: its OAuth error and description.
type dpopRefusal struct{ code, description string }

// checkProof verifies r's proof (accessToken: the API call's token, or ""
// at the token endpoint), its nonce, and that its jti is new.
func (p *Provider) checkProof(r *http.Request, accessToken string) (*dpop.Checked, *dpopRefusal) {
	c, err := dpop.Verify(r, dpop.RequestHTU(r), accessToken, time.Now(), dpopWindow)
	if err != nil {
		return nil, &dpopRefusal{"invalid_dpop_proof", err.Error()}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg.DPoPNonce && c.Nonce != p.dpop.nonce {
		return nil, &dpopRefusal{"use_dpop_nonce", "nonce is required in the DPoP proof"}
	}
	if p.dpop.jti[c.JTI] {
		return nil, &dpopRefusal{"invalid_grant", "grant request is invalid"} // oidc-provider: replay
	}
	if len(p.dpop.jti) > 100_000 {
		clear(p.dpop.jti)
	}
	p.dpop.jti[c.JTI] = true
	return c, nil
}

// tokenProof checks the proof of a token request, when DPoP is on and
// the request has one, and answers 400 when it is refused. It returns the
// proof's key thumbprint ("" without a proof) and whether to go on.
func (p *Provider) tokenProof(w http.ResponseWriter, r *http.Request) (string, bool) {
	if !p.cfg.DPoP || r.Header.Get("DPoP") == "" {
		return "", true
	}
	c, refused := p.checkProof(r, "")
	if refused != nil {
		p.setNonce(w)
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": refused.code, "error_description": refused.description})
		return "", false
	}
	return c.JKT, true
}

// dpopGate checks the DPoP of an API call and answers 401 when it is
// refused: a bound token must come as "Authorization: DPoP" with its
// key's proof (holding the token's hash); a bearer token passes.
func (p *Provider) dpopGate(w http.ResponseWriter, r *http.Request) bool {
	at, scheme := strings.CutPrefix(r.Header.Get("Authorization"), "DPoP ")
	if !scheme {
		at = p.accessToken(r)
	}
	jkt := p.BoundKey(at)
	switch {
	case !scheme && jkt == "":
		return true // a bearer token, checked by the endpoint
	case !scheme:
		return p.refuseAPI(w, &dpopRefusal{"invalid_token", "the access token is DPoP-bound"})
	case jkt == "":
		return p.refuseAPI(w, &dpopRefusal{"invalid_token", "the access token is not DPoP-bound"})
	}
	c, refused := p.checkProof(r, at)
	if refused != nil {
		if refused.code == "invalid_grant" {
			refused.code = "invalid_token"
		}
		return p.refuseAPI(w, refused)
	}
	if c.JKT != jkt {
		return p.refuseAPI(w, &dpopRefusal{"invalid_token", "failed jkt verification"})
	}
	p.setNonce(w)
	return true
}

// refuseAPI answers 401 with RFC 9449's WWW-Authenticate: DPoP.
func (p *Provider) refuseAPI(w http.ResponseWriter, refused *dpopRefusal) bool {
	p.setNonce(w)
	w.Header().Set("WWW-Authenticate", `DPoP error="`+refused.code+`", error_description="`+refused.description+`", algs="ES256 ES384 EdDSA RS256 PS256"`)
	writeJSON(w, http.StatusUnauthorized, map[string]any{"error": refused.code, "error_description": refused.description})
	return false
}

// setNonce sends the current nonce, with Config.DPoPNonce.
func (p *Provider) setNonce(w http.ResponseWriter) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg.DPoPNonce {
		w.Header().Set("DPoP-Nonce", p.dpop.nonce)
	}
}

// isAPI reports whether path is one of the fake's API endpoints.
func (p *Provider) isAPI(path string) bool {
	return path == "/user" || p.cfg.Paths[path] != nil || p.cfg.PersonaPaths[path] != nil || p.identityAt(path).answer != nil
}

// tokenType is the token_type of tokens issued for a proof of key jkt
// (none: bearer), which binds the new tokens to it.
func (p *Provider) tokenType(jkt string, tokens ...string) string {
	if jkt == "" {
		return "bearer"
	}
	p.BindDPoP(jkt, tokens...)
	return "DPoP"
}
