// Package flowstate is the login record that a blueprint keeps in the
// session between its login route and its callback: the state and the
// checks set up with it (PKCE verifier, OpenID Connect nonce, OAuth 1
// request-token secret), its session codec, and the record of used
// states that refuses a replayed callback.
package flowstate

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"time"

	"github.com/gin-dance/dance/internal/expiring"
)

// Lifetime is how long a login may take before its state expires.
const Lifetime = 10 * time.Minute

// Record is what the login route remembers in the session for the
// callback. It is stored as one short string (see [Encode]) under the
// blueprint's own key, so it is bound to the blueprint and needs no gob
// registration.
type Record struct {
	// State ties the callback to this login: the OAuth 2 state, or the
	// OAuth 1 request token. It is also the key of the replay check.
	State    string `json:"s"`
	Verifier string `json:"v,omitempty"` // PKCE code verifier
	Nonce    string `json:"o,omitempty"` // OpenID Connect nonce
	Secret   string `json:"t,omitempty"` // OAuth 1 request-token secret
	Next     string `json:"n,omitempty"`
	Expires  int64  `json:"e"`
	Used     bool   `json:"u,omitempty"`

	// derived: State and Nonce are made from Verifier (see Derive), so
	// the session keeps the verifier only.
	derived bool

	// Scope, set by a step-up login, is what the server chose to ask
	// for; nil asks the configured scopes.
	Scope []string `json:"c,omitempty"`
}

// Errors of [Record.Check].
var (
	ErrUsed    = errors.New("state already used")
	ErrExpired = errors.New("state expired; start the login again")
)

// NewState returns 32 bytes from crypto/rand, base64url-encoded: a state,
// a nonce, or a PKCE verifier (x/oauth2's GenerateVerifier makes the same).
func NewState() string {
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

// Derive fills in the state (and, with nonce, the OpenID Connect nonce)
// of a record with a PKCE verifier: base64url SHA-256 of a label and the
// verifier. Both are sent to the provider anyway, and neither tells
// anything of the verifier (the hash is one-way), so the session needs to
// keep only the verifier: one random value instead of two or three, and a
// smaller cookie. Without PKCE, state and nonce stay random and stored.
func (r *Record) Derive(nonce bool) {
	r.derived = true
	r.State = labelHash(stateLabel, r.Verifier)
	if nonce {
		r.Nonce = labelHash(nonceLabel, r.Verifier)
	}
}

// labelHash is base64url(SHA-256(label + v)).
func labelHash(label, v string) string {
	var buf [80]byte
	return Key(sha256.Sum256(append(append(buf[:0], label...), v...)))
}

// Check verifies that got is the unused, unexpired state of r (or, in
// OAuth 1, its request token), in constant time. It returns mismatch,
// [ErrUsed] or [ErrExpired], or nil.
func (r *Record) Check(got string, mismatch error, now time.Time) error {
	proof := got
	if r.Used {
		proof = UsedProof(got) // a used record keeps only this of its state
	}
	if subtle.ConstantTimeCompare([]byte(proof), []byte(r.State)) != 1 {
		return mismatch
	}
	if r.Used {
		return ErrUsed
	}
	if now.Unix() > r.Expires {
		return ErrExpired
	}
	return nil
}

// UsedRecord is what the session keeps of r once its callback has come:
// the proof of its state (whose hash is sum) and its expiry.
func UsedRecord(sum [32]byte, expires int64) *Record {
	return &Record{State: proofOf(sum), Used: true, Expires: expires}
}

// S256Challenge is the PKCE S256 challenge of verifier, as
// oauth2.S256ChallengeFromVerifier makes it (base64url of SHA-256).
func S256Challenge(verifier string) string { return Key(Hash(verifier)) }

// Key is the key of a state in the record of used states, from the
// state's hash: base64url, so that no state is kept there.
func Key(sum [32]byte) string {
	var b [43]byte
	base64.RawURLEncoding.Encode(b[:], sum[:])
	return string(b[:])
}

// Hash is the SHA-256 of a state (or a PKCE verifier), hashed without a
// heap copy of it.
func Hash(state string) [32]byte {
	var buf [64]byte
	return sha256.Sum256(append(buf[:0], state...))
}

// UsedProof is what a used record keeps of its state: enough to tell a
// replayed callback ([ErrUsed]) from another one (a mismatch), in a third
// of the bytes, and no state.
func UsedProof(state string) string { return proofOf(Hash(state)) }

// proofOf is [UsedProof] from the state's hash.
func proofOf(sum [32]byte) string {
	var b [22]byte
	base64.RawURLEncoding.Encode(b[:], sum[:16])
	return string(b[:])
}

// ReplayCache remembers used states until they expire, in this process.
// It is bounded, and keyed by a hash so that no state stays in memory.
// When it is full of live states, dropping some only weakens the replay
// check for states that the session's used record also protects.
type ReplayCache struct {
	m *expiring.Map[[32]byte, struct{}]
}

// ReplayCacheMax bounds a [ReplayCache].
const ReplayCacheMax = 100_000

// NewReplayCache returns an empty cache whose expiry is read on now.
func NewReplayCache(now func() time.Time) *ReplayCache {
	return &ReplayCache{expiring.New[[32]byte, struct{}](ReplayCacheMax, now)}
}

// Use implements statestore.Store in the process; key is a state's
// [Key], the base64 form of the hash that the cache keeps (any other key
// is hashed).
func (r *ReplayCache) Use(_ context.Context, key string, until time.Time) (bool, error) {
	var sum [32]byte
	if len(key) != 43 {
		sum = Hash(key)
	} else if n, err := base64.RawURLEncoding.Decode(sum[:], []byte(key)); err != nil || n != len(sum) {
		sum = Hash(key)
	}
	return r.UseHash(sum, until), nil
}

// UseHash records the state whose hash is sum, used until until, and
// reports whether it was not recorded yet.
func (r *ReplayCache) UseHash(sum [32]byte, until time.Time) bool {
	return r.m.PutNew(sum, struct{}{}, until)
}
