package storage

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The session layout of a token: [Session] keeps a token as one short
// string, not as its JSON object, because the session is a cookie
// in most apps and is encoded and decoded on every request. The string is
// layoutMark followed by these fields, separated by fieldSep:
//
//	access_token, token_type, refresh_token, scope (joined by spaces;
//	emptyScope for an empty list),
//	expires_at (Unix microseconds), oauth_token, oauth_token_secret,
//	the other fields (Extra) as a JSON object
//
// Empty fields at the end are left out. A token that this cannot hold
// exactly (a field holding fieldSep, an empty scope or one with a space in
// it, or Extra holding a well-known key) is kept in the JSON layout
// instead, which [Session] reads too: so does a session written before
// this layout (by earlier versions of dance).
const (
	layoutMark = "\x1e" // ASCII record separator; a JSON object starts with '{'
	fieldSep   = "\x1f" // ASCII unit separator; JSON text escapes it
)

// emptyScope is the scope field of an empty, not missing, scope list (a
// provider's "scope": ""); no list of non-empty scopes joins to it.
const emptyScope = " "

// tokenFields is the number of fields of the session layout.
const tokenFields = 8

// encodeSession returns t in the session layout, or in the JSON layout
// when the session layout cannot hold it.
func encodeSession(t *Token) (string, error) {
	extra := ""
	if len(t.Extra) > 0 {
		for k := range t.Extra {
			if knownKey(k) >= 0 {
				return marshalString(t)
			}
		}
		b, err := json.Marshal(t.Extra)
		if err != nil {
			return "", err
		}
		extra = string(b)
	}
	scope := strings.Join(t.Scope, " ")
	if t.Scope != nil && len(t.Scope) == 0 {
		scope = emptyScope
	}
	for _, s := range t.Scope {
		if s == "" || strings.ContainsAny(s, " "+fieldSep) {
			return marshalString(t)
		}
	}
	expires := ""
	if us := t.ExpiresAt.UnixMicro(); !t.ExpiresAt.IsZero() && us != 0 {
		expires = strconv.FormatInt(us, 10)
	}
	f := [tokenFields]string{t.AccessToken, t.TokenType, t.RefreshToken, scope,
		expires, t.OAuthToken, t.OAuthTokenSecret, extra}
	n := tokenFields
	for n > 0 && f[n-1] == "" {
		n--
	}
	size := len(layoutMark) + n
	for _, s := range f[:n] {
		if strings.Contains(s, fieldSep) {
			return marshalString(t)
		}
		size += len(s)
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(layoutMark)
	for i, s := range f[:n] {
		if i > 0 {
			b.WriteString(fieldSep)
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func marshalString(t *Token) (string, error) {
	b, err := json.Marshal(t)
	return string(b), err
}

// decodeSession reads a token in the session layout or the JSON layout.
// Its string fields share the memory of s.
func decodeSession(s string, t *Token) error {
	rest, ok := strings.CutPrefix(s, layoutMark)
	if !ok {
		return t.unmarshalString(s, time.Now())
	}
	var f [tokenFields]string
	for i := range f {
		var found bool
		f[i], rest, found = strings.Cut(rest, fieldSep)
		if !found {
			break
		}
		if i == tokenFields-1 {
			return fmt.Errorf("storage: token has more than %d fields", tokenFields)
		}
	}
	*t = Token{AccessToken: f[0], TokenType: f[1], RefreshToken: f[2], OAuthToken: f[5], OAuthTokenSecret: f[6]}
	switch f[3] {
	case "":
	case emptyScope:
		t.Scope = []string{}
	default:
		t.Scope = strings.Split(f[3], " ")
		if slices.Contains(t.Scope, "") {
			return fmt.Errorf("storage: token scope has an empty item")
		}
	}
	if f[4] != "" {
		us, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil { // an int64 of microseconds is within maxSeconds
			return fmt.Errorf("storage: token expiry is not a time")
		}
		if us != 0 { // as "expires_at": 0 in the JSON layout
			t.ExpiresAt = time.UnixMicro(us)
		}
	}
	if f[7] != "" {
		if err := json.Unmarshal([]byte(f[7]), &t.Extra); err != nil || t.Extra == nil {
			return fmt.Errorf("storage: token's other fields are not a JSON object")
		}
		for k := range t.Extra {
			if knownKey(k) >= 0 {
				return fmt.Errorf("storage: token's other fields hold %q", k)
			}
		}
		if len(t.Extra) == 0 {
			t.Extra = nil
		}
	}
	return nil
}
