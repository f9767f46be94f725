package dance

// Ending a login: revoking the token at the provider, the logout route
// (RP-Initiated Logout 1.0) and the back-channel logout route (OIDC
// Back-Channel Logout 1.0).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/httpx"
	"github.com/gin-dance/dance/internal/logout"
	"github.com/gin-dance/dance/internal/oauth2x"
	"github.com/gin-dance/dance/internal/session"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
)

func (f *oauth2Flow) revoke(ctx context.Context, bp *Blueprint, tok *Token) error {
	if f.revokeFn == nil {
		return &Error{Err: ErrRevocationUnsupported}
	}
	cfg := f.cfg
	var e *Error
	if cfg.ClientSecret, e = f.secret(ctx, bp, StageRevoke); e != nil {
		return e
	}
	return f.revokeFn(ctx, bp.httpClient, &cfg, tok)
}

// revokeFunc picks the blueprint's way to revoke: the config's func, else
// RFC 7009 at RevokeURL, else none.
func (f *oauth2Flow) revokeFunc(bp *Blueprint, cfg OAuth2Config) (RevokeFunc, error) {
	if cfg.Revoke != nil {
		return cfg.Revoke, nil
	}
	if cfg.RevokeURL == "" {
		return nil, nil
	}
	u, err := bp.resolve(cfg.RevokeURL)
	if err != nil {
		return nil, err
	}
	endpoint := u.String()
	return func(ctx context.Context, hc *http.Client, cfg *oauth2.Config, tok *Token) error {
		req, err := oauth2x.RevokeRequest(ctx, endpoint, f.auth, cfg.ClientSecret, tok.AccessToken, tok.RefreshToken)
		if err != nil {
			return err
		}
		return core.SendRevoke(hc, req, http.StatusOK)
	}, nil
}

// RevokeFunc revokes tok at a provider whose revocation API is not RFC
// 7009, such as GitHub's "delete an app authorization" (contrib.GitHub).
// It gets the blueprint's HTTP client and its x/oauth2 configuration (the
// client credentials and endpoints), and returns nil only when the
// provider confirmed the revocation. An error that is not an [*Error] is
// wrapped in one of stage [StageRevoke].
type RevokeFunc func(ctx context.Context, hc *http.Client, cfg *oauth2.Config, tok *Token) error

// Revoke revokes the current user's token at the provider and then deletes
// it from storage, with every failure returned.
//
//   - With RevokeURL, it is an RFC 7009 request (the refresh token when
//     there is one, since revoking it revokes its access tokens too).
//   - With a [RevokeFunc], that func is called.
//   - With neither, and for OAuth 1, it returns an error matching
//     [ErrRevocationUnsupported] and keeps the token: call
//     [Client.DeleteToken] to forget it anyway, knowing that the grant
//     lives on at the provider.
//
// When the provider fails or refuses, the [*Error] (stage [StageRevoke])
// says how, and the token stays stored, so the caller can try again.
// Without a token it returns an error matching [ErrNoToken].
func (cl *Client) Revoke() error {
	ctx, end := cl.bp.step(cl.c.Request.Context(), "revoke")
	err := cl.revoke(ctx)
	end(err)
	return err
}

// revoke is Revoke within its observed step.
func (cl *Client) revoke(ctx context.Context) error {
	bp := cl.bp
	tok, err := cl.load()
	if err != nil {
		return err
	}
	if !tok.Valid() {
		return &Error{Provider: bp.name, Stage: StageRevoke, Err: ErrNoToken}
	}
	ctx, cancel := context.WithTimeout(ctx, bp.timeout)
	defer cancel()
	if err := bp.proto.revoke(ctx, bp, tok); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Provider: bp.name, Stage: StageRevoke, Err: wrapf(errRevoke, err)}
			var re *core.ResponseError
			if errors.As(err, &re) {
				e.Status, e.Code, e.Description, e.Err = re.Status, re.Code, re.Description, errRevoke
			}
		}
		e.Provider, e.Stage = bp.name, StageRevoke
		if !errors.Is(e, ErrRevocationUnsupported) {
			bp.log.DebugContext(ctx, "dance: revocation failed", "provider", bp.name, "err", e.Error())
		}
		return e
	}
	bp.log.DebugContext(ctx, "dance: token revoked", "provider", bp.name)
	return cl.DeleteToken()
}

// logoutKey is the session key of a logout in progress.
func (bp *Blueprint) logoutKey() string { return "_dance_" + bp.name + "_logout" }

// logout is the logout route (POST, from the app's own pages): it deletes
// the user's token, clears the blueprint's login from the session, runs
// the logout hook, and sends the browser to the provider's end-session
// endpoint (RP-Initiated Logout 1.0) with a single-use state bound to the
// session, or, without one, to next.
func (bp *Blueprint) logout(c *gin.Context) {
	cl := bp.client(c)
	scheme, host, _ := httpx.Origin(c.Request, bp.public, bp.trusted)
	if !logout.SameOrigin(c.Request, scheme+"://"+host) {
		bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageLogout, Err: logout.ErrCrossSite})
		return
	}
	sess, hasSession := session.From(c)
	if bp.endSession != "" && !hasSession {
		bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageLogout, Err: storage.ErrNoSession})
		return
	}
	var hint string
	if tok, err := cl.load(); err == nil && tok != nil {
		hint, _ = tok.Get("id_token").(string)
	}
	if err := cl.DeleteToken(); err != nil {
		bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageLogout, Err: err})
		return
	}
	if hasSession {
		sess.Delete(bp.flowKey)
		sess.Delete(bp.shortKey)
	}
	bp.runLogout(c)
	next := httpx.SafeNext(c.PostForm("next"))
	if next == "" {
		next = httpx.SafeNext(c.Query("next"))
	}
	target := or(next, bp.nextURL)
	if bp.endSession != "" && !answered(c) {
		state := flowstate.NewState()
		sess.Set(bp.logoutKey(), flowstate.Encode(&flowstate.Record{State: state, Next: next, Expires: bp.now().Add(flowstate.Lifetime).Unix()}))
		target = logout.EndSessionURL(bp.endSession, hint, bp.absoluteURL(c, bp.LogoutURL()), bp.endSessionClient, state)
	}
	if hasSession {
		if err := sess.Save(); err != nil {
			bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: StageLogout, Err: session.SaveError(err, storage.ErrTooLarge)})
			return
		}
	}
	if answered(c) {
		return
	}
	bp.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "dance: logged out", slog.String("provider", bp.name), slog.Bool("end_session", bp.endSession != ""))
	c.Redirect(http.StatusSeeOther, target)
}

// logoutReturn is the logout route's GET: the provider's way back from
// its end-session endpoint (the post_logout_redirect_uri). The state must
// be this session's logout's, unused and fresh; the user then goes to the
// logout's next path, else NextURL.
func (bp *Blueprint) logoutReturn(c *gin.Context) {
	bp.client(c)
	refuse := func(status int, err error) {
		bp.fail(c, status, &Error{Provider: bp.name, Stage: StageLogout, Err: err})
	}
	state := c.Query("state")
	if state == "" {
		c.Header("Allow", http.MethodPost)
		refuse(http.StatusMethodNotAllowed, fmt.Errorf("%w: log out with a POST from the app's own page", errMissingParameter))
		return
	}
	sess, ok := bp.sessionOrFail(c, StageLogout)
	if !ok {
		return
	}
	raw, _ := sess.Get(bp.logoutKey()).(string)
	fl := flowstate.Decode(raw)
	if fl == nil {
		refuse(http.StatusForbidden, logout.ErrNoLogout)
		return
	}
	if err := fl.Check(state, logout.ErrStateMismatch, bp.now()); err != nil {
		if errors.Is(err, flowstate.ErrExpired) {
			sess.Delete(bp.logoutKey())
			_ = sess.Save()
		}
		refuse(http.StatusForbidden, err)
		return
	}
	// As a callback's: used in the session (the new cookie) and in the
	// record of used states (the old cookie, another instance).
	if err := bp.consume(c.Request.Context(), sess, bp.logoutKey(), fl); err != nil {
		status := http.StatusServiceUnavailable
		if errors.Is(err, flowstate.ErrUsed) {
			status = http.StatusForbidden
		}
		refuse(status, err)
		return
	}
	if err := sess.Save(); err != nil {
		refuse(http.StatusInternalServerError, session.SaveError(err, storage.ErrTooLarge))
		return
	}
	bp.log.DebugContext(c.Request.Context(), "dance: back from the provider's end-session endpoint", "provider", bp.name)
	httpx.Redirect(c.Writer, c.Request, or(fl.Next, bp.nextURL))
}

// backChannelWindow is how far a logout token's iat may be from now.
const backChannelWindow = 10 * time.Minute

// logoutSettings keeps the end-session endpoint and, for a blueprint that
// verifies ID tokens (v not nil), turns back-channel logout on.
func (bp *Blueprint) logoutSettings(endSession, clientID string, v *idVerifier) error {
	if endSession != "" {
		u, err := bp.resolve(endSession)
		if err != nil {
			return err
		}
		bp.endSession, bp.endSessionClient = u.String(), clientID
	}
	if v == nil || bp.backChannel == "" {
		return nil
	}
	if bp.ended == nil {
		bp.ended = logout.NewMemory(bp.now)
	}
	bp.bcl = &logout.Verifier{Keys: v.keys, Issuer: v.issuerMatches, ClientID: clientID, Algs: joseAlgs, Now: bp.now, Window: backChannelWindow}
	return nil
}

// backChannelLogout is the back-channel logout route (Back-Channel Logout
// 1.0): the provider POSTs a logout_token. Once it is verified, the
// sessions it names are recorded as ended (every instance then logs
// their users out on their next request), its jti is used up, and the
// back-channel hook runs. 200 on success; 400 with a JSON error
// otherwise; never cached.
func (bp *Blueprint) backChannelLogout(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request.Context(), bp.timeout)
	defer cancel()
	refuse := func(err error) {
		bp.log.WarnContext(ctx, "dance: back-channel logout refused", "provider", bp.name, "err", err.Error())
		c.JSON(http.StatusBadRequest, gin.H{"error": "invalid_request", "error_description": err.Error()})
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
	raw := c.PostForm("logout_token")
	if raw == "" {
		refuse(errors.New("the request has no logout_token"))
		return
	}
	ev, err := bp.bcl.Verify(ctx, raw)
	if err != nil {
		refuse(err)
		return
	}
	// Recorded before the jti is used up: a record that fails leaves the
	// provider free to send the token again.
	for _, k := range logout.EndedKeys(bp.name, ev) {
		if err := bp.ended.End(ctx, k, ev.IssuedAt, bp.now().Add(logout.Retention)); err != nil {
			refuse(fmt.Errorf("the logout could not be recorded: %w", err))
			return
		}
	}
	until := ev.IssuedAt.Add(backChannelWindow)
	if ev.Expires.After(until) {
		until = ev.Expires
	}
	first, err := bp.used.Use(ctx, logout.JTIKey(ev.Issuer, ev.JTI), until)
	switch {
	case err != nil:
		refuse(fmt.Errorf("the record of used states: %w", err))
		return
	case !first:
		refuse(logout.ErrReplayed)
		return
	}
	if f := bp.hooks.OnBackChannelLogout; f != nil {
		if err := f(c, bp, ev.Subject, ev.SessionID); err != nil {
			refuse(fmt.Errorf("the back-channel logout hook: %w", err))
			return
		}
	}
	bp.log.InfoContext(ctx, "dance: back-channel logout received", "provider", bp.name, "by_session", ev.SessionID != "")
	c.Status(http.StatusOK)
}

// sessionEnded reports whether a back-channel logout ended the session
// that tok, a stored token, belongs to.
func (bp *Blueprint) sessionEnded(ctx context.Context, tok *Token) (bool, error) {
	if m, ok := bp.ended.(*logout.Memory); ok && m.Empty() {
		return false, nil
	}
	raw, _ := tok.Get("id_token").(string)
	s, ok := logout.SessionOf(raw)
	if !ok {
		return false, nil
	}
	return logout.Ends(ctx, bp.ended, bp.name, s)
}

// endSession logs out the user of request c whose session a back-channel
// logout ended: it deletes the token and the blueprint's login from the
// session, and runs the logout hook.
func (bp *Blueprint) endLoggedOut(c *gin.Context) {
	ctx := c.Request.Context()
	if err := bp.storage.Delete(c, bp.name); err != nil {
		bp.log.WarnContext(ctx, "dance: could not delete the token of a session ended by a back-channel logout", "provider", bp.name, "err", err.Error())
	}
	if sess, ok := session.From(c); ok {
		sess.Delete(bp.flowKey)
		sess.Delete(bp.shortKey)
	}
	bp.runLogout(c)
	bp.log.InfoContext(ctx, "dance: session ended by a back-channel logout", "provider", bp.name)
}
