// Package storage defines where dance keeps OAuth tokens: the [Storage]
// interface, the [Token] type, and the basic storages [Session] (the
// default, in the gin-contrib/sessions session), [Memory] and [Null].
//
// A Storage is keyed by the request's *gin.Context and the blueprint's name,
// so one storage can serve several blueprints, and a storage can find the
// current user (or session) from the request.
package storage

import (
	"errors"

	"github.com/gin-gonic/gin"
)

// Storage keeps OAuth tokens. Implementations must be safe for concurrent
// use.
type Storage interface {
	// Get returns the token stored for the blueprint name in the context
	// of request c, or (nil, nil) when there is none.
	Get(c *gin.Context, name string) (*Token, error)
	// Set stores tok for the blueprint name, replacing any earlier token.
	Set(c *gin.Context, name string, tok *Token) error
	// Delete removes the token for the blueprint name. Deleting a token
	// that is not there is not an error.
	Delete(c *gin.Context, name string) error
}

var (
	// ErrNoSession means that the request has no gin-contrib/sessions
	// session: add sessions.Sessions(...) to the router before dance.
	ErrNoSession = errors.New("storage: no session in the request context; add the gin-contrib/sessions middleware before dance's routes")
	// ErrTooLarge means that the token did not fit in the session cookie.
	// Use a server-side session store (for example gin-contrib/sessions'
	// Redis store) or a database storage for providers with large tokens.
	ErrTooLarge = errors.New("storage: token too large for the session cookie (about 4 KB); use a server-side session store or a database storage")
	// ErrUserRequired means that the storage needs a user to get, set or
	// delete a token, and the request has none.
	ErrUserRequired = errors.New("storage: cannot get/set/delete OAuth token without an associated user")
)
