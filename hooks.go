package dance

import (
	"context"

	"github.com/gin-gonic/gin"
)

// Hooks are the funcs a blueprint calls at each step of the dance; any of
// them may be nil. Give several blueprints the same Hooks to share them:
// the bp argument tells the blueprints apart. On the blueprint's routes,
// and wherever the client was used, c.MustGet(bp.Name()) is the request's
// [*Client].
//
// A hook answers the request itself by writing to c (c.Redirect, c.HTML,
// …, or c.Abort): dance then writes nothing more.
type Hooks struct {
	// OnBeforeLogin runs on the login route just before the redirect to
	// the provider; authURL is the provider URL the user is about to be
	// sent to. It may read and write the session, or answer the request
	// itself, in which case no redirect happens.
	OnBeforeLogin func(c *gin.Context, bp *Blueprint, authURL string)

	// OnAuthorized runs on the callback once the provider has issued a
	// token, before the token is stored:
	//   - return store=false to keep the token out of storage, for
	//     example after saving it yourself;
	//   - answer the request yourself: the response is sent, and the
	//     token is not stored;
	//   - return an error to abort: the token is not stored and OnError
	//     runs with an [*Error] of stage [StageHook].
	// During the hook the request's Client already uses tok (it is not
	// stored yet), so the hook can call the provider's API, for example
	// [Client.Profile], and [Client.Claims] gives the verified ID token's
	// claims.
	OnAuthorized func(c *gin.Context, bp *Blueprint, tok *Token) (store bool, err error)

	// OnError runs when the dance fails: the provider sent an error, the
	// state did not match, the token exchange failed, an ID token failed
	// verification, or the token could not be stored. It also runs when a
	// [Client] tried to refresh an expired token and failed (stage
	// [StageRefresh]; for invalid_grant the error matches
	// [ErrTokenExpired] and the stored token has been deleted); there c is
	// the request whose handler made the API call. It may answer the
	// request (an error page, a redirect with a message); if it does not,
	// dance answers with its default for that error.
	OnError func(c *gin.Context, bp *Blueprint, err *Error)

	// OnTokenRefreshed runs after an expired token has been refreshed and
	// the new token saved, with the token before and after, once per
	// refresh, on the request that made the provider call. Use it to keep
	// your own copy of the token or to log refreshes. It must not change
	// old or new.
	OnTokenRefreshed func(c *gin.Context, bp *Blueprint, old, new *Token)

	// OnLogout runs when the user is logged out of this blueprint, for the
	// app to end its own login (clear its user from the session): on the
	// logout route, after the token is deleted and before the redirect
	// (it may answer the request itself); and on the first request of a
	// user whose session a back-channel logout ended, as the request's
	// Client finds it (there it must not answer: the request goes on,
	// without a token).
	OnLogout func(c *gin.Context, bp *Blueprint)

	// OnBackChannelLogout runs on the back-channel logout route once the
	// provider's logout token is verified and recorded, with its sub and
	// sid (either may be empty), for the app to end at once what it keeps
	// on the server: its server-side sessions of that user, tokens in a
	// database storage. An error answers the provider 400 (it may retry).
	// c is the provider's request, not the user's.
	OnBackChannelLogout func(c *gin.Context, bp *Blueprint, sub, sid string) error
}

// answered reports whether a hook (or anything else) has answered c.
func answered(c *gin.Context) bool {
	return c.Writer.Written() || c.IsAborted()
}

func (bp *Blueprint) runBeforeLogin(c *gin.Context, authURL string) {
	if f := bp.hooks.OnBeforeLogin; f != nil {
		f(c, bp, authURL)
	}
}

// runAuthorized runs the authorized hook as an observed step, with the
// step's context on the request while it runs, and reports whether the
// token should be stored.
func (bp *Blueprint) runAuthorized(c *gin.Context, tok *Token) (bool, error) {
	f := bp.hooks.OnAuthorized
	if f == nil {
		return true, nil
	}
	if bp.observe == nil {
		return bp.authorizedHook(c, f, tok)
	}
	req := c.Request
	ctx, end := bp.observe(req.Context(), "hooks")
	c.Request = req.WithContext(ctx)
	store, err := bp.authorizedHook(c, f, tok)
	if c.Request.Context() == ctx { // a hook may have put in a request of its own
		c.Request = c.Request.WithContext(req.Context())
	}
	end(err)
	return store, err
}

// authorizedHook calls f; a hook that answered the request stores nothing.
func (bp *Blueprint) authorizedHook(c *gin.Context, f func(*gin.Context, *Blueprint, *Token) (bool, error), tok *Token) (bool, error) {
	store, err := f(c, bp, tok)
	if err != nil || answered(c) {
		return false, err
	}
	return store, nil
}

func (bp *Blueprint) runError(c *gin.Context, e *Error) {
	if f := bp.hooks.OnError; f != nil {
		f(c, bp, e)
	}
}

func (bp *Blueprint) runLogout(c *gin.Context) {
	if f := bp.hooks.OnLogout; f != nil {
		f(c, bp)
	}
}

func (bp *Blueprint) runTokenRefreshed(c *gin.Context, old, new *Token) {
	if f := bp.hooks.OnTokenRefreshed; f != nil {
		f(c, bp, old, new)
	}
}

// step starts one of the inner steps that [Options].Observe sees.
func (bp *Blueprint) step(ctx context.Context, name string) (context.Context, func(error)) {
	if bp.observe == nil {
		return ctx, endNothing
	}
	return bp.observe(ctx, name)
}

func endNothing(error) {}

// errOf is e as an error, nil when e is nil.
func errOf(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}
