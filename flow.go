package dance

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// flow is what the login route remembers in the session for the callback:
// the state and the checks set up with it. It is stored as one short
// string (see flowlayout.go) under the blueprint's own key, so it is bound
// to the blueprint and needs no gob registration.
type flow struct {
	// State ties the callback to this login: the OAuth 2 state, or the
	// OAuth 1 request token. It is also the key of the replay check.
	State    string `json:"s"`
	Verifier string `json:"v,omitempty"` // PKCE code verifier
	Nonce    string `json:"o,omitempty"` // OpenID Connect nonce
	Secret   string `json:"t,omitempty"` // OAuth 1 request-token secret
	Next     string `json:"n,omitempty"`
	Expires  int64  `json:"e"`
	Used     bool   `json:"u,omitempty"`

	// derived: State and Nonce are made from Verifier (see
	// deriveFromVerifier), so the session keeps the verifier only.
	derived bool

	// Scope, set by a step-up login ([Blueprint.Required] with scopes),
	// is what the server chose to ask for; nil asks the configured scopes.
	Scope []string `json:"c,omitempty"`
}

// now is the clock of the dance; tests may replace it.
var now = time.Now

// newState returns 32 bytes from crypto/rand, base64url-encoded.
func newState() string {
	var b [32]byte
	var s [43]byte
	rand.Read(b[:]) // never fails; see crypto/rand.Read
	base64.RawURLEncoding.Encode(s[:], b[:])
	return string(s[:])
}

// The labels that keep a state and a nonce made from one PKCE verifier
// apart from each other and from the verifier's S256 challenge.
const (
	stateLabel = "dance state\x00"
	nonceLabel = "dance nonce\x00"
)

// deriveFromVerifier fills in the state (and, with nonce, the OpenID
// Connect nonce) of a flow with a PKCE verifier: base64url SHA-256 of a
// label and the verifier. Both are sent to the provider anyway, and
// neither tells anything of the verifier (the hash is one-way), so the
// session needs to keep only the verifier: one random value instead of
// two or three, and a smaller cookie. Without PKCE, state and nonce stay
// random and stored.
func deriveFromVerifier(f *flow, nonce bool) {
	f.derived = true
	f.State = labelHash(stateLabel, f.Verifier)
	if nonce {
		f.Nonce = labelHash(nonceLabel, f.Verifier)
	}
}

// labelHash is base64url(SHA-256(label + v)).
func labelHash(label, v string) string {
	var buf [80]byte
	return keyOf(sha256.Sum256(append(append(buf[:0], label...), v...)))
}

// saveFlow writes f into the session and saves it.
func (bp *Blueprint) saveFlow(sess sessions.Session, f *flow) error {
	sess.Set(bp.flowKey, encodeFlow(f))
	if err := sess.Save(); err != nil {
		return storage.SaveError(err)
	}
	return nil
}

// loadFlow returns the session's flow for this blueprint, or nil.
func (bp *Blueprint) loadFlow(sess sessions.Session) *flow {
	raw, ok := sess.Get(bp.flowKey).(string)
	if !ok {
		return nil
	}
	return decodeFlow(raw)
}

// checkState verifies that got is the unused, unexpired state of f (or,
// in OAuth 1, its request token), in constant time. It returns mismatch,
// ErrStateUsed or ErrStateExpired, or nil. The record of used states is
// asked by [Blueprint.consume], which checks and records in one step.
func (bp *Blueprint) checkState(f *flow, got string, mismatch error) error {
	proof := got
	if f.Used {
		proof = usedProof(got) // a used flow keeps only this of its state
	}
	if subtle.ConstantTimeCompare([]byte(proof), []byte(f.State)) != 1 {
		return mismatch
	}
	if f.Used {
		return ErrStateUsed
	}
	if now().Unix() > f.Expires {
		return ErrStateExpired
	}
	return nil
}

// consume marks f used, in the session and in the record of used states,
// so that the same callback cannot be played twice: not with the new
// cookie (the session says used) and not with the old one, on this
// instance or, with a shared record, on another (the record remembers).
// It returns ErrStateUsed when the record already had the state, and the
// record's own error when it cannot answer.
func (bp *Blueprint) consume(ctx context.Context, sess sessions.Session, f *flow) error {
	sum := stateHash(f.State)
	// The used record keeps the login's expiry: Required tells by it that
	// a visitor has just come back from the provider (see anonymous.go).
	sess.Set(bp.flowKey, encodeFlow(&flow{State: proofOf(sum), Used: true, Expires: f.Expires}))
	var first bool
	var err error
	if r, ok := bp.used.(*replayCache); ok {
		first = r.useHash(sum, time.Unix(f.Expires, 0)) // the in-process record takes the hash as it is
	} else {
		first, err = bp.used.Use(ctx, keyOf(sum), time.Unix(f.Expires, 0))
	}
	switch {
	case err != nil:
		return fmt.Errorf("dance: record of used states: %w", err)
	case !first:
		return ErrStateUsed
	}
	return nil
}

// usedKey is the key of a state in the record of used states: a hash, so
// that no state is kept there.
func usedKey(state string) string { return keyOf(stateHash(state)) }

// keyOf is the key of a state in the record of used states, from the
// state's hash.
func keyOf(sum [32]byte) string {
	var b [43]byte
	base64.RawURLEncoding.Encode(b[:], sum[:])
	return string(b[:])
}

// stateHash is the SHA-256 of a state (or a PKCE verifier), hashed
// without a heap copy of it.
func stateHash(state string) [32]byte {
	var buf [64]byte
	return sha256.Sum256(append(buf[:0], state...))
}

// replayCache remembers used states until they expire. It is bounded
// (see [expiring]), and keyed by a hash so that no state stays in memory.
// When it is full of live states, dropping some only weakens the replay
// check for states that the session marker also protects.
type replayCache struct{ *expiring[[32]byte, struct{}] }

// replayCacheMax bounds the replay cache.
const replayCacheMax = 100_000

func newReplayCache() *replayCache {
	return &replayCache{newExpiring[[32]byte, struct{}](replayCacheMax)}
}

// Use implements [statestore.Store] in the process; key is a state's
// [usedKey], the base64 form of the hash that the cache keeps (any other
// key is hashed).
func (r *replayCache) Use(_ context.Context, key string, until time.Time) (bool, error) {
	var sum [32]byte
	if len(key) != 43 {
		sum = stateHash(key)
	} else if n, err := base64.RawURLEncoding.Decode(sum[:], []byte(key)); err != nil || n != len(sum) {
		sum = stateHash(key)
	}
	return r.useHash(sum, until), nil
}

// useHash records the state whose hash is sum, used until until, and
// reports whether it was not recorded yet.
func (r *replayCache) useHash(sum [32]byte, until time.Time) bool {
	return r.putNew(sum, struct{}{}, until)
}

// safeNext returns next if it is a same-origin relative path ("/a/b?c"),
// and "" otherwise: absolute URLs, scheme-relative ("//host"), backslash
// tricks ("/\host"), and control characters are all refused.
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return ""
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return ""
	}
	for i := 0; i < len(next); i++ {
		if ch := next[i]; ch < 0x20 || ch == 0x7f || ch == '\\' {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return next
}

// nextURL is where the user goes after the dance: the remembered next
// path, else RedirectURL, else RedirectTo, else "/".
func (bp *Blueprint) nextURL(f *flow) string {
	switch {
	case f != nil && f.Next != "":
		return f.Next
	case bp.redirectURL != "":
		return bp.redirectURL
	case bp.redirectTo != "":
		return bp.redirectTo
	}
	return "/"
}

// absoluteURL makes path absolute for the current request: from PublicURL
// when set, else from the request, honouring X-Forwarded-Proto and
// X-Forwarded-Host only when the peer is a trusted proxy.
func (bp *Blueprint) absoluteURL(c *gin.Context, path string) string {
	scheme, host, prefix := bp.origin(c)
	return scheme + "://" + host + prefix + path
}

// origin is what [Blueprint.absoluteURL] puts before the path, in parts,
// so that a caller can compare a URL with it without building one.
func (bp *Blueprint) origin(c *gin.Context) (scheme, host, prefix string) {
	if bp.public != nil {
		return bp.public.Scheme, bp.public.Host, bp.public.Path
	}
	scheme, host = "http", c.Request.Host
	if c.Request.TLS != nil {
		scheme = "https"
	}
	if bp.fromTrustedProxy(c) {
		if p := firstHeader(c, "X-Forwarded-Proto"); p == "http" || p == "https" {
			scheme = p
		}
		if h := firstHeader(c, "X-Forwarded-Host"); validHost(h) {
			host = h
		}
	}
	return scheme, host, ""
}

func firstHeader(c *gin.Context, name string) string {
	v := c.GetHeader(name)
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(strings.TrimSpace(v))
}

func validHost(h string) bool {
	if h == "" || strings.ContainsAny(h, "/\\@?# \t") {
		return false
	}
	u, err := url.Parse("http://" + h)
	return err == nil && u.Host == h
}

func (bp *Blueprint) fromTrustedProxy(c *gin.Context) bool {
	if len(bp.trusted) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		host = c.Request.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range bp.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// fail runs the error hooks for e and, unless a hook answered, answers with
// status and the default error answer (see answerError), which carries an
// error ID that the log line carries too, and never the error's text.
func (bp *Blueprint) fail(c *gin.Context, status int, e *Error) {
	id := newErrorID()
	bp.logFailure(c, e, id)
	bp.saveSession(c)
	bp.hooks.runError(c, bp, e)
	if answered(c) {
		return
	}
	bp.answerError(c, status, e, id)
}

// failRedirect runs the error hooks for e and, unless a hook answered,
// redirects to the next URL (Flask-Dance's behaviour for provider errors
// and storage errors).
func (bp *Blueprint) failRedirect(c *gin.Context, f *flow, e *Error) {
	bp.logFailure(c, e, newErrorID())
	bp.saveSession(c)
	bp.hooks.runError(c, bp, e)
	if answered(c) {
		return
	}
	c.Redirect(http.StatusFound, bp.nextURL(f))
}

// sessionOrFail returns the request's session, or answers 500.
func (bp *Blueprint) sessionOrFail(c *gin.Context, stage Stage) (sessions.Session, bool) {
	sess, err := storage.SessionFrom(c)
	if err != nil {
		bp.fail(c, http.StatusInternalServerError, &Error{Provider: bp.name, Stage: stage, Err: err})
		return nil, false
	}
	return sess, true
}

// isTimeout reports whether err is a deadline or timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func decodeJSON(r io.Reader, v any) error {
	return json.NewDecoder(io.LimitReader(r, 16<<20)).Decode(v)
}

// admit ends the proof check of a callback (the state, or OAuth 1's
// request token): on a failed check it answers 403 after the error hooks,
// dropping an expired flow; otherwise it consumes the flow, so that the
// callback cannot be played again. It reports whether the callback may go
// on.
func (bp *Blueprint) admit(c *gin.Context, sess sessions.Session, fl *flow, checkErr error) bool {
	if checkErr != nil {
		if errors.Is(checkErr, ErrStateExpired) {
			sess.Delete(bp.flowKey)
			_ = sess.Save()
		}
		bp.fail(c, http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: checkErr})
		return false
	}
	// The session is saved with the "used" marker before any answer:
	// by fail and failRedirect, before the authorized hooks, or by the
	// token's own save (see finish), so the hot path saves it once.
	if err := bp.consume(c.Request.Context(), sess, fl); err != nil {
		status := http.StatusForbidden
		if !errors.Is(err, ErrStateUsed) {
			status = http.StatusServiceUnavailable
		}
		bp.fail(c, status, &Error{Provider: bp.name, Stage: StageState, Err: err})
		return false
	}
	return true
}

// declined handles a callback on which the provider reports that the user
// said no (or another error): the flow is consumed when the callback
// proves it belongs to it (checkErr is nil), then the error hooks run and
// the user goes to the next URL, as in Flask-Dance. Nothing is fetched.
func (bp *Blueprint) declined(c *gin.Context, sess sessions.Session, fl *flow, checkErr error, e *Error) {
	if fl != nil && checkErr == nil {
		_ = bp.consume(c.Request.Context(), sess, fl) // a replayed refusal changes nothing
		bp.noteStepUp(c, fl, nil)
		_ = sess.Save() // best effort: the record of used states backs it up
	}
	bp.failRedirect(c, fl, e)
}

// saveSession saves what the dance changed in the session (a used state)
// before an answer is written; it does nothing when nothing changed. A
// failure is not the user's problem here: the process's replay check
// still refuses the state.
func (bp *Blueprint) saveSession(c *gin.Context) {
	if sess, err := storage.SessionFrom(c); err == nil {
		_ = sess.Save()
	}
}
