package dancetest

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// What the fake provider knows of client assertions (RFC 7523) and pushed
// authorization requests (RFC 9126).

const (
	assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// requestURIPrefix is RFC 9126's prefix of a request_uri.
	requestURIPrefix = "urn:ietf:params:oauth:request_uri:"
	// parLifetime is how long a pushed request can be used.
	parLifetime = 60 * time.Second
	// maxAssertionLifetime is the longest exp - now an assertion may have.
	maxAssertionLifetime = 5 * time.Minute
)

// pushedRequest is an authorization request pushed to /par.
type pushedRequest struct {
	params  url.Values
	expires time.Time
}

// assertedClient checks an RFC 7523 client assertion of a form request,
// and returns the client it authenticates, or "" when it does not. A
// private_key_jwt assertion is verified with Config.ClientKey; a
// client_secret_jwt one (HS256) with the client's secret. The claims must
// say iss = sub = client_id, an aud that is the issuer or this endpoint,
// an exp at most 5 minutes ahead, and a jti not seen before.
func (p *Provider) assertedClient(r *http.Request) (clientID, method string) {
	raw, id := r.PostForm.Get("client_assertion"), r.PostForm.Get("client_id")
	if r.PostForm.Get("client_assertion_type") != assertionType || raw == "" {
		return "", ""
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.EdDSA, jose.PS256, jose.HS256})
	if err != nil || len(tok.Headers) != 1 {
		return "", ""
	}
	var c jwt.Claims
	method = "private_key_jwt"
	if tok.Headers[0].Algorithm == string(jose.HS256) {
		method = "client_secret_jwt"
		secret := p.secretOf(id)
		if secret == "" || tok.Claims([]byte(secret), &c) != nil {
			return "", ""
		}
	} else {
		p.mu.Lock()
		key := p.cfg.ClientKey
		p.mu.Unlock()
		if key == nil || tok.Claims(key, &c) != nil {
			return "", ""
		}
	}
	if c.Issuer != c.Subject || c.Issuer == "" || (id != "" && id != c.Issuer) || !p.knownClient(c.Issuer) {
		return "", ""
	}
	if !slices.ContainsFunc(c.Audience, func(aud string) bool { return p.audienceOK(aud, r) }) {
		return "", ""
	}
	now := time.Now()
	if c.Expiry == nil || c.ID == "" || c.Expiry.Time().Before(now) || c.Expiry.Time().After(now.Add(maxAssertionLifetime)) {
		return "", ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.jtis[c.ID] {
		return "", "" // replayed
	}
	p.jtis[c.ID] = true
	return c.Issuer, method
}

// audienceOK reports whether aud names this provider: its issuer, or the
// endpoint r was sent to (any host: a stand-in answers for real hosts, and
// under a prefix). A development provider (AnyClient), which maps each
// preset's paths to its own, takes any URL of the host r was sent to.
func (p *Provider) audienceOK(aud string, r *http.Request) bool {
	if aud == p.Issuer() {
		return true
	}
	u, err := url.Parse(aud)
	if err != nil {
		return false
	}
	return strings.HasSuffix(u.Path, r.URL.Path) || (p.cfg.AnyClient && u.Host == r.Host)
}

// secretOf is the secret the provider knows for client id.
func (p *Provider) secretOf(id string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.registered[id]; ok {
		return s
	}
	if id == p.cfg.ClientID {
		return p.cfg.ClientSecret
	}
	return ""
}

// par is the pushed authorization request endpoint: it authenticates the
// client as the token endpoint does, keeps the request's parameters for
// 60 seconds, and answers their request_uri.
func (p *Provider) par(w http.ResponseWriter, r *http.Request) {
	clientID, ok := p.clientAuth(w, r)
	if !ok {
		return
	}
	params := url.Values{}
	for k, v := range r.PostForm {
		switch k {
		case "client_secret", "client_assertion", "client_assertion_type":
		default:
			params[k] = v
		}
	}
	if params.Has("request_uri") || (params.Get("client_id") != "" && params.Get("client_id") != clientID) {
		writeJSON(w, 400, map[string]any{"error": "invalid_request", "error_description": "bad client_id or request_uri"})
		return
	}
	params.Set("client_id", clientID)
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	uri := requestURIPrefix + base64.RawURLEncoding.EncodeToString(b)
	p.mu.Lock()
	p.pushed[uri] = &pushedRequest{params: params, expires: time.Now().Add(parLifetime)}
	p.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"request_uri": uri, "expires_in": int(parLifetime / time.Second)})
}

// pushedParams resolves an authorization request: a request_uri is
// replaced by the parameters pushed for it (once, within its lifetime, by
// the same client); without one, a provider that requires PAR refuses it.
// It returns nil when the request is refused.
func (p *Provider) pushedParams(q url.Values) url.Values {
	uri := q.Get("request_uri")
	p.mu.Lock()
	defer p.mu.Unlock()
	if uri == "" {
		if p.cfg.RequirePAR {
			return nil
		}
		return q
	}
	pr := p.pushed[uri]
	delete(p.pushed, uri)
	if pr == nil || time.Now().After(pr.expires) || pr.params.Get("client_id") != q.Get("client_id") {
		return nil
	}
	return pr.params
}
