package dance

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/gin-dance/dance/storage"
)

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
		return &refreshResult{err: &Error{Provider: bp.name, Stage: StageRefresh, Err: fmt.Errorf("%w: taking the refresh lock: %w", ErrRefresh, err)}}
	}
	defer unlock()
	if cur, err := bp.storage.Get(cl.c, bp.name); err == nil && refreshedElsewhere(cur, old, bp) {
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
func refreshedElsewhere(cur, old *Token, bp *Blueprint) bool {
	return cur != nil && cur.AccessToken != old.AccessToken && !cur.Expired(now(), bp.leeway)
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
	usable := refreshedElsewhere(cur, old, bp)
	cl.mu.Lock()
	cl.tok, cl.err, cl.loaded = cur, nil, true
	cl.mu.Unlock()
	if usable {
		bp.log.DebugContext(ctx, "dance: refresh refused, but another instance had stored a newer token", "provider", bp.name)
		return cur
	}
	return nil
}
