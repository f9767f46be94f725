package dance

import (
	"sync"

	"github.com/gin-gonic/gin"
)

// BeforeLoginFunc runs on the login route just before the redirect to the
// provider. authURL is the provider URL the user is about to be sent to.
// It may read and write the session; it may also answer the request itself
// by writing to c, in which case no redirect happens.
//
// It is the Go form of Flask-Dance's oauth_before_login signal.
type BeforeLoginFunc func(c *gin.Context, bp *Blueprint, authURL string)

// AuthorizedFunc runs on the callback once the provider has issued a token,
// before the token is stored. It is the Go form of Flask-Dance's
// oauth_authorized signal:
//
//   - return store=false to keep the token out of storage (Flask-Dance's
//     "return False"), for example after saving it yourself;
//   - write a response to c (c.Redirect, c.HTML, …) to answer the request
//     yourself (Flask-Dance's "return a Response"): the chain stops, the
//     response is sent, and the token is not stored;
//   - return an error to abort: the token is not stored and the error
//     hooks run with an [*Error] of stage [StageHook].
//
// During the hook, bp.Client(c) already uses tok (it is not stored yet),
// so the hook can call the provider's API, for example [Client.Profile],
// as Flask-Dance's hooks use blueprint.session.
//
// All authorized hooks run in registration order, unless one writes a
// response or returns an error.
type AuthorizedFunc func(c *gin.Context, bp *Blueprint, tok *Token) (store bool, err error)

// ErrorFunc runs when the dance fails: the provider sent an error, the
// state did not match, the token exchange failed, an ID token failed
// verification, or the token could not be stored. It also runs when a
// [Client] tried to refresh an expired token and failed (stage
// [StageRefresh]; for invalid_grant the error matches [ErrTokenExpired] and
// the stored token has been deleted); there c is the request whose handler
// made the API call, and a hook that writes to c answers that request. It is the Go form of Flask-Dance's oauth_error signal. It may
// answer the request by writing to c (for example an error page); if no
// error hook answers, dance answers with its default for that error.
type ErrorFunc func(c *gin.Context, bp *Blueprint, err *Error)

// TokenRefreshedFunc runs after an expired token has been refreshed and
// the new token saved, with the token before and after. It runs once per
// refresh, on the request that made the provider call. It has no Flask-Dance
// counterpart (Flask-Dance saves refreshed tokens silently, through
// requests-oauthlib's token_updater); use it to keep your own copy of the
// token or to log refreshes. It must not change old or new.
type TokenRefreshedFunc func(c *gin.Context, bp *Blueprint, old, new *Token)

// Hooks holds the hook functions of one or more blueprints. The zero value
// is ready to use, and it is safe for concurrent use. Pass one *Hooks in
// several blueprints' [Options] to share hooks between them; the hook's bp
// argument tells them apart.
type Hooks struct {
	mu          sync.RWMutex
	beforeLogin []BeforeLoginFunc
	authorized  []AuthorizedFunc
	errs        []ErrorFunc
	refreshed   []TokenRefreshedFunc
}

// OnBeforeLogin adds f to the before-login hooks.
func (h *Hooks) OnBeforeLogin(f BeforeLoginFunc) {
	h.mu.Lock()
	h.beforeLogin = append(h.beforeLogin, f)
	h.mu.Unlock()
}

// OnAuthorized adds f to the authorized hooks.
func (h *Hooks) OnAuthorized(f AuthorizedFunc) {
	h.mu.Lock()
	h.authorized = append(h.authorized, f)
	h.mu.Unlock()
}

// OnError adds f to the error hooks.
func (h *Hooks) OnError(f ErrorFunc) {
	h.mu.Lock()
	h.errs = append(h.errs, f)
	h.mu.Unlock()
}

// OnTokenRefreshed adds f to the token-refreshed hooks.
func (h *Hooks) OnTokenRefreshed(f TokenRefreshedFunc) {
	h.mu.Lock()
	h.refreshed = append(h.refreshed, f)
	h.mu.Unlock()
}

// hasAuthorized reports whether any authorized hook is registered.
func (h *Hooks) hasAuthorized() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.authorized) > 0
}

// answered reports whether a hook (or anything else) has answered c.
func answered(c *gin.Context) bool {
	return c.Writer.Written() || c.IsAborted()
}

func (h *Hooks) runBeforeLogin(c *gin.Context, bp *Blueprint, authURL string) {
	h.mu.RLock()
	fs := h.beforeLogin
	h.mu.RUnlock()
	for _, f := range fs {
		f(c, bp, authURL)
		if answered(c) {
			return
		}
	}
}

// runAuthorized runs the authorized hooks and reports whether the token
// should be stored. It stops early when a hook answers or fails.
func (h *Hooks) runAuthorized(c *gin.Context, bp *Blueprint, tok *Token) (store bool, err error) {
	h.mu.RLock()
	fs := h.authorized
	h.mu.RUnlock()
	store = true
	for _, f := range fs {
		ok, err := f(c, bp, tok)
		if err != nil {
			return false, err
		}
		if !ok {
			store = false
		}
		if answered(c) {
			return false, nil
		}
	}
	return store, nil
}

func (h *Hooks) runError(c *gin.Context, bp *Blueprint, e *Error) {
	h.mu.RLock()
	fs := h.errs
	h.mu.RUnlock()
	for _, f := range fs {
		f(c, bp, e)
		if answered(c) {
			return
		}
	}
}

func (h *Hooks) runTokenRefreshed(c *gin.Context, bp *Blueprint, old, new *Token) {
	h.mu.RLock()
	fs := h.refreshed
	h.mu.RUnlock()
	for _, f := range fs {
		f(c, bp, old, new)
	}
}
