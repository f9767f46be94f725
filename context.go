package dance

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance/internal/dpop"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/httpx"
	"github.com/gin-dance/dance/internal/oauth2x"
	"github.com/gin-dance/dance/internal/session"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// Middleware returns a handler that puts a [*Client] for this blueprint into
// the gin.Context under the blueprint's name, so that later handlers can do
// c.MustGet("github").(*dance.Client). The client loads the token lazily,
// so a handler that never uses it costs no storage read.
func (bp *Blueprint) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(bp.nameKey, &Client{bp: bp, c: c})
		c.Next()
	}
}

// client returns the blueprint's client for request c: the one in the
// gin.Context, or a new one, put there for the rest of the request.
func (bp *Blueprint) client(c *gin.Context) *Client {
	if v, ok := c.Get(bp.nameKey); ok {
		if cl, ok := v.(*Client); ok && cl.bp == bp {
			return cl
		}
	}
	cl := &Client{bp: bp, c: c}
	c.Set(bp.nameKey, cl)
	return cl
}

// Required returns a middleware that lets a request through only when the
// current user has a token for this blueprint, and puts the [*Client] into
// the gin.Context as [Blueprint.Middleware] does. Without a token, it
// redirects (302) to the login route with the current path as "next", so
// the user comes back here after the dance; but when the provider refused
// the login that brought the user back here, it answers 403 and the error
// page instead of another trip (until the user starts a login from the
// login route, or the state's 10 minutes are over), so that a provider
// that refuses every login does not make a redirect loop. When the storage needs a user
// and the request has none ([storage.ErrUserRequired]), the anonymous
// visitor goes to [Options].AnonymousURL, or else the same way (an
// authorized hook may sign the user in), and no error hook runs; but a
// visitor who has just come back from the provider still without a user
// gets 401 and the error page instead of a second trip. When the storage
// fails otherwise, it answers 500 after the error hook, rather than
// sending the user round a login loop.
//
// With scopes, the token must also hold them (see [Client.Scopes]); if it
// is known to lack some, the user goes through the login again (a
// "step-up"), asked for the union of the blueprint's scopes, the granted
// ones and these, with the preset's way of keeping earlier grants (see
// [OAuth2Config].StepUpParams), and comes back here. The scopes asked are
// the server's: a "scope" query parameter never widens them. A user who
// declines keeps the old token; if the provider declines or grants fewer,
// the route answers 403 with an [ErrInsufficientScope] error (after the
// error hook) rather than asking again, until the user starts a login
// from the login route. When the provider does not say what it granted,
// the request goes through, unless an API answer earlier in this request
// said the scopes are missing: so a handler that gets
// [ErrInsufficientScope] can start the step-up with
// bp.Required(e.Scopes...)(c).
func (bp *Blueprint) Required(scopes ...string) gin.HandlerFunc {
	need := slices.Clone(scopes)
	return func(c *gin.Context) {
		cl := bp.client(c)
		ok, err := cl.Authorized()
		if errors.Is(err, storage.ErrUserRequired) {
			// An anonymous visitor of a storage that needs a user: not
			// a failed login, so no error hook and no 500.
			bp.anonymousVisitor(c)
			return
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = &Error{Provider: bp.name, Stage: StageStore, Err: err}
			}
			bp.fail(c, http.StatusInternalServerError, e)
			return
		}
		if !ok {
			if bp.failedRecently(c) {
				bp.refusedVisitor(c)
				return
			}
			redirectWithNext(c, bp.LoginURL())
			return
		}
		if len(need) > 0 && !bp.stepUp(c, cl, need) {
			c.Abort()
			return
		}
		c.Next()
	}
}

// Client calls the provider's API as the current user, the x/oauth2
// client of one request: relative URLs are resolved against the
// blueprint's BaseURL, and every request carries the user's token. A
// Client belongs to one gin request; it is safe for concurrent use
// within it.
type Client struct {
	bp *Blueprint
	c  *gin.Context

	mu     sync.Mutex
	loaded bool
	tok    *Token
	err    error
	hc     *http.Client
	// seenScopes are the scopes that an API answer's X-OAuth-Scopes
	// reported in this request (nil: none did); lacks are the scopes
	// that API answers said are missing.
	seenScopes, lacks []string
}

// load returns the stored token, loading it on first use, without
// refreshing it. It returns (nil, nil) when there is no token.
//
// A token whose session a back-channel logout ended is deleted, and the
// user is logged out (see [Options].EndedSessions); when the record of
// ended sessions cannot be read, the token is not used.
func (cl *Client) load() (*Token, error) {
	cl.mu.Lock()
	if cl.loaded {
		defer cl.mu.Unlock()
		return cl.tok, cl.err
	}
	cl.tok, cl.err = cl.bp.storage.Get(cl.c, cl.bp.name)
	ended := false
	if cl.err == nil && cl.tok != nil && cl.bp.bcl != nil {
		ended, cl.err = cl.bp.sessionEnded(cl.c.Request.Context(), cl.tok)
		if ended || cl.err != nil {
			cl.tok = nil
		}
	}
	if cl.err != nil {
		cl.err = &Error{Provider: cl.bp.name, Stage: StageStore, Err: cl.err}
	}
	cl.loaded = true
	tok, err := cl.tok, cl.err
	cl.mu.Unlock()
	if ended { // outside the lock: the hook may use the client
		cl.bp.endLoggedOut(cl.c)
	}
	return tok, err
}

// Authorized reports whether the current user has a usable token: one that
// has not expired (within [Options].ExpiryLeeway), or that has expired but
// can be refreshed (the token has a refresh token, refreshed at RefreshURL
// or else the token endpoint; the refresh itself happens on the first API call, not here, so
// Authorized makes no provider call). An expired token that cannot be
// refreshed is not usable, so Authorized reports false and
// [Blueprint.Required] sends the user to log in again; the token stays
// stored until the new login replaces it.
//
// An error means the storage could not be read; it is not the same as
// "logged out", and callers should not send the user to log in again
// because of it.
func (cl *Client) Authorized() (bool, error) {
	tok, err := cl.load()
	if err != nil {
		return false, err
	}
	if !tok.Valid() {
		return false, nil
	}
	if tok.Expired(cl.bp.now(), cl.bp.leeway) {
		return cl.bp.proto.refreshable(tok), nil
	}
	return true, nil
}

// SetToken stores tok for the current user and uses it for the rest of the
// request.
func (cl *Client) SetToken(tok *Token) error {
	if err := cl.bp.storage.Set(cl.c, cl.bp.name, tok); err != nil {
		return &Error{Provider: cl.bp.name, Stage: StageStore, Err: err}
	}
	cl.use(tok)
	return nil
}

// DeleteToken removes the current user's token, for example on logout.
func (cl *Client) DeleteToken() error {
	if err := cl.bp.storage.Delete(cl.c, cl.bp.name); err != nil {
		return &Error{Provider: cl.bp.name, Stage: StageStore, Err: err}
	}
	cl.use(nil)
	return nil
}

// use makes the client use tok for the rest of the request, without
// storing it.
func (cl *Client) use(tok *Token) {
	cl.mu.Lock()
	cl.tok, cl.err, cl.loaded = tok, nil, true
	cl.mu.Unlock()
}

// checkPaths checks the route paths: each starts with "/", and no two
// are the same.
func (bp *Blueprint) checkPaths() error {
	seen := map[string]bool{}
	for _, p := range []string{bp.loginPath, bp.authorizedPath, bp.logoutPath, bp.backChannel} {
		switch {
		case p == "" && p == bp.backChannel: // no back-channel route
			continue
		case !strings.HasPrefix(p, "/"):
			return fmt.Errorf("dance: %s: route path %q must start with '/'", bp.name, p)
		case seen[p]:
			return fmt.Errorf("dance: %s: two routes have the path %q", bp.name, p)
		}
		seen[p] = true
	}
	return nil
}

// parseURLs checks and keeps BaseURL, PublicURL and TrustedProxies.
func (bp *Blueprint) parseURLs(o Options) error {
	if o.BaseURL != "" {
		u, err := httpx.ParseAbsolute(o.BaseURL)
		if err != nil {
			return fmt.Errorf("dance: %s: BaseURL: %w", bp.name, err)
		}
		bp.base = u
	}
	if o.PublicURL != "" {
		u, err := httpx.ParseAbsolute(o.PublicURL)
		if err != nil {
			return fmt.Errorf("dance: %s: PublicURL: %w", bp.name, err)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		u.RawQuery, u.Fragment = "", ""
		bp.public = u
	}
	for _, s := range o.TrustedProxies {
		pfx, err := httpx.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("dance: %s: TrustedProxies: %w", bp.name, err)
		}
		bp.trusted = append(bp.trusted, pfx)
	}
	return nil
}

// useDPoP binds the blueprint's tokens to a key (RFC 9449) when the
// config asks: the blueprint's transport signs the proofs of token
// requests and of API calls with a DPoP-bound token, and the login sends
// the key's thumbprint as dpop_jkt (pushed with PAR).
func (f *oauth2Flow) useDPoP(bp *Blueprint, cfg *OAuth2Config) error {
	if !cfg.DPoP && cfg.DPoPKey == "" {
		return nil
	}
	text, _ := credential(cfg.Name, cfg.DPoPKey, "DPOP_KEY")
	key, err := dpop.LoadKey(text)
	if err != nil {
		return fmt.Errorf("dance: %s: DPoPKey: %w", cfg.Name, err)
	}
	// A proof's iat is checked against the server's clock, so it is the
	// wall clock's, not the dance's.
	f.dpop = dpop.NewTransport(key, oauth2x.Transport(bp.httpClient), time.Now, f.cfg.Endpoint.TokenURL, f.refreshURL)
	hc := *bp.httpClient
	hc.Transport = f.dpop
	bp.httpClient = &hc
	cfg.AuthParams = maps.Clone(cfg.AuthParams)
	if cfg.AuthParams == nil {
		cfg.AuthParams = map[string]string{}
	}
	cfg.AuthParams["dpop_jkt"] = key.Thumbprint()
	return nil
}

// bind notes in tok, the answer to a token request, the thumbprint of
// the key whose proof came with it, and warns when the server chose a
// bearer token (RFC 9449, 5 lets it: the access token is then not bound,
// and is sent as a bearer token).
func (f *oauth2Flow) bind(ctx context.Context, bp *Blueprint, tok *Token) {
	if f.dpop == nil {
		return
	}
	if tok.Extra == nil {
		tok.Extra = map[string]any{}
	}
	tok.Extra[dpop.ExtraJKT] = f.dpop.Key().Thumbprint()
	if !isDPoP(tok) {
		bp.log.WarnContext(ctx, "dance: the provider answered a DPoP token request with a token that is not DPoP-bound", "provider", bp.name, "token_type", tok.TokenType)
	}
}

// stepUp lets the request through (true) when the token holds need, as
// far as anyone knows. Otherwise it starts a login that asks for the
// union of the blueprint's scopes, the granted ones and need, coming back
// to this route; or, when the last step-up for these scopes came back
// short, it answers 403 (after the error hook) instead of looping.
func (bp *Blueprint) stepUp(c *gin.Context, cl *Client, need []string) bool {
	missing, err := cl.missingScopes(need)
	if err == nil && len(missing) == 0 {
		return true
	}
	sess, ok := bp.sessionOrFail(c, StageLogin)
	if !ok {
		return false
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Provider: bp.name, Stage: StageStore, Err: err}
		}
		bp.fail(c, http.StatusInternalServerError, e)
		return false
	}
	short, _ := sess.Get(bp.shortKey).(string)
	if len(without(missing, splitScopes(short))) == 0 {
		bp.fail(c, http.StatusForbidden, &Error{
			Provider: bp.name, Stage: StageAuthorize, Err: ErrInsufficientScope, Scopes: missing,
			Description: "the provider did not grant " + strings.Join(missing, " ") + " when asked; log in again to retry",
		})
		return false
	}
	granted, _, _ := cl.Scopes()
	ask := bp.proto.scopes()
	ask = append(ask, granted...)
	ask = append(ask, need...)
	bp.startLogin(c, sess, httpx.SafeNext(c.Request.URL.RequestURI()), without(ask, nil))
	return false
}

// noteStepUp remembers, at the end of a step-up login (fl.Scope set), the
// asked scopes that tok does not hold: all of them when the user declined
// (tok nil) or the provider did not say what it granted. It forgets them
// when everything was granted. The caller saves the session.
func (bp *Blueprint) noteStepUp(c *gin.Context, fl *flowstate.Record, tok *Token) {
	sess, ok := session.From(c)
	if !ok || fl == nil || fl.Scope == nil {
		return
	}
	short := fl.Scope
	if tok != nil && tok.Scope != nil {
		short = without(fl.Scope, splitScopes(strings.Join(tok.Scope, " ")))
	}
	setShort(sess, bp.shortKey, short)
}

func setShort(sess sessions.Session, key any, short []string) {
	if len(short) == 0 {
		sess.Delete(key)
		return
	}
	sess.Set(key, strings.Join(short, " "))
}
