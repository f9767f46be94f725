package dance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
)

var errDeadline = context.DeadlineExceeded

// AuthStyle says how the client ID and secret reach the token endpoint.
type AuthStyle = oauth2.AuthStyle

// The auth styles. The default, [AuthStyleInHeader], is HTTP Basic auth,
// as requests-oauthlib (and so Flask-Dance) sends it; [AuthStyleInParams]
// puts client_id and client_secret in the form body, which is what
// Flask-Dance presets with include_client_id do.
const (
	AuthStyleInHeader = oauth2.AuthStyleInHeader
	AuthStyleInParams = oauth2.AuthStyleInParams
)

// OAuth2Config configures a generic OAuth 2 blueprint: the Go form of
// Flask-Dance's OAuth2ConsumerBlueprint.
type OAuth2Config struct {
	// Name is the blueprint's name (required): its context key, route
	// segment and storage key.
	Name string
	// ClientID is the OAuth client ID. When empty it is read from the
	// environment variable ClientIDEnv. Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the OAuth client secret. When empty it is read from
	// ClientSecretEnv. Flask-Dance: client_secret.
	ClientSecret string
	// ClientIDEnv names the environment variable for ClientID. Default
	// "{NAME}_OAUTH_CLIENT_ID", for example GITHUB_OAUTH_CLIENT_ID.
	ClientIDEnv string
	// ClientSecretEnv names the environment variable for ClientSecret.
	// Default "{NAME}_OAUTH_CLIENT_SECRET".
	ClientSecretEnv string
	// Scopes are requested from the provider. Flask-Dance: scope.
	Scopes []string
	// AuthURL is the provider's authorization endpoint, absolute or
	// relative to BaseURL (required). Flask-Dance: authorization_url.
	AuthURL string
	// AuthParams are added to the authorization URL's query. Flask-Dance:
	// authorization_url_params.
	AuthParams map[string]string
	// TokenURL is the provider's token endpoint, absolute or relative to
	// BaseURL (required). Flask-Dance: token_url.
	TokenURL string
	// TokenParams are added to the token request. Flask-Dance:
	// token_url_params.
	TokenParams map[string]string
	// AuthStyle says how client credentials reach the token endpoint.
	// Default [AuthStyleInHeader]. Flask-Dance: the session's
	// include_client_id (true is [AuthStyleInParams]).
	AuthStyle AuthStyle
	// RefreshURL is the endpoint used to refresh expired tokens, absolute
	// or relative to BaseURL; empty means the blueprint is not refreshable.
	// Flask-Dance: auto_refresh_url (presets set it where Flask-Dance does).
	RefreshURL string
	// RevokeURL is the provider's RFC 7009 token revocation endpoint,
	// absolute or relative to BaseURL, for [Blueprint.Revoke], for example
	// Google's https://oauth2.googleapis.com/revoke. Flask-Dance has no
	// such option; its docs (1.6.3) show a hand-written call instead.
	RevokeURL string
	// Revoke revokes a token at a provider whose revocation API is not RFC
	// 7009, for example [RevokeGitHubGrant]. It wins over RevokeURL. With
	// neither, [Blueprint.Revoke] returns [ErrRevocationUnsupported].
	Revoke RevokeFunc

	// Issuer is the OpenID Connect issuer, for example
	// "https://accounts.google.com". When it is set and the scope holds
	// "openid", every ID token is verified (signature with the keys at
	// JWKSURL, iss, aud holding the client ID, exp, and the nonce sent at
	// login), and a callback "iss" parameter (RFC 9207) must equal it.
	// For a multi-tenant issuer, "{tenantid}" in Issuer stands for the
	// token's "tid" claim (Azure AD v2.0 "common"). [NewOIDC] fills it in
	// from discovery. Flask-Dance verifies no ID tokens; this is new.
	Issuer string
	// JWKSURL is the provider's JSON Web Key Set, needed with Issuer.
	// [NewOIDC] fills it in from discovery.
	JWKSURL string
	// IDTokenCheck is an extra check of the verified ID token claims, for
	// example [RequireClaim]("hd", domain) for Google's hosted_domain. A
	// token it refuses is refused like a bad signature.
	IDTokenCheck ClaimCheck
	// RequireIssuerParam refuses a callback without an "iss" parameter,
	// for providers that promise one (RFC 9207's
	// authorization_response_iss_parameter_supported; [NewOIDC] sets it
	// from discovery).
	RequireIssuerParam bool

	// DisablePKCE turns PKCE off, for the rare provider that rejects it.
	// PKCE (S256) is on by default.
	DisablePKCE bool
	// Authorize adds the token to an API request. Default: the
	// "Authorization: Bearer <access token>" header. Presets with other
	// conventions (a query parameter, another scheme) set their own.
	Authorize func(req *http.Request, tok *Token) error

	// Options are the settings that every blueprint has.
	Options
}

// oauth2Flow is the OAuth 2 protocol of a blueprint.
type oauth2Flow struct {
	cfg         oauth2.Config // RedirectURL is filled in per request
	authParams  []oauth2.AuthCodeOption
	tokenParams []oauth2.AuthCodeOption
	pkce        bool
	refreshURL  string // absolute; empty when not refreshable
	authorizeFn func(req *http.Request, tok *Token) error
	revoke      RevokeFunc
	openid      bool        // the scope holds "openid": send a nonce
	oidc        *idVerifier // nil when ID tokens are not verified
}

// NewOAuth2 builds a generic OAuth 2 blueprint. It fails when the
// configuration is incomplete or invalid, never later at request time.
func NewOAuth2(cfg OAuth2Config) (*Blueprint, error) {
	f := &oauth2Flow{pkce: !cfg.DisablePKCE, authorizeFn: cfg.Authorize}
	bp, err := newBlueprint(cfg.Name, cfg.Options, f)
	if err != nil {
		return nil, err
	}
	env := EnvName(cfg.Name)
	idEnv := or(cfg.ClientIDEnv, env+"_OAUTH_CLIENT_ID")
	secretEnv := or(cfg.ClientSecretEnv, env+"_OAUTH_CLIENT_SECRET")
	f.cfg.ClientID = fromEnv(cfg.ClientID, idEnv)
	f.cfg.ClientSecret = fromEnv(cfg.ClientSecret, secretEnv)
	if f.cfg.ClientID == "" {
		return nil, fmt.Errorf("dance: %s: no client ID: set ClientID or the environment variable %s", cfg.Name, idEnv)
	}
	if cfg.AuthURL == "" || cfg.TokenURL == "" {
		return nil, fmt.Errorf("dance: %s: AuthURL and TokenURL are required", cfg.Name)
	}
	authURL, err := bp.resolve(cfg.AuthURL)
	if err != nil {
		return nil, err
	}
	tokenURL, err := bp.resolve(cfg.TokenURL)
	if err != nil {
		return nil, err
	}
	f.cfg.Endpoint = oauth2.Endpoint{AuthURL: authURL.String(), TokenURL: tokenURL.String(), AuthStyle: cfg.AuthStyle}
	if f.cfg.Endpoint.AuthStyle == oauth2.AuthStyleAutoDetect {
		// Auto-detection retries a failed exchange with the other style,
		// sending the code twice; be explicit instead.
		f.cfg.Endpoint.AuthStyle = AuthStyleInHeader
	}
	if cfg.RefreshURL != "" {
		u, err := bp.resolve(cfg.RefreshURL)
		if err != nil {
			return nil, err
		}
		f.refreshURL = u.String()
	}
	f.cfg.Scopes = append([]string(nil), cfg.Scopes...)
	f.openid = slices.Contains(f.cfg.Scopes, "openid")
	if f.revoke, err = revokeFunc(bp, cfg); err != nil {
		return nil, err
	}
	if cfg.Issuer != "" {
		if f.oidc, err = newIDVerifier(bp, cfg, f.cfg.ClientID); err != nil {
			return nil, err
		}
	}
	for _, k := range sortedKeys(cfg.AuthParams) {
		f.authParams = append(f.authParams, oauth2.SetAuthURLParam(k, cfg.AuthParams[k]))
	}
	for _, k := range sortedKeys(cfg.TokenParams) {
		f.tokenParams = append(f.tokenParams, oauth2.SetAuthURLParam(k, cfg.TokenParams[k]))
	}
	return bp, nil
}

// OAuth2Config returns a copy of the blueprint's x/oauth2 configuration,
// with RedirectURL empty (it is computed per request). It is nil for an
// OAuth 1 blueprint.
func (bp *Blueprint) OAuth2Config() *oauth2.Config {
	f, ok := bp.proto.(*oauth2Flow)
	if !ok {
		return nil
	}
	cfg := f.cfg
	cfg.Scopes = append([]string(nil), f.cfg.Scopes...)
	return &cfg
}

// RefreshURL returns the absolute refresh endpoint (Flask-Dance's
// auto_refresh_url), or "" when the blueprint is not refreshable.
func (bp *Blueprint) RefreshURL() string {
	if f, ok := bp.proto.(*oauth2Flow); ok {
		return f.refreshURL
	}
	return ""
}

func (f *oauth2Flow) login(bp *Blueprint, c *gin.Context) {
	sess, ok := bp.sessionOrFail(c, StageLogin)
	if !ok {
		return
	}
	fl := &flow{
		State:   newState(),
		Next:    SafeNext(c.Query("next")),
		Expires: now().Add(StateLifetime).Unix(),
	}
	cfg := f.cfg
	cfg.RedirectURL = bp.absoluteURL(c, bp.authorizedURL)
	opts := f.authParams
	if f.pkce {
		fl.Verifier = oauth2.GenerateVerifier()
		opts = append(opts[:len(opts):len(opts)], oauth2.S256ChallengeOption(fl.Verifier))
	}
	if f.openid {
		fl.Nonce = newState()
		opts = append(opts[:len(opts):len(opts)], oauth2.SetAuthURLParam("nonce", fl.Nonce))
	}
	authURL := cfg.AuthCodeURL(fl.State, opts...)
	if err := bp.saveFlow(sess, fl); err != nil {
		bp.fail(c, 500, &Error{Provider: bp.name, Stage: StageLogin, Err: err})
		return
	}
	bp.hooks.runBeforeLogin(c, bp, authURL)
	if answered(c) {
		return
	}
	if err := sess.Save(); err != nil { // whatever the hooks changed
		bp.fail(c, 500, &Error{Provider: bp.name, Stage: StageLogin, Err: storage.SaveError(err)})
		return
	}
	bp.log.DebugContext(c.Request.Context(), "dance: redirecting to provider", "provider", bp.name)
	c.Redirect(http.StatusFound, authURL)
}

func (f *oauth2Flow) authorized(bp *Blueprint, c *gin.Context) {
	sess, ok := bp.sessionOrFail(c, StageState)
	if !ok {
		return
	}
	q := c.Request.URL.Query()
	fl := bp.loadFlow(sess)

	// 1. The provider sent an error: nothing to fetch.
	if code := q.Get("error"); code != "" {
		var checkErr error = ErrStateMismatch
		if fl != nil {
			checkErr = bp.checkState(fl, q.Get("state"))
		}
		bp.declined(c, sess, fl, checkErr, &Error{
			Provider: bp.name, Stage: StageAuthorize, Err: ErrDenied,
			Code: code, Description: q.Get("error_description"), URI: q.Get("error_uri"),
		})
		return
	}
	// 2. No login started in this session: start one.
	if fl == nil {
		bp.log.DebugContext(c.Request.Context(), "dance: callback without a login in this session; redirecting to login", "provider", bp.name)
		c.Redirect(http.StatusFound, bp.loginURL)
		return
	}
	// 3. The state must be ours, unused and fresh.
	if !bp.admit(c, sess, fl, bp.checkState(fl, q.Get("state"))) {
		return
	}
	// 4. A verifier set up at login is required.
	if f.pkce && fl.Verifier == "" {
		bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: ErrVerifierMissing})
		return
	}
	if f.openid && fl.Nonce == "" {
		bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: ErrNonceMissing})
		return
	}
	// 5. RFC 9207: the answer must come from our issuer.
	if f.oidc != nil {
		if err := f.oidc.checkIssuerParam(q); err != nil {
			bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: err})
			return
		}
	}
	code := q.Get("code")
	if code == "" {
		bp.fail(c, http.StatusBadRequest, &Error{Provider: bp.name, Stage: StageRequest, Err: fmt.Errorf("%w \"code\"", ErrMissingParameter)})
		return
	}
	// 6. Exchange the code.
	tok, e := f.exchange(bp, c, code, fl.Verifier)
	if e != nil {
		status := http.StatusBadGateway
		if isTimeout(e.Err) {
			status = http.StatusGatewayTimeout
		}
		bp.fail(c, status, e)
		return
	}
	// 7. OpenID Connect: verify the ID token before anything sees it.
	if f.oidc != nil && f.openid {
		raw, _ := tok.Extra["id_token"].(string)
		ctx, cancel := context.WithTimeout(c.Request.Context(), bp.timeout)
		claims, e := f.oidc.verify(ctx, bp, raw, fl.Nonce)
		cancel()
		if e != nil {
			bp.fail(c, http.StatusForbidden, e)
			return
		}
		c.Set(bp.claimsKey(), claims)
	}
	bp.finish(c, fl, tok)
}

// finish runs the authorized hooks, stores the token unless vetoed, and
// redirects: the common end of the OAuth 1 and OAuth 2 callbacks.
func (bp *Blueprint) finish(c *gin.Context, fl *flow, tok *Token) {
	// As Flask-Dance's blueprint.session during oauth_authorized, the
	// request's client already uses the new token, so hooks can call the
	// provider's API before (or instead of) storing it.
	bp.Client(c).use(tok)
	if bp.hooks.hasAuthorized() {
		// A hook may answer the request itself: the used state must be
		// in the session before it does.
		bp.saveSession(c)
	}
	store, err := bp.hooks.runAuthorized(c, bp, tok)
	if err != nil {
		bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageHook, Err: err})
		return
	}
	if answered(c) {
		return
	}
	if store {
		if err := bp.storage.Set(c, bp.name, tok); err != nil {
			bp.failRedirect(c, fl, &Error{Provider: bp.name, Stage: StageStore, Err: err})
			return
		}
	}
	bp.saveSession(c) // a no-op when the token's own save (session storage) carried it
	bp.log.DebugContext(c.Request.Context(), "dance: authorized", "provider", bp.name, "stored", store)
	c.Redirect(http.StatusFound, bp.nextURL(fl))
}

// exchange trades the code for a token through x/oauth2, keeping every
// field of the provider's response.
func (f *oauth2Flow) exchange(bp *Blueprint, c *gin.Context, code, verifier string) (*Token, *Error) {
	cfg := f.cfg
	cfg.RedirectURL = bp.absoluteURL(c, bp.authorizedURL)
	opts := f.tokenParams
	if verifier != "" {
		opts = append(opts[:len(opts):len(opts)], oauth2.VerifierOption(verifier))
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), bp.timeout)
	defer cancel()
	ctx, capture := bp.capturing(ctx)
	otok, err := cfg.Exchange(ctx, code, opts...)
	if err != nil {
		return nil, exchangeError(bp.name, err)
	}
	tok, err := tokenFromResponse(capture.body, capture.contentType, otok)
	if err != nil {
		return nil, &Error{Provider: bp.name, Stage: StageToken, Err: fmt.Errorf("%w: %v", ErrTokenExchange, err)}
	}
	return tok, nil
}

// exchangeError turns an x/oauth2 error from the code exchange into an
// *Error; see tokenEndpointError.
func exchangeError(name string, err error) *Error {
	return tokenEndpointError(name, StageToken, ErrTokenExchange, err)
}

// tokenEndpointError turns an x/oauth2 error into an *Error of the given
// stage that wraps sentinel, without the response body or URL details that
// might carry sensitive values.
func tokenEndpointError(name string, stage Stage, sentinel, err error) *Error {
	e := &Error{Provider: name, Stage: stage}
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re):
		e.Code, e.Description, e.URI = re.ErrorCode, re.ErrorDescription, re.ErrorURI
		if re.Response != nil {
			e.Status = re.Response.StatusCode
		}
		e.Err = sentinel
		if e.Code == "" && e.Status != 0 {
			e.Err = fmt.Errorf("%w: the token endpoint answered %s", sentinel, http.StatusText(e.Status))
		}
	case isTimeout(err):
		e.Err = fmt.Errorf("%w: %w", sentinel, context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		e.Err = fmt.Errorf("%w: %w", sentinel, context.Canceled)
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Err = fmt.Errorf("%w: the token endpoint's answer was cut short: %w", sentinel, io.ErrUnexpectedEOF)
	default:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL, which may carry token_url_params
		}
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "oauth2: ")
		e.Err = fmt.Errorf("%w: %s", sentinel, msg)
	}
	return e
}

// wrapf wraps sentinel with the text of err, without wrapping err itself.
func wrapf(sentinel, err error) error { return fmt.Errorf("%w: %v", sentinel, err) }

// tokenFromResponse builds a Token from the raw token response, falling back
// to x/oauth2's view for what it parsed (expiry, type).
func tokenFromResponse(body []byte, contentType string, otok *oauth2.Token) (*Token, error) {
	tok := new(Token)
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/x-www-form-urlencoded" || mt == "text/plain" {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, errors.New("the token response is not form-encoded")
		}
		m := make(map[string]any, len(vals))
		for k := range vals {
			m[k] = vals.Get(k)
		}
		if tok, err = storage.FromMap(m, now()); err != nil {
			return nil, err
		}
	} else if err := tok.UnmarshalJSON(body); err != nil {
		// The token JSON decoder: the same rules as for a stored token,
		// without a map round trip.
		return nil, err
	}
	tok.AccessToken = otok.AccessToken
	tok.TokenType = otok.TokenType
	tok.RefreshToken = otok.RefreshToken
	if !otok.Expiry.IsZero() {
		tok.ExpiresAt = otok.Expiry.Truncate(time.Microsecond) // what the JSON keeps
	}
	return tok, nil
}

// captureTransport keeps a copy of the token response body, so that fields
// x/oauth2 does not expose (id_token, scope, user_id, …) are kept.
type captureTransport struct {
	base        http.RoundTripper
	status      int
	body        []byte
	contentType string
}

// maxTokenResponse matches x/oauth2's own limit.
const maxTokenResponse = 1 << 20

func (t *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	t.status, t.body, t.contentType = resp.StatusCode, body, resp.Header.Get("Content-Type")
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// capturing returns ctx carrying, for x/oauth2, an HTTP client on the
// blueprint's transport that keeps the token endpoint's answer in the
// returned captureTransport.
func (bp *Blueprint) capturing(ctx context.Context) (context.Context, *captureTransport) {
	capture := &captureTransport{base: transportOf(bp.httpClient)}
	return context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: capture, Timeout: bp.httpClient.Timeout}), capture
}

func transportOf(hc *http.Client) http.RoundTripper {
	if hc.Transport != nil {
		return hc.Transport
	}
	return http.DefaultTransport
}

// authorize adds the bearer token (or the preset's own scheme).
func (f *oauth2Flow) authorize(req *http.Request, tok *Token) error {
	if f.authorizeFn != nil {
		return f.authorizeFn(req, tok)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return nil
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
