package storage

import (
	"fmt"
	"strings"
	"sync"

	"github.com/gin-contrib/sessions"
	"github.com/gin-gonic/gin"
)

// DefaultSessionKey is the session key format used by [Session]: "{name}"
// is replaced by the blueprint's name, as Flask-Dance's "{bp.name}".
const DefaultSessionKey = "{name}_oauth_token"

// Session stores tokens in the user's gin-contrib/sessions session. It is
// the default storage, the Go form of Flask-Dance's SessionStorage.
//
// The token is kept as one short string (see sessionlayout.go), not as
// Flask-Dance's JSON object, so no gob registration is needed and the
// cookie stays small; tokens kept as JSON by earlier versions of dance
// are read too.
//
// Set saves the session at once: with a cookie store, a token too large for
// the cookie gives [ErrTooLarge] instead of being lost silently.
type Session struct {
	// Key is the session key format; "{name}" is replaced by the
	// blueprint's name. Empty means [DefaultSessionKey]. It is the Go form
	// of SessionStorage's key argument.
	Key string
}

// NewSession returns a session storage with the default key format.
func NewSession() *Session { return &Session{} }

// key returns the session key of name's token, as an interface value: a
// session is a map[any]any, and turning a string into an interface on
// every lookup would allocate.
func (s *Session) key(name string) any {
	format := s.Key
	if format == "" {
		format = DefaultSessionKey
	}
	k := [2]string{format, name}
	sessionKeys.RLock()
	v, ok := sessionKeys.m[k]
	sessionKeys.RUnlock()
	if ok {
		return v
	}
	v = any(strings.ReplaceAll(format, "{name}", name))
	sessionKeys.Lock()
	if len(sessionKeys.m) < maxSessionKeys {
		sessionKeys.m[k] = v
	}
	sessionKeys.Unlock()
	return v
}

// sessionKeys caches [Session.key] by key format and blueprint name.
var sessionKeys = struct {
	sync.RWMutex
	m map[[2]string]any
}{m: make(map[[2]string]any)}

// maxSessionKeys bounds sessionKeys; an app has a few blueprints.
const maxSessionKeys = 1024

// SessionFrom returns the gin-contrib/sessions session of c, or
// [ErrNoSession] when the sessions middleware did not run.
func SessionFrom(c *gin.Context) (sessions.Session, error) {
	v, ok := c.Get(sessions.DefaultKey)
	if !ok {
		return nil, ErrNoSession
	}
	s, ok := v.(sessions.Session)
	if !ok {
		return nil, ErrNoSession
	}
	return s, nil
}

// Get implements [Storage].
func (s *Session) Get(c *gin.Context, name string) (*Token, error) {
	sess, err := SessionFrom(c)
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
	sess, err := SessionFrom(c)
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
		return SaveError(err)
	}
	return nil
}

// Delete implements [Storage]. Deleting a missing token is not an error.
func (s *Session) Delete(c *gin.Context, name string) error {
	sess, err := SessionFrom(c)
	if err != nil {
		return err
	}
	key := s.key(name)
	if sess.Get(key) == nil {
		return nil
	}
	sess.Delete(key)
	if err := sess.Save(); err != nil {
		return SaveError(err)
	}
	return nil
}

// SaveError turns an error from saving a gin-contrib/sessions session into
// one that says what went wrong; an over-long cookie becomes [ErrTooLarge].
func SaveError(err error) error {
	if strings.Contains(err.Error(), "too long") {
		return ErrTooLarge
	}
	return fmt.Errorf("storage: saving the session: %w", err)
}
