package dance

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/dghubble/oauth1"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// OAuth 1 signature methods and types, for [OAuth1Config].
const (
	// SignatureHMACSHA1 signs with HMAC-SHA1, keyed by the client secret and
	// the token secret. It is the default.
	SignatureHMACSHA1 = "HMAC-SHA1"
	// SignatureRSASHA1 signs with RSA-SHA1 and the client's private key
	// (JIRA's application links use it).
	SignatureRSASHA1 = "RSA-SHA1"
	// SignatureTypeAuthHeader sends the OAuth parameters in the
	// Authorization header: the only signature type dance supports.
	SignatureTypeAuthHeader = "AUTH_HEADER"
)

// StageRequestToken is the OAuth 1 login step that fetches a request token.
const StageRequestToken Stage = "request_token"

var (
	// ErrRequestToken means the request-token endpoint failed: an error
	// status, a body without a token, or a timeout.
	ErrRequestToken = errors.New("request token failed")
	// ErrRequestTokenMismatch means the callback's oauth_token is not the
	// request token that this session started with. It matches
	// [ErrStateMismatch] with errors.Is.
	ErrRequestTokenMismatch = fmt.Errorf("%w: oauth_token is not the request token this session started", ErrStateMismatch)

	errAccessToken = fmt.Errorf("%w: the access-token request failed", ErrTokenExchange)
)

// OAuth1Config configures a generic OAuth 1 blueprint: the Go form of
// Flask-Dance's OAuth1ConsumerBlueprint. It is built on
// github.com/dghubble/oauth1.
type OAuth1Config struct {
	// Name is the blueprint's name (required): its context key, route
	// segment and storage key.
	Name string
	// ClientKey is the OAuth consumer key. When empty it is read from the
	// environment variable ClientKeyEnv. Flask-Dance: client_key.
	ClientKey string
	// ClientSecret is the OAuth consumer secret, used by HMAC-SHA1. When
	// empty it is read from ClientSecretEnv. Flask-Dance: client_secret.
	ClientSecret string
	// ClientKeyEnv names the environment variable for ClientKey. Default
	// "{NAME}_OAUTH_CLIENT_KEY", for example TWITTER_OAUTH_CLIENT_KEY.
	ClientKeyEnv string
	// ClientSecretEnv names the environment variable for ClientSecret.
	// Default "{NAME}_OAUTH_CLIENT_SECRET".
	ClientSecretEnv string
	// SignatureMethod is [SignatureHMACSHA1] (the default) or
	// [SignatureRSASHA1]. Flask-Dance: signature_method.
	SignatureMethod string
	// SignatureType is where the signature goes; only
	// [SignatureTypeAuthHeader] (the default) is supported. Flask-Dance:
	// signature_type.
	SignatureType string
	// RSAKey is the PEM-encoded RSA private key for RSA-SHA1 (PKCS #1 or
	// PKCS #8), given either as the PEM text itself or as the path of a
	// file that holds it. When empty it is read from RSAKeyEnv.
	// Flask-Dance: rsa_key.
	RSAKey string
	// RSAKeyEnv names the environment variable for RSAKey. Default
	// "{NAME}_OAUTH_RSA_KEY".
	RSAKeyEnv string
	// RequestTokenURL is the provider's request-token (temporary
	// credentials) endpoint, absolute or relative to BaseURL (required).
	// Flask-Dance: request_token_url.
	RequestTokenURL string
	// AuthURL is the provider's authorization page, absolute or relative to
	// BaseURL (required). Flask-Dance: authorization_url.
	AuthURL string
	// AccessTokenURL is the provider's access-token endpoint, absolute or
	// relative to BaseURL (required). Flask-Dance: access_token_url.
	AccessTokenURL string
	// DefaultHeader is set on every API call that does not already have the
	// header, before the call is signed. JIRA's preset sets Content-Type:
	// application/json, the Go form of Flask-Dance's JsonOAuth1Session.
	// Unlike [Options.Header], it never overrides the caller's value.
	DefaultHeader http.Header

	// Options are the settings that every blueprint has.
	Options
}

// oauth1Flow is the OAuth 1 protocol of a blueprint.
type oauth1Flow struct {
	cfg           oauth1.Config // CallbackURL and HTTPClient are set per request
	defaultHeader http.Header
}

// NewOAuth1 builds a generic OAuth 1 blueprint. It fails when the
// configuration is incomplete or invalid (including an unreadable or
// invalid RSA key), never later at request time.
func NewOAuth1(cfg OAuth1Config) (*Blueprint, error) {
	f := &oauth1Flow{defaultHeader: cfg.DefaultHeader.Clone()}
	bp, err := newBlueprint(cfg.Name, cfg.Options, f)
	if err != nil {
		return nil, err
	}
	env := EnvName(cfg.Name)
	keyEnv := or(cfg.ClientKeyEnv, env+"_OAUTH_CLIENT_KEY")
	secretEnv := or(cfg.ClientSecretEnv, env+"_OAUTH_CLIENT_SECRET")
	f.cfg.ConsumerKey = fromEnv(cfg.ClientKey, keyEnv)
	if f.cfg.ConsumerKey == "" {
		return nil, fmt.Errorf("dance: %s: no client key: set ClientKey or the environment variable %s", cfg.Name, keyEnv)
	}
	switch cfg.SignatureType {
	case "", SignatureTypeAuthHeader:
	default:
		return nil, fmt.Errorf("dance: %s: signature type %q is not supported; use %s", cfg.Name, cfg.SignatureType, SignatureTypeAuthHeader)
	}
	switch cfg.SignatureMethod {
	case "", SignatureHMACSHA1:
		f.cfg.ConsumerSecret = fromEnv(cfg.ClientSecret, secretEnv)
		f.cfg.Signer = &oauth1.HMACSigner{ConsumerSecret: f.cfg.ConsumerSecret}
	case SignatureRSASHA1:
		rsaEnv := or(cfg.RSAKeyEnv, env+"_OAUTH_RSA_KEY")
		text := fromEnv(cfg.RSAKey, rsaEnv)
		if text == "" {
			return nil, fmt.Errorf("dance: %s: RSA-SHA1 needs a key: set RSAKey or the environment variable %s", cfg.Name, rsaEnv)
		}
		key, err := LoadRSAKey(text)
		if err != nil {
			return nil, fmt.Errorf("dance: %s: RSAKey: %w", cfg.Name, err)
		}
		f.cfg.Signer = &oauth1.RSASigner{PrivateKey: key}
	default:
		return nil, fmt.Errorf("dance: %s: signature method %q is not supported; use %s or %s", cfg.Name, cfg.SignatureMethod, SignatureHMACSHA1, SignatureRSASHA1)
	}
	// Set now, so that copies of cfg are never written to per request.
	f.cfg.Noncer = oauth1.Base64Noncer{}
	if cfg.RequestTokenURL == "" || cfg.AuthURL == "" || cfg.AccessTokenURL == "" {
		return nil, fmt.Errorf("dance: %s: RequestTokenURL, AuthURL and AccessTokenURL are required", cfg.Name)
	}
	for _, ep := range []struct {
		dst *string
		ref string
	}{
		{&f.cfg.Endpoint.RequestTokenURL, cfg.RequestTokenURL},
		{&f.cfg.Endpoint.AuthorizeURL, cfg.AuthURL},
		{&f.cfg.Endpoint.AccessTokenURL, cfg.AccessTokenURL},
	} {
		u, err := bp.resolve(ep.ref)
		if err != nil {
			return nil, err
		}
		*ep.dst = u.String()
	}
	return bp, nil
}

// OAuth1Config returns a copy of the blueprint's dghubble/oauth1
// configuration, with CallbackURL empty (it is computed per request). It is
// nil for an OAuth 2 blueprint.
func (bp *Blueprint) OAuth1Config() *oauth1.Config {
	f, ok := bp.proto.(*oauth1Flow)
	if !ok {
		return nil
	}
	cfg := f.cfg
	return &cfg
}

func (f *oauth1Flow) login(bp *Blueprint, c *gin.Context) {
	sess, ok := bp.sessionOrFail(c, StageLogin)
	if !ok {
		return
	}
	fl := &flow{
		State:   newState(), // the flow's own key in the replay cache
		Next:    SafeNext(c.Query("next")),
		Expires: now().Add(StateLifetime).Unix(),
	}
	// 1. A request token, with oauth_callback set to our callback.
	cfg := f.cfg
	cfg.CallbackURL = bp.absoluteURL(c, bp.authorizedURL)
	_, e := bp.oauth1Call(c, &cfg, StageRequestToken, func() (err error) {
		fl.Token, fl.Secret, err = cfg.RequestToken()
		return err
	})
	if e != nil {
		bp.failRedirect(c, fl, e)
		return
	}
	authURL, err := cfg.AuthorizationURL(fl.Token)
	if err != nil { // the URL was checked by NewOAuth1
		bp.fail(c, 500, &Error{Provider: bp.name, Stage: StageLogin, Err: err})
		return
	}
	// 2. Its secret stays in the session, single-use, for 10 minutes.
	if err := bp.saveFlow(sess, fl); err != nil {
		bp.fail(c, 500, &Error{Provider: bp.name, Stage: StageLogin, Err: err})
		return
	}
	// 3. Hooks, then off to the provider.
	bp.hooks.runBeforeLogin(c, bp, authURL.String())
	if answered(c) {
		return
	}
	if err := sess.Save(); err != nil {
		bp.fail(c, 500, &Error{Provider: bp.name, Stage: StageLogin, Err: storage.SaveError(err)})
		return
	}
	bp.log.DebugContext(c.Request.Context(), "dance: redirecting to provider", "provider", bp.name)
	c.Redirect(http.StatusFound, authURL.String())
}

func (f *oauth1Flow) authorized(bp *Blueprint, c *gin.Context) {
	sess, ok := bp.sessionOrFail(c, StageState)
	if !ok {
		return
	}
	q := c.Request.URL.Query()
	fl := bp.loadFlow(sess)

	// 1. The user declined (Twitter sends ?denied=<request token>).
	if q.Has("denied") {
		var checkErr error = ErrRequestTokenMismatch
		if fl != nil {
			checkErr = bp.checkRequestToken(fl, q.Get("denied"))
		}
		bp.declined(c, sess, fl, checkErr, &Error{Provider: bp.name, Stage: StageAuthorize, Err: ErrDenied, Code: "access_denied"})
		return
	}
	// 2. The oauth_token must be the request token this session started,
	// unused and fresh.
	if fl == nil {
		bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: ErrRequestTokenMismatch})
		return
	}
	if !bp.admit(c, sess, fl, bp.checkRequestToken(fl, q.Get("oauth_token"))) {
		return
	}
	verifier := q.Get("oauth_verifier")
	if verifier == "" {
		bp.fail(c, http.StatusBadRequest, &Error{Provider: bp.name, Stage: StageRequest, Err: fmt.Errorf("%w \"oauth_verifier\"", ErrMissingParameter)})
		return
	}
	// 3. The access token, signed with the request token and its secret.
	cfg := f.cfg
	resp, e := bp.oauth1Call(c, &cfg, StageToken, func() error {
		_, _, err := cfg.AccessToken(fl.Token, fl.Secret, verifier)
		return err
	})
	if e != nil {
		bp.failRedirect(c, fl, e)
		return
	}
	tok, err := oauth1Token(resp.body)
	if err != nil {
		bp.failRedirect(c, fl, &Error{Provider: bp.name, Stage: StageToken, Err: fmt.Errorf("%w: %v", errAccessToken, err)})
		return
	}
	bp.finish(c, fl, tok)
}

// checkRequestToken verifies that got is the request token of f, unused
// and unexpired, in constant time. It returns one of
// ErrRequestTokenMismatch, ErrStateUsed and ErrStateExpired, or nil.
func (bp *Blueprint) checkRequestToken(f *flow, got string) error {
	if f.Used || bp.replay.seen(f.State) {
		return ErrStateUsed
	}
	if f.Token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(f.Token)) != 1 {
		return ErrRequestTokenMismatch
	}
	if now().Unix() > f.Expires {
		return ErrStateExpired
	}
	return nil
}

// oauth1Call runs one call of dghubble/oauth1 to a token endpoint, bound to
// the request's context and the blueprint's timeout, and keeps the
// response so that errors can name its status and extra fields are kept.
func (bp *Blueprint) oauth1Call(c *gin.Context, cfg *oauth1.Config, stage Stage, call func() error) (*captureTransport, *Error) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), bp.timeout)
	defer cancel()
	capture := &captureTransport{base: contextTransport{ctx: ctx, base: transportOf(bp.httpClient)}}
	cfg.HTTPClient = &http.Client{Transport: capture, Timeout: bp.httpClient.Timeout, CheckRedirect: bp.httpClient.CheckRedirect}
	err := call()
	if err == nil {
		return capture, nil
	}
	return capture, oauth1Error(bp.name, stage, capture, err)
}

// oauth1Error describes a failed token-endpoint call: the step, the HTTP
// status and the start of the provider's error body, but never the body of
// a success (it holds the token secret), nor the library's own message when
// it quotes that body.
func oauth1Error(name string, stage Stage, capture *captureTransport, err error) *Error {
	e := &Error{Provider: name, Stage: stage, Status: capture.status}
	step := ErrRequestToken
	if stage == StageToken {
		step = errAccessToken
	}
	switch {
	case capture.status != 0 && (capture.status < 200 || capture.status > 299):
		e.Err = step
		e.Description = shortBody(capture.body)
		if v, err := url.ParseQuery(strings.TrimSpace(string(capture.body))); err == nil {
			e.Code = v.Get("oauth_problem")
		}
	case capture.status != 0 && capture.status != http.StatusOK && capture.status != http.StatusCreated:
		e.Err = fmt.Errorf("%w: unexpected status", step)
	case isTimeout(err):
		e.Err = fmt.Errorf("%w: %w", step, context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		e.Err = fmt.Errorf("%w: %w", step, context.Canceled)
	case capture.status != 0:
		// A 200 that dghubble/oauth1 could not use; its message names
		// what is missing and quotes nothing.
		e.Err = fmt.Errorf("%w: %s", step, strings.TrimPrefix(err.Error(), "oauth1: "))
	default:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		e.Err = fmt.Errorf("%w: %v", step, err)
	}
	return e
}

// shortBody is the start of a provider's error body, printable and short,
// for an error message.
func shortBody(b []byte) string {
	const max = 200
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), "?"))
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// oauth1Token builds a Token from the access-token response, keeping every
// field (user_id, screen_name, …).
func oauth1Token(body []byte) (*Token, error) {
	vals, err := url.ParseQuery(strings.TrimSpace(string(body)))
	if err != nil {
		return nil, errors.New("the access-token response is not form-encoded")
	}
	m := make(map[string]any, len(vals))
	for k := range vals {
		m[k] = vals.Get(k)
	}
	tok, err := storage.FromMap(m, now())
	if err != nil {
		return nil, err
	}
	if tok.OAuthToken == "" || tok.OAuthTokenSecret == "" {
		return nil, errors.New("the access-token response has no oauth_token or oauth_token_secret")
	}
	return tok, nil
}

// contextTransport binds requests to ctx: dghubble/oauth1 builds its
// token-endpoint requests without a context.
type contextTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

func (t contextTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(req.WithContext(t.ctx))
}
