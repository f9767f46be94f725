package dance

// The blueprint's two routes, login and authorized, which both protocols
// share: the login record in the session, the checks of the callback, the
// authorized hook and the storage.

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/httpx"
	"github.com/gin-dance/dance/internal/session"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// protocol is what differs between OAuth 1 and OAuth 2. The routes, the
// state checks, the hooks and the storage are the blueprint's, and the
// same for both; a protocol only speaks to the provider.
type protocol interface {
	// begin starts a login: it fills the protocol's part of fl and
	// returns the provider URL to send the user to.
	begin(c *gin.Context, bp *Blueprint, fl *flowstate.Record) (string, *failure)
	// answer reads the provider's answer on the callback.
	answer(q url.Values) callback
	// complete turns an admitted callback into a token.
	complete(c *gin.Context, bp *Blueprint, fl *flowstate.Record, q url.Values) (*Token, *failure)
	// refreshable reports whether tok can be refreshed.
	refreshable(tok *Token) bool
	// refresh asks the provider for a new token to replace old; it
	// fails with ErrTokenExpired where the protocol cannot.
	refresh(ctx context.Context, bp *Blueprint, old *Token) (*Token, *Error)
	// revoke revokes tok at the provider; it fails with
	// ErrRevocationUnsupported where it cannot.
	revoke(ctx context.Context, bp *Blueprint, tok *Token) error
	// authorize adds the credentials of tok to an outgoing API request.
	authorize(req *http.Request, tok *Token) error
	// claims returns the claims of the stored token's verified ID
	// token, or nil where there are none.
	claims(tok *Token) (Claims, error)
	// scopes returns a copy of the configured scopes (none for OAuth 1).
	scopes() []string
}

// callback is what a protocol reads from the provider's answer.
type callback struct {
	// proof is the value that ties the callback to its login: the state
	// (OAuth 2) or the request token (OAuth 1).
	proof string
	// mismatch is the error for a proof that is not the login's.
	mismatch error
	// declined is set when the provider reports an error or a refusal.
	declined *Error
	// restart: with no login in this session, start one (OAuth 2)
	// instead of refusing the callback (OAuth 1).
	restart bool
}

// failure is a failed step and how to answer it: with status, or, when
// status is 0, by sending the user to the next URL after the error hook
// (the answer to a provider's refusal or an OAuth 1 error).
type failure struct {
	status int
	err    *Error
}

// login is the login route of both protocols: a new login record, the
// protocol's provider URL, the before-login hook, and the redirect.
func (bp *Blueprint) login(c *gin.Context) {
	bp.client(c) // for the hooks: c.MustGet(name) works on every route of the dance
	sess, ok := bp.sessionOrFail(c, StageLogin)
	if !ok {
		return
	}
	sess.Delete(bp.shortKey) // the user asks again: a step-up may ask again too
	sess.Delete(bp.failedKey)
	bp.startLogin(c, sess, httpx.SafeNext(c.Query("next")), nil)
}

// startLogin sends the user to the provider, coming back to next, asking
// for scope (nil: the configured scopes). The scope is the server's
// choice, kept in the login record; nothing in the request widens it.
func (bp *Blueprint) startLogin(c *gin.Context, sess sessions.Session, next string, scope []string) {
	fl := &flowstate.Record{ // the protocol's begin sets the state
		Next:    next,
		Scope:   scope,
		Expires: bp.now().Add(flowstate.Lifetime).Unix(),
	}
	authURL, f := bp.proto.begin(c, bp, fl)
	if f != nil {
		bp.answerFailure(c, fl, f)
		return
	}
	err := bp.saveFlow(sess, fl)
	if errors.Is(err, storage.ErrTooLarge) && fl.Next != "" {
		// The session (a token already in a cookie) has no room for the
		// return path: the login goes on without it.
		bp.log.WarnContext(c.Request.Context(), "dance: return path dropped: the session has no room for it", "provider", bp.name, "next_bytes", len(fl.Next))
		fl.Next = ""
		err = bp.saveFlow(sess, fl)
	}
	if err != nil {
		bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageLogin, Err: err})
		return
	}
	bp.runBeforeLogin(c, authURL)
	if answered(c) {
		return
	}
	if err := sess.Save(); err != nil { // whatever the hook changed
		bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageLogin, Err: session.SaveError(err, storage.ErrTooLarge)})
		return
	}
	bp.log.LogAttrs(c.Request.Context(), slog.LevelDebug, "dance: redirecting to provider", slog.String("provider", bp.name))
	httpx.Redirect(c.Writer, c.Request, authURL)
}

// authorized is the callback route of both protocols: the provider's
// refusal, the proof check, the protocol's token, then finish.
func (bp *Blueprint) authorized(c *gin.Context) {
	bp.client(c) // for the hooks
	sess, ok := bp.sessionOrFail(c, StageState)
	if !ok {
		return
	}
	q := c.Request.URL.Query()
	if bp.formPost {
		if relayed, ok := bp.takeRelay(c); ok {
			q = relayed
		}
	}
	fl := bp.loadFlow(sess)
	a := bp.proto.answer(q)

	// 1. The provider sent an error or the user declined: nothing to fetch.
	if a.declined != nil {
		a.declined.Provider = bp.name
		checkErr := a.mismatch
		if fl != nil {
			checkErr = fl.Check(a.proof, a.mismatch, bp.now())
		}
		bp.declined(c, sess, fl, checkErr, a.declined)
		return
	}
	// 2. The provider's signature, before the login is used.
	if bp.callbackCheck != nil {
		if err := bp.callbackCheck(q); err != nil {
			bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: err})
			return
		}
	}
	// 3. No login started in this session.
	if fl == nil {
		if a.restart {
			bp.log.DebugContext(c.Request.Context(), "dance: callback without a login in this session; redirecting to login", "provider", bp.name)
			c.Redirect(http.StatusFound, bp.LoginURL())
			return
		}
		bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: a.mismatch})
		return
	}
	// 4. The proof must be the login's, unused and fresh.
	if !bp.admit(c, sess, fl, fl.Check(a.proof, a.mismatch, bp.now())) {
		return
	}
	// 5. The protocol's token.
	tok, f := bp.proto.complete(c, bp, fl, q)
	if f != nil {
		bp.answerFailure(c, fl, f)
		return
	}
	for _, k := range bp.callbackParams {
		if v := q.Get(k); v != "" {
			tok.Extra = setExtra(tok.Extra, k, v)
		}
	}
	bp.finish(c, fl, tok)
}

// finish runs the authorized hook, stores the token unless vetoed, and
// redirects: the common end of the OAuth 1 and OAuth 2 callbacks.
func (bp *Blueprint) finish(c *gin.Context, fl *flowstate.Record, tok *Token) {
	if sess, ok := session.From(c); ok {
		if err := session.Renew(sess, c.Request); err != nil {
			bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageStore, Err: err})
			return
		}
	}
	// The request's client already uses the new token, so the hook can
	// call the provider's API before (or instead of) storing it.
	bp.client(c).use(tok)
	if bp.hooks.OnAuthorized != nil {
		// The hook may answer the request itself: the used state must
		// be in the session before it does.
		bp.saveSession(c)
	}
	store, err := bp.runAuthorized(c, tok)
	if err != nil {
		bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageHook, Err: err})
		return
	}
	if answered(c) {
		return
	}
	if store {
		if err := bp.storage.Set(c, bp.name, tok); err != nil {
			e := &Error{Provider: bp.name, Stage: StageStore, Err: err}
			if errors.Is(err, storage.ErrUserRequired) {
				bp.failAnonymous(c, fl, e) // not to next: see anonymousVisitor
				return
			}
			bp.failRedirect(c, bp.next(fl), e)
			return
		}
	}
	bp.noteStepUp(c, fl, tok)
	bp.saveSession(c) // a no-op when the token's own save (session storage) carried it
	outcome := "token stored"
	if !store {
		outcome = "token not stored (the authorized hook vetoed it)"
	}
	bp.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "dance: login completed", slog.String("provider", bp.name), slog.String("outcome", outcome))
	httpx.Redirect(c.Writer, c.Request, bp.next(fl))
}

// next is where the user goes after the dance: the login's next path,
// else NextURL.
func (bp *Blueprint) next(fl *flowstate.Record) string {
	if fl != nil && fl.Next != "" {
		return fl.Next
	}
	return bp.nextURL
}

// answerFailure answers a failed step as the failure says.
func (bp *Blueprint) answerFailure(c *gin.Context, fl *flowstate.Record, f *failure) {
	if f.status == 0 {
		bp.failRedirect(c, bp.next(fl), f.err)
		return
	}
	bp.fail(c, f.status, f.err)
}

// What dance does for a visitor whom the storage cannot serve without a
// user (storage.ErrUserRequired: a gormstore with a user lookup and no one
// signed in), so that such a visitor goes round the provider at most once
// and ends on a human answer:
//
//   - [Blueprint.Required] sends them to [Options].AnonymousURL when it is
//     set (no trip), else to the login route: an authorized hook may sign
//     the user in (the multi-user pattern), after which the storage finds
//     one.
//   - The callback, when the storage still refuses the token, does not
//     send them back to "next" (a Required route would start the dance
//     again): after the error hook it sends them to AnonymousURL, or
//     answers 401 with the error page. The token is dropped.
//   - Required, when the visitor comes back from a dance (this session's
//     login record is used and not past its lifetime) still without a
//     user, answers 401 with the error page instead of a second trip.
//     That covers the ways back that the callback does not control: an
//     authorized hook that vetoes storage without signing anyone in, or
//     an error hook that redirects to the page. No error hook runs there:
//     the dance's own hooks have run already, and a hook that redirected
//     back would loop again. Starting a login from the login route (the
//     page's link) is a new dance.
//
// 401, not 403: signing in is what would help, and clients take 401 as
// "sign in". No WWW-Authenticate goes with it, as usual for a session
// sign-in, which has no HTTP authentication scheme to name.

// anonymousVisitor answers [Blueprint.Required] for a visitor whom the
// storage cannot serve without a user.
func (bp *Blueprint) anonymousVisitor(c *gin.Context) {
	ctx := c.Request.Context()
	switch {
	case bp.anonymousURL != "":
		bp.log.DebugContext(ctx, "dance: anonymous visitor sent to sign in", "provider", bp.name)
		redirectWithNext(c, bp.anonymousURL)
	case bp.backFromDance(c):
		id := newErrorID()
		bp.log.WarnContext(ctx, "dance: an anonymous visitor came back from the provider still without a user; not sending them again",
			"provider", bp.name, "error_id", id, "hint", anonymousHint)
		bp.answerError(c, http.StatusUnauthorized, &Error{Provider: bp.name, Stage: StageStore, Err: storage.ErrUserRequired}, id)
	default:
		bp.log.DebugContext(ctx, "dance: anonymous visitor sent to log in", "provider", bp.name)
		redirectWithNext(c, bp.LoginURL())
	}
}

// backFromDance reports whether this session's last login for the
// blueprint came back from the provider (its record is used) within the
// state's lifetime.
func (bp *Blueprint) backFromDance(c *gin.Context) bool {
	sess, ok := session.From(c)
	if !ok {
		return false
	}
	fl := bp.loadFlow(sess)
	return fl != nil && fl.Used && bp.now().Unix() <= fl.Expires
}

// refusedVisitor answers a Required route that a refused login came back
// to (see failRedirect): 403 and the error page, not a second trip. The
// error hook ran on the callback; the user starts again from the login
// route.
func (bp *Blueprint) refusedVisitor(c *gin.Context) {
	id := newErrorID()
	bp.log.WarnContext(c.Request.Context(), "dance: the last login came back refused; not sending the user to the provider again until they start a login",
		"provider", bp.name, "error_id", id)
	bp.answerError(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageAuthorize, Err: ErrDenied}, id)
}

// failedRecently reports whether this session's last login came back
// refused within the state's lifetime, and no login was started since.
func (bp *Blueprint) failedRecently(c *gin.Context) bool {
	sess, ok := session.From(c)
	if !ok {
		return false
	}
	until, ok := sess.Get(bp.failedKey).(int64)
	return ok && bp.now().Unix() <= until
}

// failAnonymous ends a callback whose token the storage refused for want
// of a user: the log line with its hint, the error hook, then, unless the
// hook answered, AnonymousURL (with the login's next) or the 401 page. It
// never sends the visitor to next: a Required route there would start the
// dance again.
func (bp *Blueprint) failAnonymous(c *gin.Context, fl *flowstate.Record, e *Error) {
	id := newErrorID()
	bp.logFailure(c, e, id)
	bp.saveSession(c)
	bp.runError(c, e)
	if answered(c) {
		return
	}
	if bp.anonymousURL != "" {
		httpx.Redirect(c.Writer, c.Request, httpx.WithNext(bp.anonymousURL, bp.next(fl)))
		return
	}
	bp.answerError(c, http.StatusUnauthorized, e, id)
}

// redirectWithNext sends the user to target with the current path as
// "next", and aborts.
func redirectWithNext(c *gin.Context, target string) {
	c.Redirect(http.StatusFound, httpx.WithNext(target, c.Request.URL.RequestURI()))
	c.Abort()
}

// absoluteURL makes path absolute for the current request: from PublicURL
// when set, else from the request, honouring X-Forwarded-Proto and
// X-Forwarded-Host only when the peer is a trusted proxy.
func (bp *Blueprint) absoluteURL(c *gin.Context, path string) string {
	scheme, host, prefix := httpx.Origin(c.Request, bp.public, bp.trusted)
	return scheme + "://" + host + prefix + path
}

// setExtra sets k in extra, making the map if needed.
func setExtra(extra map[string]any, k string, v any) map[string]any {
	if extra == nil {
		extra = map[string]any{}
	}
	extra[k] = v
	return extra
}

// credential reads a credential: v, else the environment variable
// "{NAME}_OAUTH_{suffix}". It returns the value and the variable's name,
// for error messages.
func credential(name, v, suffix string) (string, string) {
	env := core.EnvName(name) + "_OAUTH_" + suffix
	if v != "" {
		return v, env
	}
	return os.Getenv(env), env
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
