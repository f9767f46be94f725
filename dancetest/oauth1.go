package dancetest

import (
	"crypto/rsa"
	"crypto/subtle"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"sync"
	"time"

	"github.com/gin-dance/dance"
)

// OAuth1Config configures a fake [OAuth1Provider]. Zero values give working
// defaults.
type OAuth1Config struct {
	// ConsumerKey and ConsumerSecret are the client credentials the
	// provider accepts. Defaults "test-consumer-key" and
	// "test-consumer-secret".
	ConsumerKey, ConsumerSecret string
	// RSAPublicKey, when set, makes the provider require RSA-SHA1
	// signatures made with the matching private key; otherwise it requires
	// HMAC-SHA1 with ConsumerSecret.
	RSAPublicKey *rsa.PublicKey
	// User is the JSON object that the user endpoints return. Default: a
	// Twitter-style user "twitterdev".
	User map[string]any
	// Extra fields are added to the access-token response. Default:
	// user_id and screen_name, as Twitter sends them.
	Extra map[string]string
	// Consent shows a consent page with Authorize and Deny buttons (ids
	// "authorize" and "deny") on the authorize endpoint, as [Config.Consent]
	// does for the OAuth 2 fake; Deny sends the user back with
	// ?denied=<request token>, as Twitter does. Without it the provider
	// approves at once (or denies, after [OAuth1Provider.Deny]).
	Consent bool
	// AnyConsumer accepts any consumer key, as a development provider
	// does. The provider then cannot know the consumer secret or public
	// key, so it checks every parameter, token and nonce but not the
	// signature itself.
	AnyConsumer bool
	// Paths are extra API endpoints, keyed by path, for example a
	// preset's identity endpoint (Tumblr's /v2/user/info). Each answers
	// its value as JSON, after the same checks as the user endpoints.
	Paths map[string]any
}

// OAuth1Endpoint names one endpoint of the fake OAuth 1 provider, for
// [OAuth1Provider.FailEndpoint].
type OAuth1Endpoint string

// The endpoints of the fake OAuth 1 provider.
const (
	OAuth1RequestToken OAuth1Endpoint = "request_token"
	OAuth1Authorize    OAuth1Endpoint = "authorize"
	OAuth1AccessToken  OAuth1Endpoint = "access_token"
	OAuth1API          OAuth1Endpoint = "api"
)

// OAuth1Request is one request that the fake OAuth 1 provider received.
type OAuth1Request struct {
	Method string
	Path   string
	Query  url.Values
	Form   url.Values // the form body, if any
	Header http.Header
	// OAuth holds the parameters of the Authorization header, decoded.
	OAuth map[string]string
	// Verified reports whether the signature was valid.
	Verified bool
	// Problem is why the request was refused, as an oauth_problem value
	// ("signature_invalid", "nonce_used", …), or "".
	Problem string
}

type failure struct {
	status int
	body   string
}

type requestToken struct {
	secret, callback, verifier string
	used                       bool
}

// OAuth1Provider is a fake OAuth 1.0a provider (RFC 5849). Its endpoints,
// under two spellings (Twitter's and JIRA's), are:
//
//	POST /oauth/request_token   or /plugins/servlet/oauth/request-token
//	GET  /oauth/authorize       or /plugins/servlet/oauth/authorize
//	POST /oauth/authorize       the consent page's decision (with Consent)
//	POST /oauth/access_token    or /plugins/servlet/oauth/access-token
//	GET  /user, /1.1/account/verify_credentials.json, /rest/api/2/myself
//	any  /echo                  echoes what it received, as JSON
//
// It verifies every signature for real, with its own RFC 5849 code (not
// the client library's): the base string from the method, URL, query,
// form body and OAuth parameters; HMAC-SHA1 with the consumer and token
// secrets, or RSA-SHA1 with the consumer's public key. A bad signature, an
// unknown consumer or token, a reused nonce or a stale timestamp is a 401
// with an oauth_problem body.
type OAuth1Provider struct {
	*httptest.Server
	cfg OAuth1Config

	mu       sync.Mutex
	requests []OAuth1Request
	pending  map[string]*requestToken // request token -> its state
	access   map[string]string        // access token -> secret
	nonces   map[string]bool
	failures map[OAuth1Endpoint]failure
	slow     map[OAuth1Endpoint]time.Duration
	deny     bool
}

// NewOAuth1Provider starts a fake OAuth 1 provider on a loopback port.
// Close it when done.
func NewOAuth1Provider(cfg OAuth1Config) *OAuth1Provider {
	p := NewUnstartedOAuth1Provider(cfg)
	p.Server = httptest.NewServer(p)
	return p
}

// NewUnstartedOAuth1Provider returns an OAuth 1 provider with no server,
// to mount with [OAuth1Provider.ServeHTTP] on a server of your own.
func NewUnstartedOAuth1Provider(cfg OAuth1Config) *OAuth1Provider {
	if cfg.ConsumerKey == "" {
		cfg.ConsumerKey = "test-consumer-key"
	}
	if cfg.ConsumerSecret == "" {
		cfg.ConsumerSecret = "test-consumer-secret"
	}
	if cfg.User == nil {
		cfg.User = map[string]any{"id": 2244994945, "screen_name": "twitterdev", "name": "Twitter Dev"}
	}
	if cfg.Extra == nil {
		cfg.Extra = map[string]string{"user_id": "2244994945", "screen_name": "twitterdev"}
	}
	return &OAuth1Provider{
		cfg:      cfg,
		pending:  map[string]*requestToken{},
		access:   map[string]string{},
		nonces:   map[string]bool{},
		failures: map[OAuth1Endpoint]failure{},
		slow:     map[OAuth1Endpoint]time.Duration{},
	}
}

// ConsumerKey returns the consumer key the provider accepts.
func (p *OAuth1Provider) ConsumerKey() string { return p.cfg.ConsumerKey }

// ConsumerSecret returns the consumer secret the provider accepts.
func (p *OAuth1Provider) ConsumerSecret() string { return p.cfg.ConsumerSecret }

// FailEndpoint makes endpoint answer status with body (as
// application/x-www-form-urlencoded) until told otherwise; status 0 makes
// it work again. The request is still recorded.
func (p *OAuth1Provider) FailEndpoint(endpoint OAuth1Endpoint, status int, body string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if status == 0 {
		delete(p.failures, endpoint)
		return
	}
	p.failures[endpoint] = failure{status, body}
}

// SlowEndpoint makes endpoint wait for d (or until the client gives up)
// before it answers; 0 makes it prompt again.
func (p *OAuth1Provider) SlowEndpoint(endpoint OAuth1Endpoint, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d <= 0 {
		delete(p.slow, endpoint)
		return
	}
	p.slow[endpoint] = d
}

// Deny makes the authorize endpoint send the user back with
// ?denied=<request token>, as Twitter does when the user declines.
func (p *OAuth1Provider) Deny(deny bool) {
	p.mu.Lock()
	p.deny = deny
	p.mu.Unlock()
}

// Requests returns the requests received so far, oldest first.
func (p *OAuth1Provider) Requests() []OAuth1Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]OAuth1Request(nil), p.requests...)
}

// RequestsTo returns the requests received for the endpoint ("api" is
// every API path).
func (p *OAuth1Provider) RequestsTo(endpoint OAuth1Endpoint) []OAuth1Request {
	var out []OAuth1Request
	for _, r := range p.Requests() {
		if endpointOf(r.Path) == endpoint {
			out = append(out, r)
		}
	}
	return out
}

// Secrets returns every sensitive value the provider has seen or handed
// out: the consumer secret, request and access tokens and their secrets,
// verifiers, nonces and signatures. A test can check that none of them
// reaches a log or an error message.
func (p *OAuth1Provider) Secrets() []string {
	out := []string{p.cfg.ConsumerSecret}
	p.mu.Lock()
	defer p.mu.Unlock()
	for t, rt := range p.pending {
		out = append(out, t, rt.secret, rt.verifier)
	}
	for t, s := range p.access {
		out = append(out, t, s)
	}
	for _, r := range p.requests {
		for _, k := range []string{"oauth_nonce", "oauth_signature", "oauth_verifier", "oauth_token"} {
			if v := r.OAuth[k]; v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// IssueToken mints an access token and secret that the API accepts, for
// tests that need a logged-in user without a dance.
func (p *OAuth1Provider) IssueToken() (token, secret string) {
	token, secret = "at-"+random(), "ats-"+random()
	p.mu.Lock()
	p.access[token] = secret
	p.mu.Unlock()
	return token, secret
}

// OAuth1Config returns a generic blueprint configuration named name that
// points at this provider, with its consumer key and secret (HMAC-SHA1).
// Set SignatureMethod and RSAKey for a provider made with RSAPublicKey.
func (p *OAuth1Provider) OAuth1Config(name string) dance.OAuth1Config {
	return dance.OAuth1Config{
		Name:            name,
		ClientKey:       p.cfg.ConsumerKey,
		ClientSecret:    p.cfg.ConsumerSecret,
		RequestTokenURL: "/oauth/request_token",
		AuthURL:         "/oauth/authorize",
		AccessTokenURL:  "/oauth/access_token",
		Options:         dance.Options{BaseURL: p.URL + "/"},
	}
}

func endpointOf(path string) OAuth1Endpoint {
	switch path {
	case "/oauth/request_token", "/plugins/servlet/oauth/request-token":
		return OAuth1RequestToken
	case "/oauth/authorize", "/plugins/servlet/oauth/authorize":
		return OAuth1Authorize
	case "/oauth/access_token", "/plugins/servlet/oauth/access-token":
		return OAuth1AccessToken
	}
	return OAuth1API
}

// ServeHTTP implements http.Handler.
func (p *OAuth1Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := OAuth1Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if isForm(r.Header.Get("Content-Type")) {
		rec.Form, _ = url.ParseQuery(string(body))
	}
	ep := endpointOf(r.URL.Path)
	defer func() {
		p.mu.Lock()
		p.requests = append(p.requests, rec)
		p.mu.Unlock()
	}()

	p.mu.Lock()
	f, failing := p.failures[ep]
	delay := p.slow[ep]
	p.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			rec.Problem = "client_gone"
			return
		}
	}
	if failing {
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		w.WriteHeader(f.status)
		io.WriteString(w, f.body)
		return
	}
	if ep == OAuth1Authorize {
		p.authorize(w, r, rec.Form)
		return
	}
	var err error
	rec.OAuth, err = parseOAuthHeader(r.Header.Get("Authorization"))
	if err != nil {
		rec.Problem = "parameter_absent"
		oauthProblem(w, rec.Problem, err.Error())
		return
	}
	switch {
	case ep == OAuth1RequestToken && r.Method == http.MethodPost:
		rec.Problem = p.requestToken(w, r, rec)
	case ep == OAuth1AccessToken && r.Method == http.MethodPost:
		rec.Problem = p.accessToken(w, r, rec)
	case ep == OAuth1API:
		rec.Problem = p.api(w, r, rec)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rec.Verified = rec.Problem == ""
}

func (p *OAuth1Provider) requestToken(w http.ResponseWriter, r *http.Request, rec OAuth1Request) string {
	if problem := p.verify(r, rec, ""); problem != "" {
		oauthProblem(w, problem, "")
		return problem
	}
	cb := rec.OAuth["oauth_callback"]
	if u, err := url.Parse(cb); err != nil || !u.IsAbs() {
		oauthProblem(w, "parameter_absent", "oauth_callback must be an absolute URL")
		return "parameter_absent"
	}
	tok, secret := "rt-"+random(), "rts-"+random()
	p.mu.Lock()
	p.pending[tok] = &requestToken{secret: secret, callback: cb}
	p.mu.Unlock()
	writeForm(w, url.Values{"oauth_token": {tok}, "oauth_token_secret": {secret}, "oauth_callback_confirmed": {"true"}})
	return ""
}

// authorize is the authorization page: a consent page (with Consent),
// the decision posted from it, or an immediate answer.
func (p *OAuth1Provider) authorize(w http.ResponseWriter, r *http.Request, form url.Values) {
	tok := r.URL.Query().Get("oauth_token")
	decided := r.Method == http.MethodPost
	if decided {
		tok = form.Get("oauth_token")
	}
	p.mu.Lock()
	rt := p.pending[tok]
	deny := p.deny || (decided && form.Get("decision") != "authorize")
	p.mu.Unlock()
	switch {
	case rt == nil:
		http.Error(w, "unknown request token", http.StatusBadRequest)
		return
	case decided && !p.cfg.Consent, !decided && r.Method != http.MethodGet:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	case p.cfg.Consent && !decided:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = oauth1ConsentPage.Execute(w, map[string]string{"Action": path.Base(r.URL.Path), "Token": tok})
		return
	case deny:
		http.Redirect(w, r, callbackURL(rt.callback, url.Values{"denied": {tok}}), http.StatusFound)
		return
	}
	p.mu.Lock()
	rt.verifier = "v-" + random()
	verifier := rt.verifier
	p.mu.Unlock()
	http.Redirect(w, r, callbackURL(rt.callback, url.Values{"oauth_token": {tok}, "oauth_verifier": {verifier}}), http.StatusFound)
}

var oauth1ConsentPage = template.Must(template.New("consent1").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Fake OAuth 1 provider: authorize</title>
<style>body{font-family:sans-serif;max-width:30em;margin:4em auto}button{font-size:1.1em;margin-right:1em}</style>
</head><body>
<h1>Authorize this app?</h1>
<p>An app wants to use your account.</p>
<p>This is dance's fake OAuth 1 provider: nothing leaves this machine.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="oauth_token" value="{{.Token}}">
<button name="decision" value="authorize" id="authorize">Authorize</button>
<button name="decision" value="deny" id="deny">Deny</button>
</form></body></html>`))

func (p *OAuth1Provider) accessToken(w http.ResponseWriter, r *http.Request, rec OAuth1Request) string {
	tok := rec.OAuth["oauth_token"]
	p.mu.Lock()
	rt := p.pending[tok]
	p.mu.Unlock()
	if rt == nil {
		oauthProblem(w, "token_rejected", "")
		return "token_rejected"
	}
	if problem := p.verify(r, rec, rt.secret); problem != "" {
		oauthProblem(w, problem, "")
		return problem
	}
	p.mu.Lock()
	ok := !rt.used && rt.verifier != "" && subtle.ConstantTimeCompare([]byte(rec.OAuth["oauth_verifier"]), []byte(rt.verifier)) == 1
	if ok {
		rt.used = true
	}
	p.mu.Unlock()
	if !ok {
		oauthProblem(w, "verifier_invalid", "")
		return "verifier_invalid"
	}
	at, secret := p.IssueToken()
	v := url.Values{"oauth_token": {at}, "oauth_token_secret": {secret}}
	for k, x := range p.cfg.Extra {
		v.Set(k, x)
	}
	writeForm(w, v)
	return ""
}

func (p *OAuth1Provider) api(w http.ResponseWriter, r *http.Request, rec OAuth1Request) string {
	p.mu.Lock()
	secret, ok := p.access[rec.OAuth["oauth_token"]]
	p.mu.Unlock()
	if !ok {
		oauthProblem(w, "token_rejected", "")
		return "token_rejected"
	}
	if problem := p.verify(r, rec, secret); problem != "" {
		oauthProblem(w, problem, "")
		return problem
	}
	switch r.URL.Path {
	case "/user", "/1.1/account/verify_credentials.json", "/rest/api/2/myself":
		writeJSON(w, 200, p.cfg.User)
	case "/echo":
		writeJSON(w, 200, map[string]any{
			"method": r.Method, "query": rec.Query, "form": rec.Form,
			"content_type": r.Header.Get("Content-Type"),
		})
	default:
		if v, ok := p.cfg.Paths[r.URL.Path]; ok {
			writeJSON(w, 200, v)
			return ""
		}
		http.NotFound(w, r)
	}
	return ""
}

func isForm(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/x-www-form-urlencoded"
}

func oauthProblem(w http.ResponseWriter, problem, advice string) {
	v := url.Values{"oauth_problem": {problem}}
	if advice != "" {
		v.Set("oauth_problem_advice", advice)
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	w.WriteHeader(http.StatusUnauthorized)
	io.WriteString(w, v.Encode())
}

func writeForm(w http.ResponseWriter, v url.Values) {
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	io.WriteString(w, v.Encode())
}
