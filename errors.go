package dance

import (
	"errors"
	"fmt"
	"strings"
)

// Stage names the step of the dance at which an [Error] happened.
type Stage string

// The stages of the dance.
const (
	StageLogin     Stage = "login"     // building the redirect to the provider (and OAuth 1's request token)
	StageAuthorize Stage = "authorize" // the provider's answer on the callback (error=…)
	StageState     Stage = "state"     // checking state and PKCE verifier on the callback
	StageToken     Stage = "token"     // exchanging the code for a token
	StageHook      Stage = "hook"      // an authorized hook returned an error
	StageStore     Stage = "store"     // saving or loading the token
	StageRequest   Stage = "request"   // a malformed callback request
	StageAPI       Stage = "api"       // a call to the provider's API through a Client
	StageRefresh   Stage = "refresh"   // refreshing an expired token
	StageRevoke    Stage = "revoke"    // revoking a token at the provider
	StageIDToken   Stage = "id_token"  // verifying an OpenID Connect ID token
)

// Error is the error that dance hands to error hooks and returns from its
// calls. Its text never holds a client secret, a token, a code or a state.
type Error struct {
	// Provider is the blueprint's name.
	Provider string
	// Stage is the step of the dance that failed.
	Stage Stage
	// Code is the OAuth error code, from the callback's error parameter or
	// the token endpoint's error field, for example "access_denied".
	Code string
	// Description is the provider's error_description, if any.
	Description string
	// URI is the provider's error_uri, if any.
	URI string
	// Status is the HTTP status code the provider answered with, if any.
	Status int
	// Scopes, with [ErrInsufficientScope], are the scopes the token lacks
	// (empty when the provider did not name them).
	Scopes []string
	// Err is the underlying cause; match it with errors.Is against the
	// sentinels of this package.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dance: %s: %s", e.Provider, e.Stage)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ": error %q", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %q", e.Description)
	}
	if e.URI != "" {
		fmt.Fprintf(&b, " (see %q)", e.URI)
	}
	return b.String()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// Sentinel errors, for errors.Is on an [*Error] or on errors from a [Client].
var (
	// ErrDenied means the provider sent the user back with an error
	// parameter, for example because they declined.
	ErrDenied = errors.New("the provider returned an error")
	// ErrStateMismatch means the callback's state does not match the one
	// this session started with: a forged or crossed callback.
	ErrStateMismatch = errors.New("state mismatch")
	// ErrStateExpired means the login was started too long ago.
	ErrStateExpired = errors.New("state expired; start the login again")
	// ErrStateUsed means the callback was replayed.
	ErrStateUsed = errors.New("state already used")
	// ErrVerifierMissing means PKCE is on but the session holds no verifier
	// for this login.
	ErrVerifierMissing = errors.New("PKCE verifier missing from the session")
	// ErrMissingParameter means the callback lacks a required parameter.
	ErrMissingParameter = errors.New("missing required parameter")
	// ErrTokenExchange means the token endpoint failed: an error status,
	// a body that is not a token, no access token, or a timeout.
	ErrTokenExchange = errors.New("token exchange failed")
	// ErrNoToken means a Client was used to call the provider's API
	// without a stored token.
	ErrNoToken = errors.New("no OAuth token for this request")
	// ErrTokenExpired means the stored token has expired and cannot be
	// refreshed: it has no refresh token, the blueprint is not
	// refreshable, or the provider refused the refresh (invalid_grant, in
	// which case the stored token has been deleted). The user must log in
	// again.
	ErrTokenExpired = errors.New("the OAuth token has expired; log in again")
	// ErrRefresh means a refresh failed for a reason that may pass (the
	// provider was down or slow); the stored token is kept.
	ErrRefresh = errors.New("token refresh failed")
	// ErrRevocationUnsupported means the blueprint's provider has no
	// revocation API that dance knows of.
	ErrRevocationUnsupported = errors.New("the provider has no token revocation API")
	// ErrRevoke means the provider did not confirm the revocation; the
	// stored token is kept.
	ErrRevoke = errors.New("token revocation failed")
	// ErrIDToken means an OpenID Connect ID token was missing or failed
	// verification (signature, iss, aud, exp, nonce or a claim check).
	ErrIDToken = errors.New("ID token verification failed")
	// ErrNonceMissing means the scope holds "openid" but the session holds
	// no nonce for this login.
	ErrNonceMissing = errors.New("OpenID Connect nonce missing from the session")
	// ErrIssuerMismatch means the callback's "iss" parameter (RFC 9207) is
	// not the blueprint's issuer, or is missing where the provider
	// promised it: a possible mix-up attack.
	ErrIssuerMismatch = errors.New("issuer mismatch in the authorization response")
)

// wrapf wraps sentinel with the text of err, without wrapping err itself.
func wrapf(sentinel, err error) error { return fmt.Errorf("%w: %v", sentinel, err) }
