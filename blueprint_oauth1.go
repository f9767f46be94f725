package dance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/dghubble/oauth1"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/oauth1x"
	"github.com/gin-dance/dance/internal/oauth2x"
	"github.com/gin-gonic/gin"
)

var (
	// errRequestToken means the request-token endpoint failed: an error
	// status, a body without a token, or a timeout. The login answers it
	// by sending the user on after the error hook.
	errRequestToken = fmt.Errorf("%w: the request-token request failed", errTokenExchange)
	// errRequestTokenMismatch means the callback's oauth_token is not the
	// request token that this session started with.
	errRequestTokenMismatch = fmt.Errorf("%w: oauth_token is not the request token this session started", errStateMismatch)
	// errAccessToken means the access-token endpoint failed.
	errAccessToken = fmt.Errorf("%w: the access-token request failed", errTokenExchange)
)

// OAuth1Config configures a generic OAuth 1 blueprint, built on
// github.com/dghubble/oauth1.
type OAuth1Config struct {
	// Name is the blueprint's name (required): its context key, route
	// segment and storage key.
	Name string
	// ClientKey is the OAuth consumer key. When empty it is read from the
	// environment variable {NAME}_OAUTH_CLIENT_KEY, for example
	// TWITTER_OAUTH_CLIENT_KEY.
	ClientKey string
	// ClientSecret is the OAuth consumer secret, used by HMAC-SHA1. When
	// empty it is read from {NAME}_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// SignatureMethod is "HMAC-SHA1" (the default), keyed by the client
	// secret and the token secret, or "RSA-SHA1", with the client's
	// private key RSAKey (JIRA's application links use it). The signature
	// goes in the Authorization header.
	SignatureMethod string
	// RSAKey is the PEM-encoded RSA private key for RSA-SHA1 (PKCS #1 or
	// PKCS #8), given either as the PEM text itself or as the path of a
	// file that holds it. When empty it is read from
	// {NAME}_OAUTH_RSA_KEY.
	RSAKey string
	// RequestTokenURL is the provider's request-token (temporary
	// credentials) endpoint, absolute or relative to BaseURL (required).
	RequestTokenURL string
	// AuthURL is the provider's authorization page, absolute or relative to
	// BaseURL (required).
	AuthURL string
	// AccessTokenURL is the provider's access-token endpoint, absolute or
	// relative to BaseURL (required).
	AccessTokenURL string

	// Options are the settings that every blueprint has.
	Options
}

// oauth1Flow is the OAuth 1 protocol of a blueprint.
type oauth1Flow struct {
	cfg oauth1.Config // CallbackURL and HTTPClient are set per request
}

// NewOAuth1 builds a generic OAuth 1 blueprint. It fails when the
// configuration is incomplete or invalid (including an unreadable or
// invalid RSA key), never later at request time.
func NewOAuth1(cfg OAuth1Config) (*Blueprint, error) {
	f := &oauth1Flow{}
	bp, err := newBlueprint(cfg.Name, cfg.Options, f)
	if err != nil {
		return nil, err
	}
	var keyEnv string
	f.cfg.ConsumerKey, keyEnv = credential(cfg.Name, cfg.ClientKey, "CLIENT_KEY")
	if f.cfg.ConsumerKey == "" {
		return nil, fmt.Errorf("dance: %s: no client key: set ClientKey or the environment variable %s", cfg.Name, keyEnv)
	}
	if err := f.signer(cfg); err != nil {
		return nil, err
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

// signer sets up the signature method.
func (f *oauth1Flow) signer(cfg OAuth1Config) error {
	switch cfg.SignatureMethod {
	case "", "HMAC-SHA1":
		f.cfg.ConsumerSecret, _ = credential(cfg.Name, cfg.ClientSecret, "CLIENT_SECRET")
		f.cfg.Signer = &oauth1.HMACSigner{ConsumerSecret: f.cfg.ConsumerSecret}
	case "RSA-SHA1":
		text, rsaEnv := credential(cfg.Name, cfg.RSAKey, "RSA_KEY")
		if text == "" {
			return fmt.Errorf("dance: %s: RSA-SHA1 needs a key: set RSAKey or the environment variable %s", cfg.Name, rsaEnv)
		}
		key, err := oauth1x.LoadRSAKey(text)
		if err != nil {
			return fmt.Errorf("dance: %s: RSAKey: %w", cfg.Name, err)
		}
		f.cfg.Signer = &oauth1.RSASigner{PrivateKey: key}
	default:
		return fmt.Errorf("dance: %s: signature method %q is not supported; use HMAC-SHA1 or RSA-SHA1", cfg.Name, cfg.SignatureMethod)
	}
	return nil
}

// begin fetches a request token, with oauth_callback set to our callback,
// and keeps it and its secret in the flow: the request token is the
// flow's state, single-use for 10 minutes.
func (f *oauth1Flow) begin(c *gin.Context, bp *Blueprint, fl *flowstate.Record) (string, *failure) {
	cfg := f.cfg
	cfg.CallbackURL = bp.absoluteURL(c, bp.AuthorizedURL())
	e := f.call(c, bp, &cfg, StageLogin, errRequestToken, func() (err error) {
		fl.State, fl.Secret, err = cfg.RequestToken()
		return err
	}, nil)
	if e != nil {
		return "", &failure{err: e}
	}
	authURL, err := cfg.AuthorizationURL(fl.State)
	if err != nil { // the URL was checked by NewOAuth1
		return "", &failure{http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageLogin, Err: err}}
	}
	return authURL.String(), nil
}

// answer reads the request token: oauth_token, or Twitter's
// ?denied=<request token> when the user declined.
func (f *oauth1Flow) answer(q url.Values) callback {
	if q.Has("denied") {
		return callback{proof: q.Get("denied"), mismatch: errRequestTokenMismatch,
			declined: &Error{Stage: StageAuthorize, Err: ErrDenied, Code: "access_denied"}}
	}
	return callback{proof: q.Get("oauth_token"), mismatch: errRequestTokenMismatch}
}

// complete fetches the access token, signed with the request token and
// its secret.
func (f *oauth1Flow) complete(c *gin.Context, bp *Blueprint, fl *flowstate.Record, q url.Values) (*Token, *failure) {
	verifier := q.Get("oauth_verifier")
	if verifier == "" {
		return nil, &failure{http.StatusBadRequest, &Error{Provider: bp.name, Stage: StageState, Err: fmt.Errorf("%w \"oauth_verifier\"", errMissingParameter)}}
	}
	cfg := f.cfg
	var tok *Token
	e := f.call(c, bp, &cfg, StageToken, errAccessToken, func() error {
		_, _, err := cfg.AccessToken(fl.State, fl.Secret, verifier)
		return err
	}, func(body []byte) (err error) {
		tok, err = oauth2x.TokenFromForm(body)
		if err == nil && (tok.OAuthToken == "" || tok.OAuthTokenSecret == "") {
			err = errors.New("the access-token response has no oauth_token or oauth_token_secret")
		}
		return err
	})
	if e != nil {
		return nil, &failure{err: e}
	}
	return tok, nil
}

// call runs one call of dghubble/oauth1 to a token endpoint, bound to the
// request's context and the blueprint's timeout, then read, when not nil,
// reads the raw answer (which holds fields the library drops).
func (f *oauth1Flow) call(c *gin.Context, bp *Blueprint, cfg *oauth1.Config, stage Stage, sentinel error, do func() error, read func([]byte) error) *Error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), bp.timeout)
	defer cancel()
	capture := oauth2x.NewCapture(ctx, bp.httpClient, true)
	cfg.HTTPClient = &capture.Client
	if err := do(); err != nil {
		return endpointError(bp.name, stage, sentinel, capture, err)
	}
	if read != nil {
		if err := read(capture.Body); err != nil {
			return &Error{Provider: bp.name, Stage: stage, Err: fmt.Errorf("%w: %v", sentinel, err)}
		}
	}
	return nil
}

// authorize signs req with the user's token.
func (f *oauth1Flow) authorize(req *http.Request, tok *Token) error {
	if tok.OAuthToken == "" || tok.OAuthTokenSecret == "" {
		return ErrNoToken
	}
	return oauth1x.Sign(req, &f.cfg, tok.OAuthToken, tok.OAuthTokenSecret)
}

// OAuth 1 tokens are not refreshed, revoked or verified: dance knows no
// such API of an OAuth 1 provider.

func (f *oauth1Flow) refreshable(*Token) bool { return false }

func (f *oauth1Flow) refresh(context.Context, *Blueprint, *Token) (*Token, *Error) {
	return nil, &Error{Stage: StageRefresh, Err: ErrTokenExpired}
}

func (f *oauth1Flow) revoke(context.Context, *Blueprint, *Token) error {
	return &Error{Err: ErrRevocationUnsupported}
}

func (f *oauth1Flow) claims(*Token) (Claims, error) { return nil, nil }

func (f *oauth1Flow) scopes() []string { return nil }
