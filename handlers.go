package dance

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// protocol is what differs between OAuth 1 and OAuth 2. The routes, the
// state checks, the hooks and the storage are the blueprint's, and the
// same for both; a protocol only speaks to the provider.
type protocol interface {
	// begin starts a login: it fills the protocol's part of fl and
	// returns the provider URL to send the user to.
	begin(c *gin.Context, bp *Blueprint, fl *flow) (string, *failure)
	// answer reads the provider's answer on the callback.
	answer(q url.Values) callback
	// complete turns an admitted callback into a token.
	complete(c *gin.Context, bp *Blueprint, fl *flow, q url.Values) (*Token, *failure)
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
	// token; it fails with ErrNoClaims where there are none.
	claims(tok *Token) (Claims, error)
	// scopes returns a copy of the configured scopes (none for OAuth 1).
	scopes() []string
	// describe fills the protocol's part of a blueprint's view.
	describe(info *core.Info)
}

// callback is what a protocol reads from the provider's answer.
type callback struct {
	// proof is the value that ties the callback to its login: the state
	// (OAuth 2) or the request token (OAuth 1).
	proof string
	// mismatch is the error for a proof that is not the flow's.
	mismatch error
	// declined is set when the provider reports an error or a refusal.
	declined *Error
	// restart: with no login in this session, start one (OAuth 2, as
	// Flask-Dance does) instead of refusing the callback (OAuth 1).
	restart bool
}

// failure is a failed step and how to answer it: with status, or, when
// status is 0, by sending the user to the next URL after the error hooks
// (Flask-Dance's answer to a provider's refusal or an OAuth 1 error).
type failure struct {
	status int
	err    *Error
}

// login is the login route of both protocols: a new flow record, the
// protocol's provider URL, the before-login hooks, and the redirect.
func (bp *Blueprint) login(c *gin.Context) {
	sess, ok := bp.sessionOrFail(c, StageLogin)
	if !ok {
		return
	}
	sess.Delete(bp.shortKey) // the user asks again: a step-up may ask again too
	bp.startLogin(c, sess, safeNext(c.Query("next")), nil)
}

// startLogin sends the user to the provider, coming back to next, asking
// for scope (nil: the configured scopes). The scope is the server's
// choice, kept in the flow record; nothing in the request widens it.
func (bp *Blueprint) startLogin(c *gin.Context, sess sessions.Session, next string, scope []string) {
	fl := &flow{ // the protocol's begin sets the state
		Next:    next,
		Scope:   scope,
		Expires: now().Add(stateLifetime).Unix(),
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
	bp.hooks.runBeforeLogin(c, bp, authURL)
	if answered(c) {
		return
	}
	if err := sess.Save(); err != nil { // whatever the hooks changed
		bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageLogin, Err: storage.SaveError(err)})
		return
	}
	bp.log.LogAttrs(c.Request.Context(), slog.LevelDebug, "dance: redirecting to provider", slog.String("provider", bp.name))
	redirectFound(c, authURL)
}

// authorized is the callback route of both protocols: the provider's
// refusal, the proof check, the protocol's token, then finish.
func (bp *Blueprint) authorized(c *gin.Context) {
	sess, ok := bp.sessionOrFail(c, StageState)
	if !ok {
		return
	}
	q := c.Request.URL.Query()
	fl := bp.loadFlow(sess)
	a := bp.proto.answer(q)

	// 1. The provider sent an error or the user declined: nothing to fetch.
	if a.declined != nil {
		a.declined.Provider = bp.name
		checkErr := a.mismatch
		if fl != nil {
			checkErr = bp.checkState(fl, a.proof, a.mismatch)
		}
		bp.declined(c, sess, fl, checkErr, a.declined)
		return
	}
	// 2. No login started in this session.
	if fl == nil {
		if a.restart {
			bp.log.DebugContext(c.Request.Context(), "dance: callback without a login in this session; redirecting to login", "provider", bp.name)
			c.Redirect(http.StatusFound, bp.LoginURL())
			return
		}
		bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: a.mismatch})
		return
	}
	// 3. The proof must be the flow's, unused and fresh.
	if !bp.admit(c, sess, fl, bp.checkState(fl, a.proof, a.mismatch)) {
		return
	}
	// 4. The protocol's token.
	tok, f := bp.proto.complete(c, bp, fl, q)
	if f != nil {
		bp.answerFailure(c, fl, f)
		return
	}
	bp.finish(c, fl, tok)
}

// finish runs the authorized hooks, stores the token unless vetoed, and
// redirects: the common end of the OAuth 1 and OAuth 2 callbacks.
func (bp *Blueprint) finish(c *gin.Context, fl *flow, tok *Token) {
	if sess, err := storage.SessionFrom(c); err == nil {
		if err := renewSession(sess, c.Request); err != nil {
			bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageStore, Err: err})
			return
		}
	}
	// As Flask-Dance's blueprint.session during oauth_authorized, the
	// request's client already uses the new token, so hooks can call the
	// provider's API before (or instead of) storing it.
	bp.Client(c).use(tok)
	if bp.hooks.hasAuthorized() {
		// A hook may answer the request itself: the used state must be
		// in the session before it does.
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
				bp.failAnonymous(c, fl, e) // not to next: see anonymous.go
				return
			}
			bp.failRedirect(c, fl, e)
			return
		}
	}
	bp.noteStepUp(c, fl, tok)
	bp.saveSession(c) // a no-op when the token's own save (session storage) carried it
	outcome := "token stored"
	if !store {
		outcome = "token not stored (a hook vetoed it)"
	}
	bp.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "dance: login completed", slog.String("provider", bp.name), slog.String("outcome", outcome))
	redirectFound(c, bp.nextURL(fl))
}

// answerFailure answers a failed step as the failure says.
func (bp *Blueprint) answerFailure(c *gin.Context, fl *flow, f *failure) {
	if f.status == 0 {
		bp.failRedirect(c, fl, f.err)
		return
	}
	bp.fail(c, f.status, f.err)
}

// runAuthorized runs the authorized hooks as an observed step, with the
// step's context on the request while they run.
func (bp *Blueprint) runAuthorized(c *gin.Context, tok *Token) (bool, error) {
	if bp.observe == nil {
		return bp.hooks.runAuthorized(c, bp, tok)
	}
	req := c.Request
	ctx, end := bp.observe(req.Context(), "hooks")
	c.Request = req.WithContext(ctx)
	store, err := bp.hooks.runAuthorized(c, bp, tok)
	if c.Request.Context() == ctx { // a hook may have put in a request of its own
		c.Request = c.Request.WithContext(req.Context())
	}
	end(err)
	return store, err
}
