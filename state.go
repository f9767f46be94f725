package dance

// The login record that the login route keeps in the user's session for
// the callback, and the callback's checks of it: bound to the blueprint,
// single-use (in the session and in the record of used states) and valid
// for 10 minutes; the relay that brings a POSTed answer to the session;
// and the pushed authorization request (PAR) that replaces the front-channel
// one when the provider asks for it.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/httpx"
	"github.com/gin-dance/dance/internal/oauth2x"
	"github.com/gin-dance/dance/internal/session"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// saveFlow writes fl into the session and saves it.
func (bp *Blueprint) saveFlow(sess sessions.Session, fl *flowstate.Record) error {
	sess.Set(bp.flowKey, flowstate.Encode(fl))
	if err := sess.Save(); err != nil {
		return session.SaveError(err, storage.ErrTooLarge)
	}
	return nil
}

// loadFlow returns the session's login record for this blueprint, or nil.
func (bp *Blueprint) loadFlow(sess sessions.Session) *flowstate.Record {
	raw, ok := sess.Get(bp.flowKey).(string)
	if !ok {
		return nil
	}
	return flowstate.Decode(raw)
}

// consume marks fl used, in the session (under key: the login's, or the
// logout's) and in the record of used states, so that the same callback
// cannot be played twice: not with the new cookie (the session says used)
// and not with the old one, on this instance or, with a shared record, on
// another (the record remembers).
// The used record keeps the login's expiry: Required tells by it that a
// visitor has just come back from the provider. It returns
// flowstate.ErrUsed when the record already had the state, and the
// record's own error when it cannot answer.
func (bp *Blueprint) consume(ctx context.Context, sess sessions.Session, key any, fl *flowstate.Record) error {
	sum := flowstate.Hash(fl.State)
	sess.Set(key, flowstate.Encode(flowstate.UsedRecord(sum, fl.Expires)))
	until := time.Unix(fl.Expires, 0)
	var first bool
	var err error
	if r, ok := bp.used.(*flowstate.ReplayCache); ok {
		first = r.UseHash(sum, until) // the in-process record takes the hash as it is
	} else {
		first, err = bp.used.Use(ctx, flowstate.Key(sum), until)
	}
	switch {
	case err != nil:
		return fmt.Errorf("dance: record of used states: %w", err)
	case !first:
		return flowstate.ErrUsed
	}
	return nil
}

// admit ends the proof check of a callback (the state, or OAuth 1's
// request token): on a failed check it answers 403 after the error hook,
// dropping an expired login; otherwise it consumes the login, so that the
// callback cannot be played again. It reports whether the callback may
// go on.
func (bp *Blueprint) admit(c *gin.Context, sess sessions.Session, fl *flowstate.Record, checkErr error) bool {
	if checkErr != nil {
		if errors.Is(checkErr, flowstate.ErrExpired) {
			sess.Delete(bp.flowKey)
			_ = sess.Save()
		}
		bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: checkErr})
		return false
	}
	// The session is saved with the "used" marker before any answer: by
	// fail and failRedirect, before the authorized hook, or by the
	// token's own save (see finish), so the hot path saves it once.
	if err := bp.consume(c.Request.Context(), sess, bp.flowKey, fl); err != nil {
		status := http.StatusForbidden
		if !errors.Is(err, flowstate.ErrUsed) {
			status = http.StatusServiceUnavailable
		}
		bp.fail(c, status, &Error{Provider: bp.name, Stage: StageState, Err: err})
		return false
	}
	return true
}

// declined handles a callback on which the provider reports that the user
// said no (or another error): the login is consumed when the callback
// proves it belongs to it (checkErr is nil), then the error hook runs and
// the user goes to the next URL. Nothing is fetched.
func (bp *Blueprint) declined(c *gin.Context, sess sessions.Session, fl *flowstate.Record, checkErr error, e *Error) {
	if fl != nil && checkErr == nil {
		_ = bp.consume(c.Request.Context(), sess, bp.flowKey, fl) // a replayed refusal changes nothing
		bp.noteStepUp(c, fl, nil)
		_ = sess.Save() // best effort: the record of used states backs it up
	}
	bp.failRedirect(c, bp.next(fl), e)
}

// saveSession saves what the dance changed in the session (a used state)
// before an answer is written; it does nothing when nothing changed. A
// failure is not the user's problem here: the process's replay check
// still refuses the state.
func (bp *Blueprint) saveSession(c *gin.Context) {
	if sess, ok := session.From(c); ok {
		_ = sess.Save()
	}
}

// sessionOrFail returns the request's session, or answers 500.
func (bp *Blueprint) sessionOrFail(c *gin.Context, stage Stage) (sessions.Session, bool) {
	sess, ok := session.From(c)
	if !ok {
		bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: stage, Err: storage.ErrNoSession})
		return nil, false
	}
	return sess, true
}

// relayedParams are the parameters of a provider's answer that a POSTed
// answer keeps for the GET callback, beside OAuth2Config.CallbackParams.
var relayedParams = []string{"code", "state", "error", "error_description", "error_uri", "iss"}

// relayPost takes a provider's answer that arrives as a cross-site POST
// (response_mode=form_post, as Sign in with Apple sends it). A SameSite=Lax
// session cookie does not come with such a POST, so the answer cannot be
// checked here; and the session cookie stays Lax, for the rest of the app.
// The POST keeps the answer's parameters in a short-lived cookie of the
// callback's path and sends the browser on to the callback with a GET
// (303): a top-level GET navigation, with which Lax cookies do come. The
// GET takes the answer from that cookie, once, and checks it as any
// callback: a forged POST fails the state check, a replayed one the
// single-use check. Nothing is fetched or stored on the POST.
func (bp *Blueprint) relayPost(c *gin.Context) {
	bp.client(c)
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
	bad := func(reason string) {
		bp.fail(c, http.StatusBadRequest, &Error{Provider: bp.name, Stage: StageState, Err: fmt.Errorf("%w: %s", errMissingParameter, reason)})
	}
	if err := c.Request.ParseForm(); err != nil {
		bad("the provider's POST is not a form")
		return
	}
	kept := url.Values{}
	for _, k := range append(relayedParams, bp.callbackParams...) {
		if v := c.Request.PostForm.Get(k); v != "" {
			kept.Set(k, v)
		}
	}
	value := kept.Encode()
	switch {
	case kept.Get("state") == "" && kept.Get("error") == "":
		bad(`"state"`)
		return
	case len(value) > 3500: // a cookie holds about 4 KB
		bad("the provider's POST is too large to relay")
		return
	}
	scheme, _, _ := httpx.Origin(c.Request, bp.public, bp.trusted)
	http.SetCookie(c.Writer, &http.Cookie{
		Name: bp.relayKey, Value: value, Path: bp.AuthorizedURL(), MaxAge: 120,
		HttpOnly: true, Secure: scheme == "https", SameSite: http.SameSiteLaxMode,
	})
	bp.log.DebugContext(c.Request.Context(), "dance: the provider's POST relayed to the callback", "provider", bp.name)
	c.Redirect(http.StatusSeeOther, bp.AuthorizedURL())
}

// takeRelay returns the answer that relayPost kept for this callback, and
// deletes its cookie: it is used once.
func (bp *Blueprint) takeRelay(c *gin.Context) (url.Values, bool) {
	raw, err := c.Cookie(bp.relayKey)
	if err != nil || raw == "" {
		return nil, false
	}
	scheme, _, _ := httpx.Origin(c.Request, bp.public, bp.trusted)
	http.SetCookie(c.Writer, &http.Cookie{
		Name: bp.relayKey, Path: bp.AuthorizedURL(), MaxAge: -1,
		HttpOnly: true, Secure: scheme == "https", SameSite: http.SameSiteLaxMode,
	})
	q, err := url.ParseQuery(raw)
	return q, err == nil
}

// push sends the authorization request of URL u to the PAR endpoint (RFC
// 9126) and returns the URL with its request_uri. A failure is the login's
// (stage login, 502), with the provider's OAuth error when it sent one.
func (f *oauth2Flow) push(ctx context.Context, bp *Blueprint, u string) (string, *failure) {
	ctx, cancel := context.WithTimeout(ctx, bp.timeout)
	defer cancel()
	secret, e := f.secret(ctx, bp, StageLogin)
	if e != nil {
		return "", &failure{http.StatusBadGateway, e}
	}
	front, err := oauth2x.Push(ctx, bp.httpClient, f.auth, secret, f.parURL, f.cfg.Endpoint.AuthURL, u)
	if err != nil {
		e = &Error{Provider: bp.name, Stage: StageLogin, Err: fmt.Errorf("%w: %w", errPushedAuth, err)}
		var re *core.ResponseError
		if errors.As(err, &re) {
			e.Status, e.Code, e.Description = re.Status, re.Code, re.Description
		}
		return "", &failure{http.StatusBadGateway, e}
	}
	return front, nil
}
