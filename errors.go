package dance

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/httpx"
	"github.com/gin-dance/dance/internal/oauth2x"
	"github.com/gin-dance/dance/internal/session"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
)

// Stage names the step of the dance at which an [Error] happened.
type Stage string

// The stages of the dance.
const (
	StageLogin     Stage = "login"     // building the redirect to the provider (and OAuth 1's request token)
	StageAuthorize Stage = "authorize" // the provider's answer on the callback (error=…), or scopes it did not grant
	StageState     Stage = "state"     // the callback's checks: its parameters, state, PKCE verifier, nonce, issuer
	StageToken     Stage = "token"     // exchanging the code for a token, and verifying its ID token
	StageHook      Stage = "hook"      // an authorized hook returned an error
	StageStore     Stage = "store"     // saving or loading the token
	StageAPI       Stage = "api"       // a call to the provider's API through a Client
	StageRefresh   Stage = "refresh"   // refreshing an expired token
	StageRevoke    Stage = "revoke"    // revoking a token at the provider
	StageLogout    Stage = "logout"    // the logout route, and the provider's way back from its end-session endpoint
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
	// sentinels of this package and of package storage.
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

// The errors a caller handles differently from the rest, for errors.Is on
// an [*Error]. Every other failure is told apart by its Stage and Code.
var (
	// ErrDenied means the provider sent the user back with an error
	// parameter, for example because they declined (Code says which).
	ErrDenied = errors.New("the provider returned an error")
	// ErrNoToken means a Client was used to call the provider's API, or to
	// revoke, without a stored token.
	ErrNoToken = errors.New("no OAuth token for this request")
	// ErrTokenExpired means the stored token has expired and cannot be
	// refreshed: it has no refresh token, the blueprint is not
	// refreshable, or the provider refused the refresh (invalid_grant, in
	// which case the stored token has been deleted). The user must log in
	// again. Any other failed refresh may pass, and keeps the token.
	ErrTokenExpired = errors.New("the OAuth token has expired; log in again")
	// ErrInsufficientScope means the user's token lacks a scope that a
	// request needs: a provider's API answered 403 with RFC 6750's
	// error="insufficient_scope", or with GitHub's X-Accepted-OAuth-Scopes
	// not covered by X-OAuth-Scopes; or a [Blueprint.Required] route needs
	// scopes that the provider did not grant when it was last asked. The
	// [*Error] names the missing scopes in its Scopes field.
	ErrInsufficientScope = errors.New("the token lacks a scope this request needs")
	// ErrRevocationUnsupported means the blueprint's provider has no
	// revocation API that dance knows of: call [Client.DeleteToken] to
	// forget the token anyway.
	ErrRevocationUnsupported = errors.New("the provider has no token revocation API")
)

// The causes that callers need not tell apart; they are the Err of an
// [*Error] whose Stage says where the dance failed.
var (
	errStateMismatch    = errors.New("state mismatch")
	errVerifierMissing  = errors.New("PKCE verifier missing from the session")
	errNonceMissing     = errors.New("OpenID Connect nonce missing from the session")
	errIssuerMismatch   = errors.New("issuer mismatch in the authorization response")
	errMissingParameter = errors.New("missing required parameter")
	errTokenExchange    = errors.New("token exchange failed")
	errIDToken          = errors.New("ID token verification failed")
	errRefresh          = errors.New("token refresh failed")
	errDPoPKeyless      = errors.New("the token is bound to a DPoP key that this blueprint does not have (give every instance the same DPoPKey)")
	errRevoke           = errors.New("token revocation failed")
	errPushedAuth       = errors.New("pushed authorization request failed")
)

// wrapf wraps sentinel with the text of err, without wrapping err itself.
func wrapf(sentinel, err error) error { return fmt.Errorf("%w: %v", sentinel, err) }

// stageSentences are the default error answers' human sentences, one per
// stage. They never carry the error's own text.
var stageSentences = map[Stage]string{
	StageLogin:     "The login could not be started.",
	StageAuthorize: "The provider did not grant access.",
	StageState:     "This login link is not valid, has expired or was already used.",
	StageToken:     "The provider did not complete the login.",
	StageHook:      "The login could not be completed.",
	StageStore:     "The login could not be saved.",
}

// errorSentence is the human sentence for e: its stage's; for a route
// that needs scopes the provider did not grant, which ones; for a storage
// that needs a user, to sign in first.
func errorSentence(e *Error) string {
	switch {
	case errors.Is(e, ErrInsufficientScope) && len(e.Scopes) > 0:
		return "The provider did not grant " + strings.Join(e.Scopes, ", ") + ", which this page needs."
	case errors.Is(e, storage.ErrUserRequired):
		return "Sign in to this site first, then try again."
	case errors.Is(e, errIDToken):
		return "The provider's proof of identity could not be verified."
	}
	if t, ok := stageSentences[e.Stage]; ok {
		return t
	}
	return "The login did not work."
}

// problemType is the stable RFC 9457 type URI of a stage's failures.
func problemType(s Stage) string { return "urn:gin-dance:error:" + string(s) }

// newErrorID returns a short random ID that ties an answer to its log line.
func newErrorID() string { return strings.ToLower(rand.Text()[:12]) }

// misconfigured maps the OAuth error codes by which a provider reports an
// app's own misconfiguration to the setting to check.
var misconfigured = map[string]string{
	"invalid_client":        "check the client ID and client secret",
	"unauthorized_client":   "check that the app may use this grant type at the provider",
	"redirect_uri_mismatch": "check that the provider's allowed redirect URIs hold redirect_uri exactly (or set PublicURL/TrustedProxies)",
}

// anonymousHint is the log's hint for a dance that ends without a user.
const anonymousHint = "the storage needs a user and the request has none: log the user in in an authorized hook, or set Options.AnonymousURL to the app's sign-in page"

// logFailure logs a failed dance with its error ID: at Error with a hint
// when the provider reports a misconfiguration, else at Warn (with a hint
// when the storage needs a user).
func (bp *Blueprint) logFailure(c *gin.Context, e *Error, id string) {
	ctx := c.Request.Context()
	attrs := []any{"provider", bp.name, "stage", string(e.Stage), "error_id", id, "err", e.Error()}
	if errors.Is(e, storage.ErrUserRequired) {
		bp.log.WarnContext(ctx, "dance: login failed: no user to store the token for", append(attrs, "hint", anonymousHint)...)
		return
	}
	if hint, ok := misconfigured[e.Code]; ok {
		attrs = append(attrs, "hint", hint, "redirect_uri", bp.absoluteURL(c, bp.AuthorizedURL()))
		bp.log.Log(ctx, slog.LevelError, "dance: the provider reports a misconfiguration", attrs...)
		return
	}
	bp.log.WarnContext(ctx, "dance: login failed", attrs...)
}

// fail runs the error hook for e and, unless it answered, answers with
// status and the default error answer (see answerError), which carries an
// error ID that the log line carries too, and never the error's text.
func (bp *Blueprint) fail(c *gin.Context, status int, e *Error) {
	id := newErrorID()
	bp.logFailure(c, e, id)
	bp.saveSession(c)
	bp.runError(c, e)
	if answered(c) {
		return
	}
	bp.answerError(c, status, e, id)
}

// failRedirect runs the error hook for e and, unless it answered,
// redirects to the login's next URL: the answer to a provider's refusal
// and to a failed save, which the app's own pages tell the user about.
//
// The session remembers the refusal for the state's lifetime, so that a
// [Blueprint.Required] route at next answers it instead of sending the
// user round the provider again: a provider that refuses every login
// (a misconfigured client) would otherwise make a redirect loop.
func (bp *Blueprint) failRedirect(c *gin.Context, next string, e *Error) {
	bp.logFailure(c, e, newErrorID())
	if sess, ok := session.From(c); ok {
		sess.Set(bp.failedKey, bp.now().Add(flowstate.Lifetime).Unix())
	}
	bp.saveSession(c)
	bp.runError(c, e)
	if answered(c) {
		return
	}
	httpx.Redirect(c.Writer, c.Request, next)
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	ErrorID string `json:"error_id"`
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Login failed</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}p.id{color:#777;font-size:.85rem}a{color:#0550ae}</style>
</head><body>
<h1>Login failed</h1>
<p>{{.Sentence}}</p>
<p><a href="{{.Again}}">Start again</a></p>
<p class="id">Error ID: {{.ID}}</p>
</body></html>
`))

// answerError writes the default error answer: a problem document for a
// client that asks for JSON, else a small HTML page. Neither carries the
// error's text; both carry its ID.
func (bp *Blueprint) answerError(c *gin.Context, status int, e *Error, id string) {
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "no-store")
	if accept := c.GetHeader("Accept"); strings.Contains(accept, "json") && !strings.Contains(accept, "text/html") {
		b, _ := json.Marshal(problem{Type: problemType(e.Stage), Title: errorSentence(e), Status: status, ErrorID: id})
		c.Data(status, "application/problem+json", b)
		c.Abort()
		return
	}
	var b bytes.Buffer
	_ = errorPage.Execute(&b, struct{ Sentence, Again, ID string }{errorSentence(e), bp.LoginURL(), id})
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
	c.Abort()
}

// answerStatus is the status of a failed provider call: 504 for a
// timeout, else 502.
func answerStatus(e *Error) int {
	if httpx.IsTimeout(e.Err) {
		return http.StatusGatewayTimeout
	}
	return http.StatusBadGateway
}

// endpointError turns a failed token-endpoint call (x/oauth2's or
// dghubble/oauth1's) into an *Error of the given stage that wraps
// sentinel: the status, the OAuth error code and description, but never
// the body of a success (it holds the token), nor URL details that might
// carry sensitive values.
func endpointError(name string, stage Stage, sentinel error, capture *oauth2x.Capture, err error) *Error {
	e := &Error{Provider: name, Stage: stage, Err: sentinel}
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re):
		e.Code, e.Description, e.URI = re.ErrorCode, re.ErrorDescription, re.ErrorURI
		if re.Response != nil {
			e.Status = re.Response.StatusCode
		}
		if e.Code == "" && e.Status != 0 {
			e.Err = fmt.Errorf("%w: the token endpoint answered %s", sentinel, http.StatusText(e.Status))
		}
	case capture.Status != 0 && (capture.Status < 200 || capture.Status > 299):
		// OAuth 1: the body is the provider's error, form-encoded at best.
		e.Status = capture.Status
		e.Description = core.ShortBody(capture.Body)
		if v, err := url.ParseQuery(strings.TrimSpace(string(capture.Body))); err == nil {
			e.Code = v.Get("oauth_problem")
		}
	case capture.Status != 0 && capture.Status != http.StatusOK && capture.Status != http.StatusCreated:
		e.Status = capture.Status
		e.Err = fmt.Errorf("%w: unexpected status", sentinel)
	case httpx.IsTimeout(err):
		e.Err = fmt.Errorf("%w: %w", sentinel, context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		e.Err = fmt.Errorf("%w: %w", sentinel, context.Canceled)
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Err = fmt.Errorf("%w: the token endpoint's answer was cut short: %w", sentinel, io.ErrUnexpectedEOF)
	default:
		// A success that the library could not use: its message names
		// what is missing and quotes nothing. Or a transport error,
		// without its URL (which may carry token_url_params).
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "oauth2: "), "oauth1: ")
		e.Err = fmt.Errorf("%w: %s", sentinel, msg)
	}
	return e
}
