package logout

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The refusals of the return from the provider's end-session endpoint.
var (
	ErrNoLogout      = errors.New("no logout is in progress in this session")
	ErrStateMismatch = errors.New("the logout's state is not this session's")
	ErrStateExpired  = errors.New("the logout's state has expired")
	ErrStateUsed     = errors.New("the logout's state was used before")
	ErrCrossSite     = errors.New("the logout request does not come from the app's own pages (its Origin, Sec-Fetch-Site or Referer)")
)

// Pending is the logout that the logout route started: what the session
// keeps until the provider sends the browser back.
type Pending struct {
	Sum     [32]byte // SHA-256 of the state, never the state
	Expires int64    // Unix seconds
	Next    string
}

// NewPending starts a logout that returns to next, valid for life.
func NewPending(state, next string, now time.Time, life time.Duration) *Pending {
	return &Pending{Sum: sha256.Sum256([]byte(state)), Expires: now.Add(life).Unix(), Next: next}
}

// Encode is p as a session value.
func (p *Pending) Encode() string {
	return base64.RawURLEncoding.EncodeToString(p.Sum[:]) + "|" + strconv.FormatInt(p.Expires, 10) + "|" + p.Next
}

// DecodePending reads a session value; nil when it is not one.
func DecodePending(raw string) *Pending {
	sum, rest, ok := strings.Cut(raw, "|")
	if !ok {
		return nil
	}
	exp, next, ok := strings.Cut(rest, "|")
	if !ok {
		return nil
	}
	p := &Pending{Next: next}
	b, err := base64.RawURLEncoding.DecodeString(sum)
	if err != nil || len(b) != len(p.Sum) {
		return nil
	}
	copy(p.Sum[:], b)
	if p.Expires, err = strconv.ParseInt(exp, 10, 64); err != nil {
		return nil
	}
	return p
}

// Check compares the returned state with p's, in constant time, and
// checks that p is still valid.
func (p *Pending) Check(state string, now time.Time) error {
	got := sha256.Sum256([]byte(state))
	if state == "" || subtle.ConstantTimeCompare(got[:], p.Sum[:]) != 1 {
		return ErrStateMismatch
	}
	if now.Unix() > p.Expires {
		return ErrStateExpired
	}
	return nil
}

// Key is the key of p's state in the record of used states.
func (p *Pending) Key() string {
	return "logout:" + base64.RawURLEncoding.EncodeToString(p.Sum[:])
}

// EndSessionURL is the end-session endpoint with the parameters of
// RP-Initiated Logout 1.0 section 2 added to its own query; an empty
// idTokenHint is left out.
func EndSessionURL(endpoint, idTokenHint, postLogout, clientID, state string) string {
	u, err := url.Parse(endpoint)
	if err != nil { // checked when the blueprint was built
		return endpoint
	}
	q := u.Query()
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	q.Set("post_logout_redirect_uri", postLogout)
	q.Set("client_id", clientID)
	q.Set("state", state)
	u.RawQuery = q.Encode()
	return u.String()
}

// SameOrigin reports whether r, a POST to the logout route, comes from a
// page of the app's origin (scheme://host): by its Origin header, which
// browsers send with every POST; else by Sec-Fetch-Site; else by its
// Referer. A request with none of them (not a browser's) is refused, so
// that no other site can log a user out (a cross-site form POST always
// carries an Origin).
func SameOrigin(r *http.Request, origin string) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		return strings.EqualFold(o, origin)
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return true
	case "":
	default:
		return false
	}
	ref, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || ref.Host == "" {
		return false
	}
	return strings.EqualFold(ref.Scheme+"://"+ref.Host, origin)
}
