// Package dancetest is the test kit for dance and for apps that use it: a
// fake OAuth 2 provider on httptest that records what it receives and can
// be told to fail, and a cookie-keeping browser that drives the dance.
package dancetest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-dance/dance"
)

// Failure makes the fake token endpoint fail in one way.
type Failure int

// The ways the token endpoint can fail.
const (
	// FailNone answers normally.
	FailNone Failure = iota
	// FailStatus500 answers 500 with an HTML error page.
	FailStatus500
	// FailGarbage answers 200 with a body that is not JSON.
	FailGarbage
	// FailNoAccessToken answers 200 with JSON that has no access_token.
	FailNoAccessToken
	// FailErrorIn200 answers 200 with {"error": "bad_verification_code"},
	// as GitHub does.
	FailErrorIn200
	// FailInvalidGrant answers 400 {"error": "invalid_grant"}.
	FailInvalidGrant
	// FailSlow waits for Config.Delay (default 5 s), or until the client
	// gives up, before answering normally.
	FailSlow
	// FailTruncated starts a good token response and drops the connection
	// half-way through the body, short of its Content-Length.
	FailTruncated
	// FailWrongContentType answers 200 with a good JSON token labelled
	// application/x-www-form-urlencoded.
	FailWrongContentType
	// FailHTMLPage answers 200 with an HTML page (a login or captive
	// portal page) instead of a token.
	FailHTMLPage
)

// Config configures a fake [Provider]. Zero values give working defaults.
type Config struct {
	// ClientID and ClientSecret are the credentials the provider accepts.
	// Defaults "test-client-id" and "test-client-secret".
	ClientID, ClientSecret string
	// Consent shows a consent page with Authorize and Deny buttons on the
	// authorize endpoint; without it the provider approves at once.
	Consent bool
	// User is the JSON object that the user endpoint returns. Default: a
	// GitHub-style user "octocat". Its "id", "login", "name" and "email"
	// are also who the ID tokens and the preset identity endpoints that
	// [Provider.Configure] sets up describe.
	User map[string]any
	// Scope is the scope the token endpoint reports. Default: the scope
	// that was requested.
	Scope string
	// Withhold lists scopes the provider never grants: the token has the
	// scopes the user approved (the requested ones) minus these, as a
	// provider or user granting fewer scopes than asked.
	Withhold []string
	// PathScopes names the scope an API path needs, for example
	// {"/user/repos": "repo"}. A token without it gets 403, with RFC
	// 6750's WWW-Authenticate: Bearer error="insufficient_scope" (or,
	// with ScopeHeaders, GitHub's X-Accepted-OAuth-Scopes).
	PathScopes map[string]string
	// ScopeHeaders makes the API answers report the token's scopes in
	// GitHub's X-OAuth-Scopes header ("repo, user"), and refusals for
	// lack of scope name the needed one in X-Accepted-OAuth-Scopes.
	ScopeHeaders bool
	// ExpiresIn is the token lifetime in seconds. Default 3600; negative
	// means the response has no expires_in.
	ExpiresIn int
	// RefreshToken makes the token response carry a refresh token.
	RefreshToken bool
	// Extra fields are added to every token response.
	Extra map[string]any
	// Delay is how long FailSlow waits. Default 5 s.
	Delay time.Duration
	// RotateRefreshTokens makes a refresh answer with a new refresh token
	// and retire the old one. Without it a refresh answers with no
	// refresh_token, and the old one stays valid (as Google does).
	RotateRefreshTokens bool
	// DetectRefreshReuse, with RotateRefreshTokens, treats a retired
	// refresh token used again as a stolen one, as the OAuth 2.0 Security
	// BCP (RFC 9700, 4.14.2) recommends: it revokes the whole grant, every
	// access and refresh token issued since the authorization.
	DetectRefreshReuse bool
	// IssParameter adds RFC 9207's "iss" to the authorization response and
	// advertises it in the discovery document.
	IssParameter bool
	// FirstAnswerExtra, when set, adds its parameters to the answer of the
	// first authorization of each persona (or of the fake's user) by a
	// client, as Sign in with Apple sends the user's name once, in "user".
	// An authorization request with response_mode=form_post is answered,
	// as Apple's is, by a page that POSTs the answer to the redirect_uri.
	FirstAnswerExtra func(Persona) url.Values
	// Issuer is the OpenID Connect issuer. Default the server's URL.
	Issuer string
	// JWKSPath is where the key set is served. Default "/jwks"; a preset
	// test sets the provider's own path (Google's "/oauth2/v3/certs").
	JWKSPath string
	// IDToken controls the ID tokens issued when the scope holds "openid".
	// Change it later with [Provider.SetIDToken].
	IDToken IDTokenConfig
	// Paths are extra API endpoints, keyed by path, for example
	// "/oauth2/v2/userinfo" for a preset's identity endpoint. Each answers
	// any method with its value as JSON (a string or []byte is sent as it
	// is), after the same token check as /user. They win over the
	// built-in endpoints' paths, except /authorize and /token.
	Paths map[string]any
	// AuthScheme is the scheme the API endpoints expect in the
	// Authorization header. Default "Bearer"; Zoho uses "Zoho-oauthtoken".
	AuthScheme string
	// DiscardRequests stops the provider from keeping the requests it
	// receives, so that a long benchmark or load run does not grow without
	// bound. [Provider.Requests] and [Provider.Secrets] then see none.
	DiscardRequests bool
	// Personas, when set, replace the consent page with a sign-in page
	// that lets the user pick who to be, and Deny; each token then belongs
	// to the picked persona, whom PersonaPaths and ID tokens describe.
	Personas []Persona
	// PersonaPaths are API endpoints, keyed by path, whose answer depends
	// on the persona the token belongs to: each function returns the JSON
	// value to send. They are checked like Paths, and win over them.
	PersonaPaths map[string]func(Persona) any
	// AnyClient accepts any client ID and secret instead of ClientID and
	// ClientSecret, as a development provider does; a code still redeems
	// only for the client that asked for it.
	AnyClient bool
	// PersonaTokenFields are added to a token answer, for the persona
	// (or Config.User) the token belongs to: what a provider's token
	// answer says of the user, such as WeChat's openid.
	PersonaTokenFields func(Persona) map[string]any
	// RegisterPath, when set, is a dynamic client registration endpoint
	// (Mastodon's /api/v1/apps): a POST with client_name and
	// redirect_uris answers a new client_id and client_secret, which the
	// provider accepts from then on.
	RegisterPath string
	// Dialect rewrites each request before the provider reads it: a
	// provider's own dialect (WeChat's appid, its GET token request)
	// into the standard OAuth 2 requests this provider speaks.
	Dialect func(r *http.Request)
	// TokenWithoutRedirectURI redeems a code whose token request has no
	// redirect_uri, which RFC 6749 wants there (WeChat's has none); one
	// that has it must still match.
	TokenWithoutRedirectURI bool
	// RefreshByClientID accepts a refresh grant that names the client by
	// client_id without its secret (WeChat's refresh request).
	RefreshByClientID bool
	// CallbackParams are added to every authorization response, as a
	// provider's own callback parameters (VK ID's device_id).
	CallbackParams map[string]string
	// TokenHeader names a header that carries the access token on API
	// calls, which the API endpoints accept besides Authorization, as
	// Shopify's X-Shopify-Access-Token. [Provider.Configure] sets it for
	// a preset whose provider has one.
	TokenHeader string
	// SignCallback, when set, is called with the query of every redirect
	// to the app's callback before it is sent, to sign it as a provider
	// does (Shopify's hmac parameter). [Provider.Configure] sets it for a
	// preset whose provider signs, with the fake's client secret.
	SignCallback func(q url.Values)
	// BackChannelLogoutURL is the app's back-channel logout route, as
	// registered at a provider: when set, the end-session endpoint POSTs
	// a logout token for the session it ends there.
	BackChannelLogoutURL string
	// DPoP makes the provider speak RFC 9449 (DPoP): a token request with
	// a valid proof gets a DPoP-bound token (token_type DPoP), whose
	// refresh token is bound to the same key, and the API endpoints want
	// it as "Authorization: DPoP <token>" with a proof of that key; an
	// authorization request's dpop_jkt binds its code to a key. Bad
	// proofs are refused as panva's oidc-provider refuses them. A token
	// request without a proof still gets a bearer token.
	DPoP bool
	// DPoPNonce, with DPoP, makes every proof carry the provider's nonce
	// (RFC 9449, 8 and 9): one without it is refused with use_dpop_nonce
	// and the nonce in a DPoP-Nonce header. See [Provider.RotateDPoPNonce].
	DPoPNonce bool
	// ClientKey is the public key (an *rsa.PublicKey, *ecdsa.PublicKey,
	// ed25519.PublicKey or a jose.JSONWebKey) that verifies the client's
	// private_key_jwt assertions (RFC 7523). client_secret_jwt assertions
	// are verified with ClientSecret. Either is accepted at /token,
	// /revoke and /par, each jti once.
	ClientKey any
	// TokenAuthMethods, when set, are the only client authentication
	// methods the provider accepts ("client_secret_basic",
	// "client_secret_post", "client_secret_jwt", "private_key_jwt",
	// "none" for a client_id alone), and what discovery advertises.
	TokenAuthMethods []string
	// RequirePAR refuses an authorization request that was not pushed to
	// /par first (RFC 9126), and says so in the discovery document.
	RequirePAR bool
}

// Request is one request that the fake provider received.
type Request struct {
	Method     string
	Path       string
	Query      url.Values
	Form       url.Values
	Header     http.Header
	RemoteAddr string
	// Body is the raw body of a request that is not a form (for example
	// the JSON of a grant deletion).
	Body string
}

// ClientAuth says how a token request carried the client credentials:
// "basic" (HTTP Basic auth), "params" (client_id in the form body), or ""
// (neither).
func (r Request) ClientAuth() string {
	if strings.HasPrefix(r.Header.Get("Authorization"), "Basic ") {
		return "basic"
	}
	if r.Form.Get("client_id") != "" {
		return "params"
	}
	return ""
}

type grant struct {
	clientID, redirectURI, challenge, method, scope, nonce string
	dpopJKT                                                string // the authorization request's dpop_jkt
	used                                                   bool
	persona                                                *Persona
}

// refreshGrant is what a refresh token can do.
type refreshGrant struct {
	scope string
	valid bool
	// rotated is set when a rotation retired it; grant is the
	// authorization it descends from.
	rotated bool
	grant   *family
}

// Provider is a fake OAuth 2 provider. Its endpoints are:
//
//	GET  /authorize        authorization endpoint (or consent page)
//	POST /authorize        the consent page's decision
//	POST /token            token endpoint (authorization_code grant)
//	GET  /user             the user, with a valid bearer token
//	POST /token            also the refresh_token grant
//	POST /revoke           RFC 7009 token revocation
//	DELETE /applications/{client_id}/grant   GitHub-style grant deletion
//	GET  /.well-known/openid-configuration   OpenID Connect discovery
//	GET  /jwks             the key set that signs ID tokens
//	GET  /end_session      RP-Initiated Logout's end-session endpoint
//
// When the scope holds "openid", the token response carries an ID token
// signed with ES256, with the nonce of the authorization request; see
// [IDTokenConfig] for the ways to spoil it.
//   - Config.Paths       extra API endpoints, with a valid token
//
// It checks what a real provider checks: client credentials (Basic auth or
// form), the redirect_uri, single-use codes, and the PKCE verifier.
type Provider struct {
	*httptest.Server
	cfg Config

	mu           sync.Mutex
	requests     []Request
	grants       map[string]*grant
	tokens       map[string]bool
	scopeOf      map[string]string // access token → its granted scope
	issued       []string          // refresh tokens
	refresh      map[string]*refreshGrant
	failure      Failure
	revokeStatus int
	oidc         *oidcKeys
	owners       map[string]*family // access token -> its grant, for personas
	// identities are the preset identity endpoints that Configure set
	// up, by path: each answers who the token's user is in the
	// provider's shape.
	identities map[string]identityEndpoint
	// answered are the persona+client pairs that had an answer, for
	// FirstAnswerExtra.
	answered map[string]bool
	// revokePath is the path of the preset's revocation endpoint that
	// Configure set up, which the fake serves as /revoke.
	revokePath string
	// refreshPath is the path of the preset's refresh endpoint, when it
	// is not its token endpoint, which the fake serves as /token.
	refreshPath string
	// registered are the clients of RegisterPath, secret by ID.
	registered map[string]string
	// sid is the provider session's ID, the ID tokens' "sid"; the
	// end-session endpoint starts a new one.
	sid string
	// lastSub and lastAud are the sub and aud of the last ID token, whom
	// a logout token names by default.
	lastSub, lastAud string
	dpop             dpopState
	// pushed are the PAR requests by request_uri; jtis the client
	// assertions' IDs seen.
	pushed map[string]*pushedRequest
	jtis   map[string]bool
}

// NewProvider starts a fake provider on a loopback port. Close it when
// done (t.Cleanup(p.Close)).
func NewProvider(cfg Config) *Provider {
	p := newProvider(cfg)
	p.Server = httptest.NewServer(p)
	return p
}

// NewTLSProvider starts a fake provider that serves HTTPS with a
// self-signed certificate; p.Client() trusts it.
func NewTLSProvider(cfg Config) *Provider {
	p := newProvider(cfg)
	p.Server = httptest.NewTLSServer(p)
	return p
}

// NewUnstartedProvider returns a provider with no server, to mount with
// [Provider.ServeHTTP] on a server of your own.
func NewUnstartedProvider(cfg Config) *Provider { return newProvider(cfg) }

func newProvider(cfg Config) *Provider {
	if cfg.ClientID == "" {
		cfg.ClientID = "test-client-id"
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = "test-client-secret"
	}
	if cfg.User == nil {
		cfg.User = map[string]any{"login": "octocat", "id": 583231, "name": "The Octocat", "email": "octocat@example.com"}
	}
	if cfg.ExpiresIn == 0 {
		cfg.ExpiresIn = 3600
	}
	if cfg.JWKSPath == "" {
		cfg.JWKSPath = "/jwks"
	}
	if cfg.AuthScheme == "" {
		cfg.AuthScheme = "Bearer"
	}
	if cfg.Delay == 0 {
		cfg.Delay = 5 * time.Second
	}
	p := &Provider{cfg: cfg, grants: map[string]*grant{}, tokens: map[string]bool{}, scopeOf: map[string]string{}, refresh: map[string]*refreshGrant{}, oidc: newOIDCKeys(), owners: map[string]*family{},
		pushed: map[string]*pushedRequest{}, jtis: map[string]bool{}}
	p.dpop = dpopState{jkt: map[string]string{}, jti: map[string]bool{}, nonce: "nonce-" + random()}
	return p
}

// ClientID returns the client ID the provider accepts.
func (p *Provider) ClientID() string { return p.cfg.ClientID }

// ClientSecret returns the client secret the provider accepts.
func (p *Provider) ClientSecret() string { return p.cfg.ClientSecret }

// Fail makes the token endpoint fail in the given way until told otherwise.
func (p *Provider) Fail(f Failure) {
	p.mu.Lock()
	p.failure = f
	p.mu.Unlock()
}

// FailRevoke makes the revocation endpoints answer status (for example
// 500) until told otherwise; 0 answers normally.
func (p *Provider) FailRevoke(status int) {
	p.mu.Lock()
	p.revokeStatus = status
	p.mu.Unlock()
}

// Requests returns the requests received so far, oldest first.
func (p *Provider) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...)
}

// RequestsTo returns the requests received for path.
func (p *Provider) RequestsTo(path string) []Request {
	var out []Request
	for _, r := range p.Requests() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Secrets returns every sensitive value the provider has seen or handed
// out: the client secret, codes, states, PKCE verifiers and access and
// refresh tokens. A test can check that none of them reaches a log or an
// error message.
func (p *Provider) Secrets() []string {
	out := []string{p.cfg.ClientSecret}
	p.mu.Lock()
	defer p.mu.Unlock()
	for code := range p.grants {
		out = append(out, code)
	}
	for t := range p.tokens {
		out = append(out, t)
	}
	out = append(out, p.issued...)
	for _, r := range p.requests {
		for _, k := range []string{"state", "code", "code_verifier", "refresh_token", "nonce", "token", "client_secret"} {
			if v := r.Query.Get(k); v != "" {
				out = append(out, v)
			}
			if v := r.Form.Get(k); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// IssueToken mints an access token that the user endpoint accepts, for
// tests that need a logged-in user without a dance.
func (p *Provider) IssueToken() string {
	t := "at-" + random()
	p.mu.Lock()
	p.tokens[t] = true
	p.mu.Unlock()
	return t
}

// IssueRefreshToken mints a refresh token that the refresh grant accepts,
// for the given scope, for tests that start from a stored, expired token.
func (p *Provider) IssueRefreshToken(scope string) string {
	return p.issueRefresh(scope, &family{})
}

// TokenActive reports whether the access or refresh token t is known and
// not revoked.
func (p *Provider) TokenActive(t string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tokens[t] || (p.refresh[t] != nil && p.refresh[t].valid)
}

// ServeHTTP implements http.Handler.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	dialect, register, revokePath, refreshPath := p.cfg.Dialect, p.cfg.RegisterPath, p.revokePath, p.refreshPath
	p.mu.Unlock()
	var sent *Request // the request as the client sent it, before the dialect
	if dialect != nil {
		if !p.cfg.DiscardRequests {
			sent = snapshot(r)
		}
		dialect(r)
	}
	_ = r.ParseForm()
	var body string // a non-form body, such as the JSON of a grant deletion
	if (r.Method != http.MethodPost || isJSON(r)) && r.Body != nil {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		body = string(b)
	}
	if r.Method == http.MethodPost && isJSON(r) {
		jsonForm(r, body) // a token request in JSON (Notion's)
	}
	switch {
	case sent != nil:
		p.mu.Lock()
		p.requests = append(p.requests, *sent)
		p.mu.Unlock()
	case !p.cfg.DiscardRequests:
		p.record(r, body)
	}

	switch {
	case r.URL.Path == "/authorize" && r.Method == http.MethodGet:
		p.authorize(w, r)
	case r.URL.Path == "/authorize" && r.Method == http.MethodPost:
		p.decide(w, r)
	case (r.URL.Path == "/token" || r.URL.Path == refreshPath) && r.Method == http.MethodPost:
		p.token(w, r)
	case r.URL.Path == "/par" && r.Method == http.MethodPost:
		p.par(w, r)
	case register != "" && r.URL.Path == register && r.Method == http.MethodPost:
		p.register(w, r)
	case p.cfg.DPoP && p.isAPI(r.URL.Path) && !p.dpopGate(w, r):
		// refused: the gate answered
	case p.cfg.PersonaPaths[r.URL.Path] != nil:
		p.personaAPI(w, r, p.cfg.PersonaPaths[r.URL.Path])
	case p.cfg.Paths[r.URL.Path] != nil:
		p.user(w, r, p.cfg.Paths[r.URL.Path])
	case p.identityAt(r.URL.Path).answer != nil:
		p.identityAPI(w, r, p.identityAt(r.URL.Path))
	case r.URL.Path == "/user" && r.Method == http.MethodGet:
		p.user(w, r, p.cfg.User)
	case (r.URL.Path == "/revoke" || r.URL.Path == revokePath) && r.Method == http.MethodPost:
		p.revoke(w, r)
	case strings.HasPrefix(r.URL.Path, "/applications/") && strings.HasSuffix(r.URL.Path, "/grant") && r.Method == http.MethodDelete:
		p.deleteGrant(w, r, body)
	case r.URL.Path == "/.well-known/openid-configuration" && r.Method == http.MethodGet:
		p.discovery(w)
	case r.URL.Path == p.jwksPath() && r.Method == http.MethodGet:
		p.jwks(w)
	case r.URL.Path == "/end_session" && r.Method == http.MethodGet:
		p.endSession(w, r)
	default:
		http.NotFound(w, r)
	}
}

// snapshot is the request r as it is, its body read and put back.
func snapshot(r *http.Request) *Request {
	rec := &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), RemoteAddr: r.RemoteAddr}
	if r.Body != nil {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body.Close()
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		if r.Method == http.MethodPost {
			rec.Form, _ = url.ParseQuery(string(b))
		} else {
			rec.Body = string(b)
		}
	}
	return rec
}

func (p *Provider) record(r *http.Request, body string) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), RemoteAddr: r.RemoteAddr, Body: body}
	if r.Method == http.MethodPost {
		rec.Form = r.PostForm
	}
	p.mu.Lock()
	p.requests = append(p.requests, rec)
	p.mu.Unlock()
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := p.pushedParams(r.URL.Query())
	if q == nil {
		http.Error(w, "unknown, used or expired request_uri, or a request that was not pushed", http.StatusBadRequest)
		return
	}
	redirectURI := q.Get("redirect_uri")
	if !p.knownClient(q.Get("client_id")) || q.Get("response_type") != "code" {
		http.Error(w, "unknown client_id or bad response_type", http.StatusBadRequest)
		return
	}
	if u, err := url.Parse(redirectURI); err != nil || !u.IsAbs() {
		http.Error(w, "redirect_uri must be absolute", http.StatusBadRequest)
		return
	}
	if len(p.cfg.Personas) > 0 {
		p.signInPage(w, q)
		return
	}
	if p.cfg.Consent {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = consentPage.Execute(w, map[string]any{"Query": q, "ClientID": q.Get("client_id"), "Scopes": strings.Fields(q.Get("scope"))})
		return
	}
	p.answer(w, r, q, p.approve(q))
}

func (p *Provider) decide(w http.ResponseWriter, r *http.Request) {
	q, err := url.ParseQuery(r.PostForm.Get("query"))
	if err != nil || !p.knownClient(q.Get("client_id")) {
		http.Error(w, "bad consent form", http.StatusBadRequest)
		return
	}
	if len(p.cfg.Personas) > 0 && !p.pickPersona(q, r.PostForm.Get("persona"), r.PostForm.Get("decision")) {
		http.Error(w, "unknown persona", http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("decision") != "authorize" {
		p.answer(w, r, q, url.Values{
			"error":             {"access_denied"},
			"error_description": {"The user denied the request."},
			"state":             {q.Get("state")},
		})
		return
	}
	p.answer(w, r, q, p.approve(q))
}

// answer sends the browser back to the redirect_uri of the authorization
// request q with the answer v: in the query, or, with
// response_mode=form_post, in a form that the page POSTs at once.
func (p *Provider) answer(w http.ResponseWriter, r *http.Request, q, v url.Values) {
	if q.Get("response_mode") != "form_post" {
		http.Redirect(w, r, callbackURL(q.Get("redirect_uri"), v), http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = formPostPage.Execute(w, map[string]any{"Action": q.Get("redirect_uri"), "Fields": v})
}

// formPostPage POSTs an authorization answer to the app, as Apple's does.
var formPostPage = template.Must(template.New("form_post").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Signing in</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="{{.Action}}">{{range $k, $vs := .Fields}}{{range $vs}}
<input type="hidden" name="{{$k}}" value="{{.}}">{{end}}{{end}}
<noscript><button id="continue">Continue</button></noscript>
</form></body></html>`))

// approve issues a code for the authorization request q and returns the
// answer that carries it.
func (p *Provider) approve(q url.Values) url.Values {
	code := "code-" + random()
	p.mu.Lock()
	p.grants[code] = &grant{
		clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"),
		challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method"),
		scope: p.granted(q.Get("scope")), nonce: q.Get("nonce"), persona: p.persona(q),
		dpopJKT: q.Get("dpop_jkt"),
	}
	p.mu.Unlock()
	v := url.Values{"code": {code}}
	p.mu.Lock()
	for k, x := range p.cfg.CallbackParams {
		v.Set(k, x)
	}
	p.mu.Unlock()
	if s := q.Get("state"); s != "" {
		v.Set("state", s)
	}
	if p.cfg.IssParameter {
		v.Set("iss", p.Issuer())
	}
	p.firstExtra(q, v)
	p.mu.Lock()
	sign := p.cfg.SignCallback
	p.mu.Unlock()
	if sign != nil {
		sign(v) // last: the signature covers every parameter
	}
	return v
}

// firstExtra adds FirstAnswerExtra's parameters to v on the first answer
// to the persona (or the fake's user) of q and its client.
func (p *Provider) firstExtra(q, v url.Values) {
	if p.cfg.FirstAnswerExtra == nil {
		return
	}
	who := p.persona(q)
	if who == nil {
		u := p.userPersona()
		who = &u
	}
	key := q.Get("client_id") + "\x00" + who.UserID()
	p.mu.Lock()
	first := !p.answered[key]
	if p.answered == nil {
		p.answered = map[string]bool{}
	}
	p.answered[key] = true
	p.mu.Unlock()
	if first {
		for k, vs := range p.cfg.FirstAnswerExtra(*who) {
			v[k] = vs
		}
	}
}

// CallbackQuery returns a code for a fresh grant, as if the user had
// approved the authorization request q (the query of the login redirect).
func (p *Provider) CallbackQuery(q url.Values) url.Values {
	return p.approve(q)
}

func callbackURL(redirectURI string, v url.Values) string {
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
	}
	return redirectURI + sep + v.Encode()
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	failure := p.failure
	p.mu.Unlock()
	if p.fail(w, r, failure) {
		return
	}
	p.mu.Lock()
	byID := p.cfg.RefreshByClientID
	p.mu.Unlock()
	if byID && r.PostForm.Get("grant_type") == "refresh_token" && r.PostForm.Get("client_secret") == "" && p.knownClient(r.PostForm.Get("client_id")) {
		if jkt, ok := p.tokenProof(w, r); ok {
			p.refreshGrant(w, r, jkt)
		}
		return
	}
	clientID, ok := p.clientAuth(w, r)
	if !ok {
		return
	}
	jkt, ok := p.tokenProof(w, r)
	if !ok {
		return
	}
	if r.PostForm.Get("grant_type") == "refresh_token" {
		p.refreshGrant(w, r, jkt)
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		writeJSON(w, 400, map[string]any{"error": "unsupported_grant_type"})
		return
	}
	g := p.redeem(w, r, clientID)
	if g == nil {
		return
	}
	if p.cfg.DPoP && g.dpopJKT != "" && g.dpopJKT != jkt { // oidc-provider's answer
		writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "grant request is invalid"})
		return
	}
	at := p.issueScoped(g.scope)
	fam := &family{persona: g.persona, clientID: g.clientID}
	p.join(fam, at)
	resp := map[string]any{"access_token": at, "token_type": p.tokenType(jkt, at), "scope": g.scope}
	for k, v := range p.cfg.Extra {
		resp[k] = v
	}
	if p.cfg.Scope != "" {
		resp["scope"] = p.cfg.Scope
	}
	if p.cfg.ExpiresIn > 0 {
		resp["expires_in"] = p.cfg.ExpiresIn
	}
	if p.cfg.RefreshToken {
		rt := p.issueRefresh(g.scope, fam)
		p.tokenType(jkt, rt)
		resp["refresh_token"] = rt
	}
	if hasScope(g.scope, "openid") {
		resp["id_token"] = p.idToken(g.nonce, g.persona, g.clientID)
	}
	p.addTokenFields(resp, g.persona)
	writeJSON(w, 200, resp)
}

// addTokenFields adds Config.PersonaTokenFields for who (nil: the user
// of Config.User) to the token answer resp.
func (p *Provider) addTokenFields(resp map[string]any, who *Persona) {
	p.mu.Lock()
	f := p.cfg.PersonaTokenFields
	p.mu.Unlock()
	if f == nil {
		return
	}
	if who == nil {
		u := p.userPersona()
		who = &u
	}
	for k, v := range f(*who) {
		if _, set := resp[k]; !set {
			resp[k] = v
		}
	}
}

// register is a dynamic client registration endpoint (Mastodon's
// /api/v1/apps): it answers a new client, which the provider accepts
// from then on.
func (p *Provider) register(w http.ResponseWriter, r *http.Request) {
	if r.PostForm.Get("client_name") == "" || r.PostForm.Get("redirect_uris") == "" {
		writeJSON(w, 422, map[string]any{"error": "Validation failed: client_name and redirect_uris are required"})
		return
	}
	id, secret := "reg-"+random(), "regsecret-"+random()
	p.mu.Lock()
	if p.registered == nil {
		p.registered = map[string]string{}
	}
	p.registered[id] = secret
	p.mu.Unlock()
	writeJSON(w, 200, map[string]any{
		"id": "1", "name": r.PostForm.Get("client_name"), "website": r.PostForm.Get("website"),
		"redirect_uri": r.PostForm.Get("redirect_uris"), "client_id": id, "client_secret": secret,
	})
}

// tokenWithoutRedirect is Config.TokenWithoutRedirectURI.
func (p *Provider) tokenWithoutRedirect() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg.TokenWithoutRedirectURI
}

// redeem uses up the request's code, once, for clientID, with its
// redirect_uri and PKCE verifier, and returns its grant; on a bad code it
// answers invalid_grant and returns nil.
func (p *Provider) redeem(w http.ResponseWriter, r *http.Request, clientID string) *grant {
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g := p.grants[code]
	ok := g != nil && !g.used
	if ok {
		g.used = true
	}
	p.mu.Unlock()
	sent := r.PostForm.Get("redirect_uri")
	if !r.PostForm.Has("redirect_uri") && p.tokenWithoutRedirect() {
		sent = g.redirectURI
	}
	if !ok || g.clientID != clientID || g.redirectURI != sent {
		writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "bad code or redirect_uri"})
		return nil
	}
	if g.challenge != "" {
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if g.method != "S256" || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "PKCE verification failed"})
			return nil
		}
	}
	return g
}

// fail answers the token request with the configured failure, and
// reports whether it did (FailSlow only delays the answer).
func (p *Provider) fail(w http.ResponseWriter, r *http.Request, failure Failure) bool {
	switch failure {
	case FailStatus500:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(500)
		fmt.Fprint(w, "<html><body><h1>Internal Server Error</h1></body></html>")
	case FailGarbage:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token": "trunc`)
	case FailNoAccessToken:
		writeJSON(w, 200, map[string]any{"token_type": "bearer"})
	case FailErrorIn200:
		writeJSON(w, 200, map[string]any{"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."})
	case FailInvalidGrant:
		writeJSON(w, 400, map[string]any{"error": "invalid_grant"})
	case FailTruncated:
		failTruncated(w)
	case FailWrongContentType:
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		fmt.Fprint(w, `{"access_token":"at-wrong-type","token_type":"bearer"}`)
	case FailHTMLPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><head><title>Sign in</title></head><body><form>Wi-Fi login</form></body></html>")
	case FailSlow:
		select {
		case <-time.After(p.cfg.Delay):
			return false
		case <-r.Context().Done():
			return true
		}
	default:
		return false
	}
	return true
}

// failTruncated sends half a token answer and closes the connection.
func failTruncated(w http.ResponseWriter) {
	body := `{"access_token":"at-truncated","token_type":"bearer","expires_in":3600}`
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "FailTruncated needs a real connection", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:len(body)/2])
	_ = buf.Flush()
	conn.Close()
}

// clientAuth checks the client credentials of a form request (Basic auth,
// form-encoded as RFC 6749 says, or form fields) and answers 401 when they
// are wrong.
func (p *Provider) clientAuth(w http.ResponseWriter, r *http.Request) (clientID string, ok bool) {
	clientID, secret, basic := r.BasicAuth()
	method := "client_secret_basic"
	if basic {
		clientID, _ = url.QueryUnescape(clientID)
		secret, _ = url.QueryUnescape(secret)
	} else {
		clientID, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		method = "client_secret_post"
	}
	good := false
	switch {
	case !basic && r.PostForm.Has("client_assertion"):
		clientID, method = p.assertedClient(r)
		good = clientID != ""
	case !basic && secret == "" && p.allows("none"):
		method, good = "none", p.knownClient(clientID)
	default:
		good = p.clientOK(clientID, secret)
	}
	if !good || !p.allows(method) {
		writeJSON(w, 401, map[string]any{"error": "invalid_client"})
		return "", false
	}
	return clientID, true
}

// refreshGrant answers the refresh_token grant: a new access token, and a
// new refresh token only with RotateRefreshTokens.
func (p *Provider) refreshGrant(w http.ResponseWriter, r *http.Request, jkt string) {
	rt := r.PostForm.Get("refresh_token")
	p.mu.Lock()
	g := p.refresh[rt]
	ok := g != nil && g.valid
	bound := p.dpop.jkt[rt]
	if ok && bound != "" && bound != jkt {
		// A bound refresh token without its key's proof: oidc-provider
		// answers as it does for a dead grant.
		p.mu.Unlock()
		writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "grant request is invalid"})
		return
	}
	if ok && p.cfg.RotateRefreshTokens {
		g.valid, g.rotated = false, true
	}
	reused := !ok && g != nil && g.rotated && p.cfg.DetectRefreshReuse
	p.mu.Unlock()
	if reused {
		p.revokeGrant(g.grant)
	}
	if !ok {
		writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "unknown or revoked refresh token"})
		return
	}
	at := p.issueScoped(g.scope)
	p.join(g.grant, at)
	resp := map[string]any{"access_token": at, "token_type": p.tokenType(jkt, at)}
	if p.cfg.ExpiresIn > 0 {
		resp["expires_in"] = p.cfg.ExpiresIn
	}
	if p.cfg.RotateRefreshTokens {
		next := p.issueRefresh(g.scope, g.grant)
		p.BindDPoP(bound, next) // the new one is bound as the old one was
		resp["refresh_token"] = next
	}
	if hasScope(g.scope, "openid") {
		resp["id_token"] = p.idToken("", g.grant.persona, g.grant.clientID)
	}
	writeJSON(w, 200, resp)
}

// revoke is an RFC 7009 revocation endpoint: it authenticates the client
// and revokes the token, answering 200 even for an unknown token.
func (p *Provider) revoke(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	status := p.revokeStatus
	p.mu.Unlock()
	if status != 0 {
		writeJSON(w, status, map[string]any{"error": "server_error"})
		return
	}
	if _, ok := p.clientAuth(w, r); !ok {
		return
	}
	t := r.PostForm.Get("token")
	if t == "" {
		t = r.PostForm.Get("access_token") // LINE's name for it
	}
	if t == "" {
		writeJSON(w, 400, map[string]any{"error": "invalid_request", "error_description": "no token"})
		return
	}
	p.retire(t)
	w.WriteHeader(http.StatusOK)
}

// deleteGrant is GitHub's "delete an app authorization": DELETE
// /applications/{client_id}/grant with Basic auth of the client ID and
// secret, and {"access_token": "…"} as the body. It answers 204.
func (p *Provider) deleteGrant(w http.ResponseWriter, r *http.Request, body string) {
	p.mu.Lock()
	status := p.revokeStatus
	p.mu.Unlock()
	if status != 0 {
		writeJSON(w, status, map[string]any{"message": "Server Error"})
		return
	}
	id, secret, ok := r.BasicAuth()
	pathID := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/applications/"), "/grant")
	if !ok || pathID != id || !p.clientOK(id, secret) {
		writeJSON(w, 401, map[string]any{"message": "Requires authentication"})
		return
	}
	var req struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal([]byte(body), &req) != nil || req.AccessToken == "" {
		writeJSON(w, 422, map[string]any{"message": "Validation Failed"})
		return
	}
	if !p.TokenActive(req.AccessToken) {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	p.retire(req.AccessToken)
	w.WriteHeader(http.StatusNoContent)
}

// retire revokes an access or refresh token.
func (p *Provider) retire(t string) {
	p.mu.Lock()
	delete(p.tokens, t)
	if g := p.refresh[t]; g != nil {
		g.valid = false
	}
	p.mu.Unlock()
}

// granted is what the provider grants for a request of scope: all of it
// but the withheld scopes.
func (p *Provider) granted(scope string) string {
	var out []string
	for _, s := range strings.Fields(scope) {
		if !slices.Contains(p.cfg.Withhold, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// issueScoped mints an access token that holds scope.
func (p *Provider) issueScoped(scope string) string {
	t := p.IssueToken()
	p.mu.Lock()
	p.scopeOf[t] = scope
	p.mu.Unlock()
	return t
}

// scopeCheck reports the token's scopes (ScopeHeaders) and refuses, with
// 403, a call to a path whose PathScopes scope the token lacks.
func (p *Provider) scopeCheck(w http.ResponseWriter, path, at string) bool {
	p.mu.Lock()
	held := p.scopeOf[at]
	p.mu.Unlock()
	if p.cfg.ScopeHeaders {
		w.Header().Set("X-OAuth-Scopes", strings.Join(strings.Fields(held), ", "))
	}
	need := p.cfg.PathScopes[path]
	if need == "" || hasScope(held, need) {
		return true
	}
	if p.cfg.ScopeHeaders {
		w.Header().Set("X-Accepted-OAuth-Scopes", need)
	} else {
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+need+`"`)
	}
	writeJSON(w, http.StatusForbidden, map[string]any{"message": "insufficient scope"})
	return false
}

func hasScope(scope, s string) bool {
	for _, f := range strings.Fields(scope) {
		if f == s {
			return true
		}
	}
	return false
}

// user answers an API call with body, when it carries a valid token.
func (p *Provider) user(w http.ResponseWriter, r *http.Request, body any) {
	at, ok := strings.CutPrefix(r.Header.Get("Authorization"), p.cfg.AuthScheme+" ")
	if dat, bound := strings.CutPrefix(r.Header.Get("Authorization"), "DPoP "); bound && p.cfg.DPoP {
		at, ok = dat, true // the gate checked its proof
	}
	if th := p.tokenHeader(); th != "" && r.Header.Get(th) != "" {
		at, ok = r.Header.Get(th), true
	}
	p.mu.Lock()
	ok = ok && p.tokens[at]
	p.mu.Unlock()
	if !ok {
		writeJSON(w, 401, map[string]any{"message": "Bad credentials"})
		return
	}
	if !p.scopeCheck(w, r.URL.Path, at) {
		return
	}
	switch b := body.(type) {
	case string:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, b)
	case []byte:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	default:
		writeJSON(w, 200, b)
	}
}

// isJSON reports whether r's body is JSON.
func isJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}

// jsonForm reads a JSON object body as r's form, as if it had been posted
// as one: a provider whose token endpoint takes JSON (Notion's) gets the
// same checks as a form. Values that are not strings are skipped.
func jsonForm(r *http.Request, body string) {
	var obj map[string]any
	if json.Unmarshal([]byte(body), &obj) != nil {
		return
	}
	form := url.Values{}
	for k, v := range obj {
		if s, ok := v.(string); ok {
			form.Set(k, s)
		}
	}
	r.PostForm = form
	for k, v := range form {
		r.Form[k] = v
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func random() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Fake provider: authorize</title>
<style>body{font-family:sans-serif;max-width:30em;margin:4em auto}button{font-size:1.1em;margin-right:1em}</style>
</head><body>
<h1>Authorize this app?</h1>
<p>The app <strong id="client-id">{{.ClientID}}</strong> wants to sign you in{{if .Scopes}} and asks for:{{else}}.{{end}}</p>
{{if .Scopes}}<ul id="scopes">{{range .Scopes}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
<p>This is dance's fake provider: nothing leaves this machine.</p>
<form method="post" action="/authorize">
<input type="hidden" name="query" value="{{.Query.Encode}}">
<button name="decision" value="authorize" id="authorize">Authorize</button>
<button name="decision" value="deny" id="deny">Deny</button>
</form></body></html>`))

// OAuth2Config returns a generic blueprint configuration named name that
// points at this provider, with its client credentials. Change what the
// test needs before passing it to dance.NewOAuth2.
func (p *Provider) OAuth2Config(name string) dance.OAuth2Config {
	return dance.OAuth2Config{
		Name:         name,
		ClientID:     p.cfg.ClientID,
		ClientSecret: p.cfg.ClientSecret,
		AuthURL:      "/authorize",
		TokenURL:     "/token",
		Options:      dance.Options{BaseURL: p.URL + "/"},
	}
}

// StandIn returns an HTTP client that sends every request to this
// provider, whatever its host, keeping the path and query: the provider
// then stands in for a real one (api.github.com, say), for example to
// record a cassette without network access.
func (p *Provider) StandIn() *http.Client {
	target, _ := url.Parse(p.URL)
	base := p.Client().Transport
	return &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		r := req.Clone(req.Context())
		r.URL.Scheme, r.URL.Host, r.Host = target.Scheme, target.Host, ""
		return base.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// allows reports whether the provider accepts client authentication
// method (Config.TokenAuthMethods; all but "none" when it is empty).
func (p *Provider) allows(method string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.cfg.TokenAuthMethods) == 0 {
		return method != "none"
	}
	return slices.Contains(p.cfg.TokenAuthMethods, method)
}
