package gormstore

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/gin-dance/dance/storage"
)

// ErrDecrypt is wrapped by every error about a token the store cannot
// decrypt: an unknown key ID, a wrong key, a truncated or edited
// ciphertext, an unknown envelope version, or a row copied from another
// table, provider or user. Match it with errors.Is. The error text names
// the table, provider, user ID and key ID, and never holds key material,
// ciphertext or plaintext.
var ErrDecrypt = errors.New("gormstore: cannot decrypt the stored token")

// KeySize is the size of a token key in bytes: AES-256.
const KeySize = 32

// envelopeVersion is the "v" of the envelopes this package writes.
const envelopeVersion = 1

// Key is one AES-256-GCM token key with its ID. The ID is stored next to
// every ciphertext (in the "kid" of the envelope), so that a [Cipher]
// finds the key that opens a row; it is not secret. Make one with
// [NewKey] or [DeriveKey].
type Key struct {
	id   string
	aead cipher.AEAD
}

// ID returns the key's ID.
func (k Key) ID() string { return k.id }

// String returns the key's ID only, so that printing a Key never shows
// key material.
func (k Key) String() string { return "gormstore.Key(" + k.id + ")" }

// NewKey returns the key with ID id made of raw, which must be exactly
// [KeySize] (32) bytes from a cryptographic random source, for example
//
//	head -c 32 /dev/urandom | base64
//
// kept in a secret manager. This is the recommended constructor: a random
// key has full strength whatever happens to any other secret of the app.
// id must be 1 to 32 characters of A–Z, a–z, 0–9, '.', '_' and '-', for
// example "2026-01". raw is copied.
func NewKey(id string, raw []byte) (Key, error) {
	if err := checkKeyID(id); err != nil {
		return Key{}, err
	}
	if len(raw) != KeySize {
		return Key{}, fmt.Errorf("gormstore: key %s: %d bytes, want %d", id, len(raw), KeySize)
	}
	block, err := aes.NewCipher(raw) // copies the key schedule out of raw
	if err != nil {
		return Key{}, fmt.Errorf("gormstore: key %s: %w", id, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return Key{}, fmt.Errorf("gormstore: key %s: %w", id, err)
	}
	return Key{id: id, aead: aead}, nil
}

// DeriveKey returns the key with ID id derived from secret with HKDF
// (SHA-256, RFC 5869), for apps that already hold one high-entropy secret,
// such as a session key, and want no second one to manage. The key ID is
// part of HKDF's info, so each ID gives an independent key from one
// secret, and the token key is independent of every other use of the
// secret. secret must be at least 32 bytes of random data: HKDF does not
// stretch a password, so never pass one. Prefer [NewKey] when you can
// store a separate key; with DeriveKey, anyone who learns the secret can
// decrypt every token, and rotating the key under a new ID does not help
// against a leaked secret (rotate the secret too).
func DeriveKey(id string, secret []byte) (Key, error) {
	if err := checkKeyID(id); err != nil {
		return Key{}, err
	}
	if len(secret) < KeySize {
		return Key{}, fmt.Errorf("gormstore: key %s: the secret has %d bytes, want at least %d random bytes", id, len(secret), KeySize)
	}
	raw, err := hkdf.Key(sha256.New, secret, nil, "github.com/gin-dance/dance/storage/gormstore token key "+id, KeySize)
	if err != nil {
		return Key{}, fmt.Errorf("gormstore: key %s: %w", id, err)
	}
	defer clear(raw)
	return NewKey(id, raw)
}

func checkKeyID(id string) error {
	if id == "" || len(id) > 32 {
		return fmt.Errorf("gormstore: key ID %q: want 1 to 32 characters", clip(id))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("gormstore: key ID %q: only A-Z, a-z, 0-9, '.', '_' and '-' are allowed", clip(id))
		}
	}
	return nil
}

// Cipher encrypts tokens at rest with AES-256-GCM under a keyring: the
// current key encrypts every token written, and the current key and the
// older keys decrypt. Set it as [Config.Cipher]. It is safe for
// concurrent use.
//
// A stored token becomes the JSON envelope
//
//	{"v":1,"kid":"2026-01","ct":"<base64url of nonce and ciphertext>"}
//
// in the same token column, still valid JSON for its json or jsonb type.
// The ciphertext is bound, as GCM's associated data, to the table, the
// provider (the blueprint's name) and the user ID (or to "no user"), so a
// row copied onto another user's, provider's or table's row fails with
// [ErrDecrypt] instead of giving someone else's token.
//
// To rotate, make the new key current and keep the old one in the list
// until [Store.Rekey] has rewritten every row; then drop it.
type Cipher struct {
	current Key
	keys    map[string]Key
}

// NewCipher returns a cipher that encrypts with current and decrypts with
// current and old. Key IDs must be distinct.
func NewCipher(current Key, old ...Key) (*Cipher, error) {
	c := &Cipher{current: current, keys: map[string]Key{}}
	for _, k := range append([]Key{current}, old...) {
		if k.aead == nil {
			return nil, errors.New("gormstore: NewCipher: a zero Key; make keys with NewKey or DeriveKey")
		}
		if _, dup := c.keys[k.id]; dup {
			return nil, fmt.Errorf("gormstore: NewCipher: key ID %s is used twice", k.id)
		}
		c.keys[k.id] = k
	}
	return c, nil
}

// CurrentKeyID returns the ID of the key that encrypts.
func (c *Cipher) CurrentKeyID() string { return c.current.id }

// envelope is the stored form of an encrypted token, parsed. kid and ct
// may point into the stored value.
type envelope struct {
	v       int
	kid, ct []byte
}

// binding names the row a ciphertext belongs to.
type binding struct {
	table, provider string
	uid             any // nil: no user
}

// appendAAD appends the associated data of a row to out: a label, the key
// ID, then the table, provider and user as length-prefixed fields, with a
// flag that tells "no user" apart from every user ID. The user ID is its
// text (fmt.Sprint), so 42 and "42" are one user, as in the cache key.
func (b binding) appendAAD(out []byte, kid []byte) []byte {
	field := func(s string) {
		out = binary.BigEndian.AppendUint32(out, uint32(len(s)))
		out = append(out, s...)
	}
	field("dance/gormstore token v1")
	out = binary.BigEndian.AppendUint32(out, uint32(len(kid)))
	out = append(out, kid...)
	field(b.table)
	field(b.provider)
	if b.uid == nil {
		return append(out, 0)
	}
	out = append(out, 1)
	at := len(out)
	out = append(out, 0, 0, 0, 0)
	switch u := b.uid.(type) { // the common ID types without fmt
	case uint:
		out = strconv.AppendUint(out, uint64(u), 10)
	case int64:
		out = strconv.AppendInt(out, u, 10)
	case string:
		out = append(out, u...)
	default:
		out = fmt.Append(out, u)
	}
	binary.BigEndian.PutUint32(out[at:], uint32(len(out)-at-4))
	return out
}

func (b binding) String() string {
	u := "no user"
	if b.uid != nil {
		u = "user " + clip(fmt.Sprint(b.uid))
	}
	return fmt.Sprintf("the %s token of %s in %s", clip(b.provider), u, clip(b.table))
}

// seal encrypts the token JSON plain for the row b under the current key,
// and returns the envelope.
func (c *Cipher) seal(plain []byte, b binding) []byte {
	k := c.current
	kid := []byte(k.id)
	ns := k.aead.NonceSize()
	aad := b.appendAAD(make([]byte, 0, 96+len(b.table)+len(b.provider)), kid)
	buf := make([]byte, ns, ns+len(plain)+k.aead.Overhead())
	rand.Read(buf) // never fails (crypto/rand, Go 1.24+)
	buf = k.aead.Seal(buf, buf, plain, aad)
	out := make([]byte, 0, 32+len(k.id)+base64.RawURLEncoding.EncodedLen(len(buf)))
	out = append(out, `{"v":1,"kid":"`...)
	out = append(out, k.id...) // checked: needs no escaping
	out = append(out, `","ct":"`...)
	out = base64.RawURLEncoding.AppendEncode(out, buf)
	return append(out, `"}`...)
}

// isEnvelope reports whether the stored JSON raw is an envelope (an object
// with "kid" and "ct" strings) rather than a plaintext token, and returns
// it parsed. A value that looks like an envelope but does not parse is
// reported as one, with an error.
func isEnvelope(raw []byte) (envelope, bool, error) {
	if e, ok := parseEnvelope(raw); ok {
		return e, true, nil
	}
	if !bytes.Contains(raw, []byte(`"ct"`)) || !bytes.Contains(raw, []byte(`"kid"`)) {
		return envelope{}, false, nil
	}
	var j struct {
		V   int     `json:"v"`
		Kid *string `json:"kid"`
		Ct  *string `json:"ct"`
	}
	if err := json.Unmarshal(raw, &j); err != nil {
		return envelope{}, true, errors.New("malformed envelope")
	}
	if j.Kid == nil || j.Ct == nil {
		return envelope{}, false, nil
	}
	return envelope{v: j.V, kid: []byte(*j.Kid), ct: []byte(*j.Ct)}, true, nil
}

// parseEnvelope is the fast path of isEnvelope, without allocations: an
// object of exactly the keys v (a small integer), kid and ct (strings
// without escapes), in any order and spacing, as this package writes it
// and as PostgreSQL's jsonb gives it back. Anything else is left to
// encoding/json.
func parseEnvelope(raw []byte) (e envelope, ok bool) {
	sc := envScanner{raw: raw}
	sc.ws()
	if !sc.next('{') {
		return e, false
	}
	seen := 0
	for n := 0; n < 3; n++ {
		if !sc.field(&e, &seen) {
			return e, false
		}
		sc.ws()
		sep := byte(',')
		if n == 2 {
			sep = '}'
		}
		if !sc.next(sep) {
			return e, false
		}
	}
	sc.ws()
	return e, sc.i == len(raw) && seen == 7
}

// envScanner reads an envelope's JSON at raw[i:].
type envScanner struct {
	raw []byte
	i   int
}

// ws skips JSON white space.
func (sc *envScanner) ws() {
	for sc.i < len(sc.raw) && (sc.raw[sc.i] == ' ' || sc.raw[sc.i] == '\t' || sc.raw[sc.i] == '\n' || sc.raw[sc.i] == '\r') {
		sc.i++
	}
}

// next consumes the byte b, and reports whether it was there.
func (sc *envScanner) next(b byte) bool {
	if sc.i >= len(sc.raw) || sc.raw[sc.i] != b {
		return false
	}
	sc.i++
	return true
}

// str reads a string without escapes or control characters.
func (sc *envScanner) str() ([]byte, bool) {
	if sc.i >= len(sc.raw) || sc.raw[sc.i] != '"' {
		return nil, false
	}
	j := sc.i + 1
	for j < len(sc.raw) && sc.raw[j] != '"' {
		if sc.raw[j] == '\\' || sc.raw[j] < 0x20 {
			return nil, false
		}
		j++
	}
	if j >= len(sc.raw) {
		return nil, false
	}
	out := sc.raw[sc.i+1 : j]
	sc.i = j + 1
	return out, true
}

// field reads one "key": value of the envelope into e, each key once
// (seen holds a bit per key: 1 v, 2 kid, 4 ct).
func (sc *envScanner) field(e *envelope, seen *int) bool {
	sc.ws()
	key, ok := sc.str()
	if !ok {
		return false
	}
	sc.ws()
	if !sc.next(':') {
		return false
	}
	sc.ws()
	switch string(key) {
	case "v":
		if *seen&1 != 0 {
			return false
		}
		*seen |= 1
		start := sc.i
		for sc.i < len(sc.raw) && '0' <= sc.raw[sc.i] && sc.raw[sc.i] <= '9' && sc.i-start < 6 {
			e.v = e.v*10 + int(sc.raw[sc.i]-'0')
			sc.i++
		}
		return sc.i != start && (sc.i-start == 1 || sc.raw[start] != '0')
	case "kid", "ct":
		bit := 2
		if key[0] == 'c' {
			bit = 4
		}
		if *seen&bit != 0 {
			return false
		}
		*seen |= bit
		v, ok := sc.str()
		if !ok {
			return false
		}
		if bit == 2 {
			e.kid = v
		} else {
			e.ct = v
		}
		return true
	}
	return false
}

// open decrypts the envelope e of row b and returns the token JSON.
func (c *Cipher) open(e envelope, b binding) ([]byte, error) {
	if e.v != envelopeVersion {
		return nil, fmt.Errorf("gormstore: %s: unknown envelope version %d: %w", b, e.v, ErrDecrypt)
	}
	k, ok := c.keys[string(e.kid)]
	if !ok {
		return nil, fmt.Errorf("gormstore: %s: unknown key ID %q (the keyring has %s): %w", b, clip(string(e.kid)), c.ids(), ErrDecrypt)
	}
	ns, over := k.aead.NonceSize(), k.aead.Overhead()
	// One buffer for the associated data and the decoded ciphertext,
	// which is then opened in place.
	buf := make([]byte, 0, 96+len(b.table)+len(b.provider)+base64.RawURLEncoding.DecodedLen(len(e.ct)))
	buf = b.appendAAD(buf, e.kid)
	aad := buf[:len(buf):len(buf)]
	ct, err := base64.RawURLEncoding.AppendDecode(buf[len(buf):], e.ct)
	if err != nil || len(ct) < ns+over {
		return nil, fmt.Errorf("gormstore: %s: truncated or malformed ciphertext under key %s: %w", b, k.id, ErrDecrypt)
	}
	plain, err := k.aead.Open(ct[ns:ns], ct[:ns], ct[ns:], aad)
	if err != nil {
		return nil, fmt.Errorf("gormstore: %s: authentication failed under key %s (a wrong key, an edited ciphertext, or a row copied from another user, provider or table): %w", b, k.id, ErrDecrypt)
	}
	return plain, nil
}

// decode turns a stored token column, an envelope or a plaintext token,
// into a token. A plaintext row is an error when plaintextOK is false.
// It reports whether the row was plaintext.
func (c *Cipher) decode(raw []byte, b binding, plaintextOK bool) (*storage.Token, bool, error) {
	e, sealed, err := isEnvelope(raw)
	if err != nil {
		return nil, false, fmt.Errorf("gormstore: %s: %v: %w", b, err, ErrDecrypt)
	}
	plain := raw
	if sealed {
		if plain, err = c.open(e, b); err != nil {
			return nil, false, err
		}
	} else if !plaintextOK {
		return nil, true, fmt.Errorf("gormstore: %s: a plaintext row, and the store rejects plaintext: %w", b, ErrDecrypt)
	}
	tok := new(storage.Token)
	if err := json.Unmarshal(plain, tok); err != nil {
		// The JSON error could quote the plaintext; it is not wrapped.
		return nil, !sealed, fmt.Errorf("gormstore: %s: the token is not valid token JSON: %w", b, ErrDecrypt)
	}
	return tok, !sealed, nil
}

func (c *Cipher) ids() string {
	s := c.current.id
	for id := range c.keys {
		if id != c.current.id {
			s += ", " + id
		}
	}
	return s
}

// clip shortens text that may come from the database before it goes into
// an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
