package dance

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
)

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
	recent *expiring[string, *refreshResult]
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

func newRefresher() *refresher {
	return &refresher{recent: newExpiring[string, *refreshResult](refreshMemoryMax)}
}

func refreshKey(name, refreshToken string) string {
	sum := sha256.Sum256([]byte(name + "\x00" + refreshToken))
	return string(sum[:])
}

func (r *refresher) recall(key string) (*refreshResult, bool) { return r.recent.get(key) }

func (r *refresher) remember(key string, res *refreshResult) {
	r.recent.put(key, res, now().Add(refreshMemory))
}

// refreshable reports whether tok can be refreshed: the blueprint has a
// refresh URL and the token a refresh token.
func (f *oauth2Flow) refreshable(tok *Token) bool {
	return f.refreshURL != "" && tok != nil && tok.RefreshToken != ""
}

// Token returns the current user's token, loading it from storage on first
// use, and refreshed first when it has expired (within
// [Options.ExpiryLeeway]), as an x/oauth2 TokenSource does. A refresh saves the new token in
// the blueprint's storage, keeps the old refresh token when the provider
// sends none, and runs the [TokenRefreshedFunc] hooks. Every API call made
// through the client uses Token.
//
// It returns (nil, nil) when there is no token, and an error matching
// [ErrTokenExpired] when the token has expired and cannot be refreshed (no
// refresh token, a blueprint without RefreshURL, or a provider that refused
// the refresh with invalid_grant, in which case the stored token is
// deleted if it still carries the refused refresh token; when another
// instance of the app stored a newer token meanwhile, Token returns that
// one instead). A refresh that fails for another reason returns an error
// matching [ErrRefresh] and keeps the stored token. The error hooks run
// whenever a refresh was attempted and failed.
func (cl *Client) Token() (*Token, error) {
	tok, err := cl.load()
	if err != nil || tok == nil || !tok.Expired(now(), cl.bp.leeway) {
		return tok, err
	}
	return cl.refresh(tok)
}

// refresh replaces the expired token old, once per process for concurrent
// callers (and once per fleet with [Options.RefreshLock]), and saves the
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
		if res, ok := bp.refresher.recall(key); ok {
			return res, nil
		}
		res := cl.refreshOnce(ctx, old, key)
		called, saved = res.called, res.saved
		if res.err == nil || errors.Is(res.err, ErrTokenExpired) {
			bp.refresher.remember(key, res)
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
		bp.hooks.runError(cl.c, bp, &e)
		return nil, &e
	}
	tok := res.tok.Clone()
	if !saved {
		if err := bp.storage.Set(cl.c, bp.name, tok); err != nil {
			e := &Error{Provider: bp.name, Stage: StageStore, Err: err}
			bp.hooks.runError(cl.c, bp, e)
			return nil, e
		}
	}
	cl.mu.Lock()
	cl.tok, cl.err, cl.loaded = tok, nil, true
	cl.mu.Unlock()
	if called {
		bp.hooks.runTokenRefreshed(cl.c, bp, old, tok.Clone())
	}
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
	fresh, e := f.fetch(ctx, bp, StageRefresh, ErrRefresh, func(ctx context.Context) (*oauth2.Token, error) {
		return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
	})
	if e != nil {
		if e.Code == "invalid_grant" {
			e.Err = ErrTokenExpired
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
