// Package logout is the machinery of OpenID Connect logout: RP-Initiated
// Logout 1.0 (the end-session redirect, its single-use state, the origin
// check of the logout route) and Back-Channel Logout 1.0 (the logout
// token's verification and the record of ended sessions).
package logout

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// EventType is the events member that makes a JWT a back-channel logout
// token (Back-Channel Logout 1.0, section 2.4).
const EventType = "http://schemas.openid.net/event/backchannel-logout"

// The refusals of a logout token, one per check; each is answered 400.
var (
	ErrMalformed = errors.New("the logout token is not a signed JWT")
	ErrAlgorithm = errors.New("the logout token's algorithm is not accepted")
	ErrType      = errors.New("the logout token's typ is not logout+jwt")
	ErrSignature = errors.New("the logout token's signature does not verify with the provider's keys")
	ErrIssuer    = errors.New("the logout token's iss is not the provider")
	ErrAudience  = errors.New("the logout token's aud does not hold the client ID")
	ErrIssuedAt  = errors.New("the logout token's iat is missing or too far from now")
	ErrExpired   = errors.New("the logout token has expired")
	ErrEvents    = errors.New("the logout token's events claim has no back-channel logout event")
	ErrSubject   = errors.New("the logout token has neither sub nor sid")
	ErrNonce     = errors.New("the logout token carries a nonce")
	ErrJTI       = errors.New("the logout token has no jti")
	ErrReplayed  = errors.New("the logout token was used before (its jti)")
)

// KeySet verifies a JWS with the provider's keys: go-oidc's remote key
// set, which fetches the JWKS and fetches it again for an unknown key ID.
type KeySet interface {
	VerifySignature(ctx context.Context, jwt string) ([]byte, error)
}

// Verifier checks logout tokens for one blueprint.
type Verifier struct {
	Keys     KeySet
	Issuer   func(iss string) bool // the blueprint's issuer check ({tenantid} aware)
	ClientID string
	Algs     []jose.SignatureAlgorithm
	Now      func() time.Time
	// Window is how far iat may be from now, either way.
	Window time.Duration
}

// Event is a verified logout token.
type Event struct {
	Issuer, Subject, SessionID, JTI string
	IssuedAt, Expires               time.Time
}

// claims are the logout token's claims as sent.
type claims struct {
	Iss    string                     `json:"iss"`
	Sub    string                     `json:"sub"`
	Sid    string                     `json:"sid"`
	Aud    audience                   `json:"aud"`
	Iat    *json.Number               `json:"iat"`
	Exp    *json.Number               `json:"exp"`
	Jti    string                     `json:"jti"`
	Events map[string]json.RawMessage `json:"events"`
	Nonce  *json.RawMessage           `json:"nonce"`
}

// audience is "aud": a string or an array of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

// Verify checks raw as Back-Channel Logout 1.0 section 2.6 says, except
// the jti's single use, which the caller records: the signature (with an
// asymmetric algorithm, through the provider's keys), iss, aud, iat, exp
// when present, the events claim, sub or sid, and no nonce.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Event, error) {
	jws, err := jose.ParseSignedCompact(raw, v.Algs)
	if err != nil {
		if strings.Contains(err.Error(), "algorithm") {
			return nil, ErrAlgorithm
		}
		return nil, ErrMalformed
	}
	if len(jws.Signatures) != 1 {
		return nil, ErrMalformed
	}
	if typ, ok := jws.Signatures[0].Protected.ExtraHeaders[jose.HeaderType].(string); ok && !typeOK(typ) {
		return nil, ErrType
	}
	payload, err := v.Keys.VerifySignature(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, ErrMalformed
	}
	return v.check(&c)
}

// check is Verify's checks of the claims, in the order of section 2.6.
func (v *Verifier) check(c *claims) (*Event, error) {
	now := v.Now()
	switch {
	case c.Iss == "" || !v.Issuer(c.Iss):
		return nil, ErrIssuer
	case !slices.Contains(c.Aud, v.ClientID):
		return nil, ErrAudience
	}
	iat, ok := unix(c.Iat)
	if !ok || iat.Before(now.Add(-v.Window)) || iat.After(now.Add(v.Window)) {
		return nil, ErrIssuedAt
	}
	exp, hasExp := unix(c.Exp)
	if c.Exp != nil && (!hasExp || !now.Before(exp)) {
		return nil, ErrExpired
	}
	if ev, ok := c.Events[EventType]; !ok || !isObject(ev) {
		return nil, ErrEvents
	}
	switch {
	case c.Sub == "" && c.Sid == "":
		return nil, ErrSubject
	case c.Nonce != nil:
		return nil, ErrNonce
	case c.Jti == "":
		return nil, ErrJTI
	}
	if !hasExp {
		exp = iat.Add(v.Window)
	}
	return &Event{Issuer: c.Iss, Subject: c.Sub, SessionID: c.Sid, JTI: c.Jti, IssuedAt: iat, Expires: exp}, nil
}

// typeOK accepts the typ values a logout token may carry: the explicit
// "logout+jwt" (section 2.4), with or without "application/", and plain
// "JWT", which providers that predate explicit typing send.
func typeOK(typ string) bool {
	t := strings.ToLower(strings.TrimPrefix(strings.ToLower(typ), "application/"))
	return t == "logout+jwt" || t == "jwt"
}

func isObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && m != nil
}

// unix reads a NumericDate.
func unix(n *json.Number) (time.Time, bool) {
	if n == nil {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || f <= 0 || f > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

// JTIKey is the key of a logout token's jti in the record of used states.
func JTIKey(iss, jti string) string {
	sum := sha256.Sum256([]byte(iss + "\x00" + jti))
	return "bcl:" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// EndedKeys are the record keys of the sessions that ev ends: the
// provider session (sid) when the token names one, else every session of
// the user (sub), as section 2.7 says.
func EndedKeys(name string, ev *Event) []string {
	if ev.SessionID != "" {
		return Keys(name, ev.Issuer, "", ev.SessionID)
	}
	return Keys(name, ev.Issuer, ev.Subject, "")
}

// Keys are the record keys of the sessions a logout (or a token) names:
// the provider's user (sub) and its session (sid) at issuer iss, for the
// blueprint name. Empty parts give no key.
func Keys(name, iss, sub, sid string) []string {
	keys := make([]string, 0, 2)
	if sub != "" {
		keys = append(keys, key(name, iss, "sub", sub))
	}
	if sid != "" {
		keys = append(keys, key(name, iss, "sid", sid))
	}
	return keys
}

func key(name, iss, kind, v string) string {
	sum := sha256.Sum256([]byte(name + "\x00" + iss + "\x00" + kind + "\x00" + v))
	return kind + ":" + hex.EncodeToString(sum[:20])
}

// Session is who a stored ID token names, and when it was issued.
type Session struct {
	Issuer, Subject, SessionID string
	IssuedAt                   time.Time
}

// SessionOf reads the claims of a stored ID token, which dance verified
// before storing it, without verifying it again. ok is false when raw is
// not a JWT with a subject.
func SessionOf(raw string) (s Session, ok bool) {
	_, rest, found := strings.Cut(raw, ".")
	if !found {
		return s, false
	}
	payload, _, found := strings.Cut(rest, ".")
	if !found {
		return s, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return s, false
	}
	var c struct {
		Iss, Sub, Sid string
		Iat           *json.Number
	}
	if json.Unmarshal(b, &c) != nil || (c.Sub == "" && c.Sid == "") {
		return s, false
	}
	iat, _ := unix(c.Iat) // zero without one: any logout of its user ends it
	return Session{Issuer: c.Iss, Subject: c.Sub, SessionID: c.Sid, IssuedAt: iat}, true
}
