package storage

import (
	"fmt"
	"strings"
	"sync"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance/internal/session"
	"github.com/gin-gonic/gin"
)

// DefaultSessionKey is the session key format used by [Session]: "{name}"
// is replaced by the blueprint's name.
const DefaultSessionKey = "{name}_oauth_token"

// Session stores tokens in the user's gin-contrib/sessions session. It is
// the default storage.
//
// The token is kept as one short string (see sessionlayout.go), not as
// its JSON object, so no gob registration is needed and the
// cookie stays small; tokens kept as JSON by earlier versions of dance
// are read too.
//
// Set saves the session at once: with a cookie store, a token too large for
// the cookie gives [ErrTooLarge] instead of being lost silently.
type Session struct {
	// Key is the session key format; "{name}" is replaced by the
	// blueprint's name. Empty means [DefaultSessionKey]. Set it before
	// the storage is used.
	Key string

	keys sync.Map // blueprint name → session key, as an interface value
}

// NewSession returns a session storage with the default key format.
func NewSession() *Session { return &Session{} }

// key returns the session key of name's token, as an interface value: a
// session is a map[any]any, and turning a string into an interface on
// every lookup would allocate.
func (s *Session) key(name string) any {
	if v, ok := s.keys.Load(name); ok {
		return v
	}
	format := s.Key
	if format == "" {
		format = DefaultSessionKey
	}
	v, _ := s.keys.LoadOrStore(name, any(strings.ReplaceAll(format, "{name}", name)))
	return v
}

// sessionFrom returns the gin-contrib/sessions session of c, or
// [ErrNoSession] when the sessions middleware did not run.
func sessionFrom(c *gin.Context) (sessions.Session, error) {
	if sess, ok := session.From(c); ok {
		return sess, nil
	}
	return nil, ErrNoSession
}

// Get implements [Storage].
func (s *Session) Get(c *gin.Context, name string) (*Token, error) {
	sess, err := sessionFrom(c)
	if err != nil {
		return nil, err
	}
	raw, ok := sess.Get(s.key(name)).(string)
	if !ok || raw == "" {
		return nil, nil
	}
	tok := new(Token)
	// Decoding the session's string as is saves copying it; the token's
	// fields share its memory.
	if err := decodeSession(raw, tok); err != nil {
		return nil, fmt.Errorf("storage: session token for %q: %w", name, err)
	}
	return tok, nil
}

// Set implements [Storage]. It saves the session, so it must be called
// before the response is written.
func (s *Session) Set(c *gin.Context, name string, tok *Token) error {
	sess, err := sessionFrom(c)
	if err != nil {
		return err
	}
	v, err := encodeSession(tok)
	if err != nil {
		return fmt.Errorf("storage: encoding token for %q: %w", name, err)
	}
	key := s.key(name)
	prev := sess.Get(key)
	sess.Set(key, v)
	if err := sess.Save(); err != nil {
		// Put back what was there: leaving the new token would make a
		// later save fail the same way and take the rest of the session
		// with it, and deleting it would lose the token of an earlier
		// login as soon as anything (an error hook's flash message) saves
		// the session.
		if prev != nil {
			sess.Set(key, prev)
		} else {
			sess.Delete(key)
		}
		return session.SaveError(err, ErrTooLarge)
	}
	return nil
}

// Delete implements [Storage]. Deleting a missing token is not an error.
func (s *Session) Delete(c *gin.Context, name string) error {
	sess, err := sessionFrom(c)
	if err != nil {
		return err
	}
	key := s.key(name)
	if sess.Get(key) == nil {
		return nil
	}
	sess.Delete(key)
	if err := sess.Save(); err != nil {
		return session.SaveError(err, ErrTooLarge)
	}
	return nil
}
