// Package sessionstore makes the gin-contrib/sessions cookie store with
// safe settings: strong keys, checked at startup, and cookies that are
// HttpOnly, SameSite=Lax, Path=/ and, on https, Secure.
package sessionstore

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
)

// Config is the cookie store's settings.
type Config struct {
	// HashKey signs the cookie (HMAC-SHA256). At least 32 random bytes.
	HashKey []byte
	// BlockKey encrypts the cookie (AES): 16, 24 or 32 random bytes.
	// Required unless SignedOnly is set, because dance's default storage
	// keeps the token in the session.
	BlockKey []byte
	// SignedOnly allows a cookie that is signed but not encrypted
	// (no BlockKey). Set it only when no token lives in the session, for
	// example with storage/gormstore.
	SignedOnly bool
	// PublicURL is the app's external origin, as in dance.Options; the
	// cookie is Secure when it is https.
	PublicURL string
	// MaxAge is the cookie's lifetime in seconds; 0 means until the
	// browser closes.
	MaxAge int
}

// NewCookie returns a cookie store built from cfg, or an error that names
// the weak setting: a hash key under 32 bytes, a block key that is not
// 16, 24 or 32 bytes, or no block key without SignedOnly.
func NewCookie(cfg Config) (cookie.Store, error) {
	if len(cfg.HashKey) < 32 {
		return nil, fmt.Errorf("sessionstore: the hash key has %d bytes; use at least 32 random bytes", len(cfg.HashKey))
	}
	switch len(cfg.BlockKey) {
	case 16, 24, 32:
	case 0:
		if !cfg.SignedOnly {
			return nil, errors.New("sessionstore: no block key: the token would be readable in the cookie; give 32 random bytes (or set SignedOnly when no token lives in the session)")
		}
	default:
		return nil, fmt.Errorf("sessionstore: the block key has %d bytes; it must be 16, 24 or 32", len(cfg.BlockKey))
	}
	secure := false
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("sessionstore: PublicURL %q is not an http(s) URL", cfg.PublicURL)
		}
		secure = u.Scheme == "https"
	}
	keys := [][]byte{cfg.HashKey}
	if len(cfg.BlockKey) > 0 {
		keys = append(keys, cfg.BlockKey)
	}
	store := cookie.NewStore(keys...)
	store.Options(Options(secure, cfg.MaxAge))
	return store, nil
}

// Options are the safe cookie options, for any gin-contrib/sessions store
// (Redis, memstore, …): HttpOnly, SameSite=Lax, Path=/, and Secure when
// secure is true.
func Options(secure bool, maxAge int) sessions.Options {
	return sessions.Options{Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}
