// Package session holds what dance does with the request's
// gin-contrib/sessions session beyond reading and writing values: finding
// it, naming a failed save, and renewing its ID at login.
package session

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-contrib/sessions"
	"github.com/gin-gonic/gin"
	gsessions "github.com/gorilla/sessions"
)

// From returns the gin-contrib/sessions session of c, and false when the
// sessions middleware did not run.
func From(c *gin.Context) (sessions.Session, bool) {
	v, ok := c.Get(sessions.DefaultKey)
	if !ok {
		return nil, false
	}
	s, ok := v.(sessions.Session)
	return s, ok
}

// SaveError turns an error from saving a session into one that says what
// went wrong: an over-long cookie becomes tooLarge.
func SaveError(err, tooLarge error) error {
	if strings.Contains(err.Error(), "too long") {
		return tooLarge
	}
	return fmt.Errorf("saving the session: %w", err)
}

// Renew gives the session a fresh ID before a token is attached to
// it, so that a session ID planted in the browser before the login (session
// fixation) never reads the token. It applies to stores whose cookie holds
// only an ID (Redis, memstore, databases): the old ID is deleted on the
// server, the values are kept, and the next save issues a new ID. The
// cookie store has no ID and is left as it is.
func Renew(sess sessions.Session, r *http.Request) error {
	s, ok := sess.(interface{ Session() *gsessions.Session })
	if !ok {
		return nil
	}
	gs := s.Session()
	if gs == nil || gs.ID == "" || gs.Store() == nil {
		return nil
	}
	// Delete the old ID the gorilla way (MaxAge < 0, then Save) on a
	// copy with no values, whose cookie goes nowhere: the browser gets
	// the new one.
	opts := gsessions.Options{MaxAge: -1}
	if gs.Options != nil {
		opts = *gs.Options
		opts.MaxAge = -1
	}
	old := gsessions.NewSession(gs.Store(), gs.Name())
	old.ID, old.Options = gs.ID, &opts
	if err := gs.Store().Save(r, discardWriter{}, old); err != nil {
		return fmt.Errorf("renewing the session: %w", err)
	}
	gs.ID = ""
	gs.IsNew = true
	sess.Set(renewedKey, true) // marks the session written, so it is saved
	sess.Delete(renewedKey)
	return nil
}

// renewedKey is set and deleted at once to mark a renewed session as changed.
const renewedKey = "_dance_renewed"

// discardWriter is a response writer that drops what it is given.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}
