package dance

// The current user's token after the login: exchanged for the code, read,
// refreshed (once per process, and once per fleet with a refresh lock),
// and sent with API calls as a bearer or DPoP-bound token.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-dance/dance/internal/dpop"
	"github.com/gin-dance/dance/internal/expiring"
	"github.com/gin-dance/dance/internal/oauth2x"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
)

// Token returns the current user's token, loading it from storage on first
// use, and refreshed first when it has expired (within
// [Options].ExpiryLeeway), as an x/oauth2 TokenSource does. A refresh
// saves the new token in the blueprint's storage, keeps the old refresh
// token when the provider sends none, and runs the OnTokenRefreshed hook.
// Every API call made through the client uses Token.
//
// It returns (nil, nil) when there is no token, and an error matching
// [ErrTokenExpired] when the token has expired and cannot be refreshed (no
// refresh token, a blueprint that cannot refresh, or a provider that
// refused the refresh with invalid_grant, in which case the stored token
// is deleted if it still carries the refused refresh token; when another
// instance of the app stored a newer token meanwhile, Token returns that
// one instead). A refresh that fails for another reason returns an
// [*Error] of stage [StageRefresh] and keeps the stored token, as does an
// invalid_grant to a token bound to a DPoP key this blueprint lacks,
// which may be a refusal of the proof (docs/dpop.md). The error
// hook runs whenever a refresh was attempted and failed.
func (cl *Client) Token() (*Token, error) {
	tok, err := cl.load()
	if err != nil || tok == nil || !tok.Expired(cl.bp.now(), cl.bp.leeway) {
		return tok, err
	}
	return cl.refresh(tok)
}

// refresher makes sure that one process refreshes one user's token once,
// however many requests find it expired at the same time: concurrent
// callers share one provider call (singleflight), and callers that arrive
// just after it (still holding the old token) get its result from a short
// memory instead of replaying a refresh token that may have been rotated.
//
// Both are keyed by a SHA-256 of the blueprint's name and the refresh
// token, never by the token itself; the key identifies the user without
// keeping a secret in memory or in logs.
type refresher struct {
	group  singleflight.Group
	recent *expiring.Map[string, *refreshResult]
	now    func() time.Time
}

// refreshResult is the outcome of one refresh: a new token, or a
// permanent refusal (ErrTokenExpired). Transient failures are not kept.
type refreshResult struct {
	tok *Token
	err *Error
	// called is whether the provider was called for it, and saved whether
	// the caller that made it has already stored tok (under the refresh
	// lock); both concern only that caller.
	called, saved bool
}

// refreshMemory is how long a refresh's result is reused for callers that
// still hold the old token.
const refreshMemory = time.Minute

// refreshMemoryMax bounds the memory of recent refreshes.
const refreshMemoryMax = 10_000

func newRefresher(now func() time.Time) *refresher {
	return &refresher{recent: expiring.New[string, *refreshResult](refreshMemoryMax, now), now: now}
}

func refreshKey(name, refreshToken string) string {
	sum := sha256.Sum256([]byte(name + "\x00" + refreshToken))
	return string(sum[:])
}

// refresh replaces the expired token old, once per process for concurrent
// callers (and once per fleet with [Options].RefreshLock), and saves the
// result in this request's storage.
func (cl *Client) refresh(old *Token) (*Token, error) {
	bp := cl.bp
	if !bp.proto.refreshable(old) {
		return nil, &Error{Provider: bp.name, Stage: StageRefresh, Err: ErrTokenExpired}
	}
	ctx := cl.c.Request.Context()
	key := refreshKey(bp.name, old.RefreshToken)
	called, saved := false, false
	v, _, _ := bp.refresher.group.Do(key, func() (any, error) {
		if res, ok := bp.refresher.recent.Get(key); ok {
			return res, nil
		}
		res := cl.refreshOnce(ctx, old, key)
		called, saved = res.called, res.saved
		if res.err == nil || errors.Is(res.err, ErrTokenExpired) {
			bp.refresher.recent.Put(key, res, bp.refresher.now().Add(refreshMemory))
		}
		return res, nil
	})
	res := v.(*refreshResult)
	if res.err != nil {
		e := *res.err // shared with other callers: hand out a copy
		if errors.Is(e.Err, ErrTokenExpired) {
			if cur := cl.dropRefused(ctx, old); cur != nil {
				return cur, nil
			}
		}
		bp.log.WarnContext(ctx, "dance: refresh failed", "provider", bp.name, "err", e.Error())
		bp.runError(cl.c, &e)
		return nil, &e
	}
	tok := res.tok.Clone()
	if !saved {
		if err := bp.storage.Set(cl.c, bp.name, tok); err != nil {
			e := &Error{Provider: bp.name, Stage: StageStore, Err: err}
			bp.runError(cl.c, e)
			return nil, e
		}
	}
	cl.use(tok)
	if called {
		bp.runTokenRefreshed(cl.c, old, tok.Clone())
	}
	return tok, nil
}

// refreshOnce calls the provider to refresh old. With a refresh lock it
// first takes the fleet-wide lock for the token, then reads the token
// again: when another instance refreshed it while this one waited, that
// token is the result and the provider is not called. Under the lock it
// also stores the new token before unlocking, so that the next holder
// reads it.
func (cl *Client) refreshOnce(ctx context.Context, old *Token, key string) *refreshResult {
	bp := cl.bp
	if bp.refreshLock == nil {
		bp.log.DebugContext(ctx, "dance: refreshing expired token", "provider", bp.name)
		tok, e := bp.proto.refresh(ctx, bp, old)
		return &refreshResult{tok: tok, err: e, called: true}
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bp.timeout)
	defer cancel()
	unlock, err := bp.refreshLock(lctx, hex.EncodeToString([]byte(key)))
	if err != nil {
		return &refreshResult{err: &Error{Provider: bp.name, Stage: StageRefresh, Err: fmt.Errorf("%w: taking the refresh lock: %w", errRefresh, err)}}
	}
	defer unlock()
	if cur, err := bp.storage.Get(cl.c, bp.name); err == nil && bp.refreshedElsewhere(cur, old) {
		bp.log.DebugContext(ctx, "dance: token refreshed by another instance", "provider", bp.name)
		return &refreshResult{tok: cur, saved: true}
	}
	bp.log.DebugContext(ctx, "dance: refreshing expired token", "provider", bp.name)
	tok, e := bp.proto.refresh(ctx, bp, old)
	if e != nil {
		return &refreshResult{err: e, called: true}
	}
	if err := bp.storage.Set(cl.c, bp.name, tok); err != nil {
		return &refreshResult{err: &Error{Provider: bp.name, Stage: StageStore, Err: err}, called: true}
	}
	return &refreshResult{tok: tok, called: true, saved: true}
}

// refreshedElsewhere reports whether cur, the stored token, replaced old
// since old was read, and can be used as it is.
func (bp *Blueprint) refreshedElsewhere(cur, old *Token) bool {
	return cur != nil && cur.AccessToken != old.AccessToken && !cur.Expired(bp.now(), bp.leeway)
}

// dropRefused handles a refresh that the provider refused (invalid_grant):
// it deletes the stored token only if it still carries the refused refresh
// token (see [storage.CompareAndDelete]). When another instance stored a
// newer token meanwhile, it keeps it and returns it if it is usable; the
// request then goes on with it.
func (cl *Client) dropRefused(ctx context.Context, old *Token) *Token {
	bp := cl.bp
	cur, err := storage.CompareAndDelete(bp.storage, cl.c, bp.name, old.RefreshToken)
	if err != nil {
		bp.log.DebugContext(ctx, "dance: could not delete the refused token", "provider", bp.name, "err", err.Error())
		cur = nil
	}
	usable := bp.refreshedElsewhere(cur, old)
	cl.use(cur)
	if usable {
		bp.log.DebugContext(ctx, "dance: refresh refused, but another instance had stored a newer token", "provider", bp.name)
		return cur
	}
	return nil
}

// mergeRefreshed is old with the fields of the refresh response: a new
// access token and expiry, the new refresh token if one came (else the old
// one), and every other field of old that the response did not replace.
func mergeRefreshed(old, fresh *Token) *Token {
	n := old.Clone()
	n.AccessToken = fresh.AccessToken
	if fresh.TokenType != "" {
		n.TokenType = fresh.TokenType
	}
	if fresh.RefreshToken != "" {
		n.RefreshToken = fresh.RefreshToken
	}
	if fresh.Scope != nil {
		n.Scope = fresh.Scope
	}
	n.ExpiresAt = fresh.ExpiresAt // zero when the provider did not say
	for k, v := range fresh.Extra {
		if n.Extra == nil {
			n.Extra = make(map[string]any, len(fresh.Extra))
		}
		n.Extra[k] = v
	}
	return n
}

// fetch runs one x/oauth2 call with cfg to a token endpoint on the
// blueprint's transport, authenticated as TokenAuthMethod says and with
// extra in the form, and reads the token from the raw answer. x/oauth2
// sends the secret methods itself when there is no extra; otherwise the
// client authentication's transport rewrites its request.
func (f *oauth2Flow) fetch(ctx context.Context, bp *Blueprint, stage Stage, sentinel error, cfg oauth2.Config, extra url.Values, call func(context.Context, *oauth2.Config) (*oauth2.Token, error)) (*Token, *Error) {
	secret, e := f.secret(ctx, bp, stage)
	if e != nil {
		return nil, e
	}
	hc := bp.httpClient
	if style, ok := f.auth.Style(); ok && len(extra) == 0 {
		cfg.ClientSecret, cfg.Endpoint.AuthStyle = secret, style
	} else {
		withAuth := *hc
		withAuth.Transport = f.auth.Transport(oauth2x.Transport(hc), secret, extra)
		hc = &withAuth
	}
	capture := oauth2x.NewCapture(ctx, hc, false)
	otok, err := call(context.WithValue(ctx, oauth2.HTTPClient, &capture.Client), &cfg)
	if err != nil {
		return nil, endpointError(bp.name, stage, sentinel, capture, err)
	}
	tok, err := capture.Token(otok)
	if err != nil {
		return nil, &Error{Provider: bp.name, Stage: stage, Err: wrapf(sentinel, err)}
	}
	f.bind(ctx, bp, tok)
	return tok, nil
}

// refresh asks the refresh endpoint for a new token through x/oauth2's
// TokenSource and merges it into old. It runs on behalf of every caller
// waiting for it, so a client disconnect does not cancel it; the
// blueprint's Timeout bounds it.
func (f *oauth2Flow) refresh(ctx context.Context, bp *Blueprint, old *Token) (*Token, *Error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bp.timeout)
	defer cancel()
	cfg := f.cfg
	cfg.Endpoint.TokenURL = f.refreshURL
	// Only the refresh token is passed, so that the TokenSource refreshes
	// whatever its own idea of expiry is.
	fresh, e := f.fetch(ctx, bp, StageRefresh, errRefresh, cfg, f.tokenForm, func(ctx context.Context, cfg *oauth2.Config) (*oauth2.Token, error) {
		return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
	})
	if e != nil {
		if e.Code == "invalid_grant" {
			e.Err = f.refusal(ctx, bp, old)
		}
		return nil, e
	}
	if raw, ok := fresh.Extra["id_token"].(string); ok && f.oidc != nil {
		// OpenID Connect Core 12.2: a refreshed ID token is verified as
		// at login, except that it carries no nonce.
		vctx, end := bp.step(ctx, "id_token")
		_, e := f.oidc.verify(vctx, bp, raw, "")
		end(errOf(e))
		if e != nil {
			e.Stage = StageRefresh
			return nil, e
		}
	}
	return mergeRefreshed(old, fresh), nil
}

// refusal is what an invalid_grant answer to the refresh of old means: a
// dead grant ([ErrTokenExpired]: the stored token is deleted), unless old
// is bound to a DPoP key whose proof the request could not carry, since a
// server may answer invalid_grant to a missing or wrong proof
// (oidc-provider does): then the token is kept, for the instance that has
// the key. A refused proof (invalid_dpop_proof, use_dpop_nonce) is not an
// invalid_grant, and keeps the token too.
func (f *oauth2Flow) refusal(ctx context.Context, bp *Blueprint, old *Token) error {
	if !f.keyless(old) {
		return ErrTokenExpired
	}
	bp.log.ErrorContext(ctx, "dance: the provider refused to refresh a DPoP-bound token without its key's proof; the token is kept",
		"provider", bp.name, "hint", "give every instance the same DPoPKey")
	return fmt.Errorf("%w: %w", errRefresh, errDPoPKeyless)
}

// keyless reports whether tok is bound to a DPoP key that the blueprint
// does not have (none, or another one).
func (f *oauth2Flow) keyless(tok *Token) bool {
	jkt, _ := tok.Extra[dpop.ExtraJKT].(string)
	if jkt == "" && !isDPoP(tok) {
		return false
	}
	return f.dpop == nil || (jkt != "" && jkt != f.dpop.Key().Thumbprint())
}

// bearerOrDPoP writes the Authorization of an API call: a bearer token,
// or a DPoP-bound one, whose proof the blueprint's transport adds.
func (f *oauth2Flow) bearerOrDPoP(req *http.Request, tok *Token) error {
	if !isDPoP(tok) {
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		return nil
	}
	if f.keyless(tok) {
		return errDPoPKeyless
	}
	req.Header.Set("Authorization", "DPoP "+tok.AccessToken)
	return nil
}

// isDPoP reports whether tok's access token is DPoP-bound.
func isDPoP(tok *Token) bool { return strings.EqualFold(tok.TokenType, "DPoP") }

// refreshable reports whether tok can be refreshed: the blueprint has a
// refresh URL and the token a refresh token.
func (f *oauth2Flow) refreshable(tok *Token) bool {
	return f.refreshURL != "" && tok != nil && tok.RefreshToken != ""
}

// authorize adds the bearer or DPoP token (or the preset's own scheme).
func (f *oauth2Flow) authorize(req *http.Request, tok *Token) error {
	if f.authorizeFn != nil {
		return f.authorizeFn(req, tok)
	}
	return f.bearerOrDPoP(req, tok)
}

// exchange trades the code for a token through x/oauth2, keeping every
// field of the provider's response.
func (f *oauth2Flow) exchange(c *gin.Context, bp *Blueprint, code, verifier string) (*Token, *Error) {
	opts := f.tokenParams
	if verifier != "" {
		opts = append(slices.Clip(opts), oauth2.VerifierOption(verifier))
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), bp.timeout)
	defer cancel()
	return f.fetch(ctx, bp, StageToken, errTokenExchange, f.config(c, bp).Config, nil, func(ctx context.Context, cfg *oauth2.Config) (*oauth2.Token, error) {
		return cfg.Exchange(ctx, code, opts...)
	})
}

// secret is the client secret: ClientSecretFunc's, else the configured;
// none for a method that does not use one.
func (f *oauth2Flow) secret(ctx context.Context, bp *Blueprint, stage Stage) (string, *Error) {
	if !oauth2x.NeedsSecret(f.auth.Method) {
		return "", nil
	}
	if f.secretFn == nil {
		return f.cfg.ClientSecret, nil
	}
	s, err := f.secretFn(ctx)
	if err != nil {
		return "", &Error{Provider: bp.name, Stage: stage, Err: fmt.Errorf("making the client secret: %w", err)}
	}
	return s, nil
}
