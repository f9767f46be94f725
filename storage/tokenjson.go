package storage

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The well-known keys that decodeFast keeps apart, by index.
const (
	kAccessToken = iota
	kTokenType
	kRefreshToken
	kOAuthToken
	kOAuthTokenSecret
	kScope
	kExpiresAt
	kExpiresIn
	numKnown
)

func knownKey(k string) int {
	switch k {
	case "access_token":
		return kAccessToken
	case "token_type":
		return kTokenType
	case "refresh_token":
		return kRefreshToken
	case "oauth_token":
		return kOAuthToken
	case "oauth_token_secret":
		return kOAuthTokenSecret
	case "scope":
		return kScope
	case "expires_at":
		return kExpiresAt
	case "expires_in":
		return kExpiresIn
	}
	return -1
}

// decodeFast decodes the usual stored token into t without building a
// map[string]any: a valid JSON object whose keys need no unescaping, each
// well-known key present once with the type fromMap expects. Its string
// fields are substrings of s, so a token read from a session costs no
// copies.
//
// It reports false, leaving t alone, for anything else (duplicate or
// escaped well-known keys, unexpected types, out-of-range numbers, and
// every input fromMap would reject); the caller then decodes through the
// map, so that results and errors stay exactly fromMap's. Keys are
// matched case-sensitively, as map keys are.
func decodeFast(s string, t *Token, now time.Time) bool {
	var out Token
	var known [numKnown]string
	if !scanObject(s, &out, &known) || !setKnown(&out, &known, now) {
		return false
	}
	*t = out
	return true
}

// scanObject walks the JSON object s: it keeps the raw values of the
// well-known keys in known ("" when absent) and puts the others into
// out.Extra. It reports false for what decodeFast leaves to the map
// decoder.
func scanObject(s string, out *Token, known *[numKnown]string) bool {
	if !json.Valid([]byte(s)) { // the conversion does not copy
		return false
	}
	i := skipSpace(s, 0)
	if s[i] != '{' {
		return false
	}
	i = skipSpace(s, i+1)
	for s[i] != '}' {
		// s is valid JSON, so a key string starts here and a colon and a
		// value follow it.
		j := i + 1
		for s[j] != '"' {
			if s[j] == '\\' {
				return false
			}
			j++
		}
		key := s[i+1 : j]
		if !utf8.ValidString(key) {
			return false
		}
		vs := skipSpace(s, skipSpace(s, j+1)+1)
		ve := skipValue(s, vs)
		raw := s[vs:ve]
		if k := knownKey(key); k >= 0 {
			if known[k] != "" { // a duplicate: the last would win
				return false
			}
			known[k] = raw
		} else {
			v, ok := decodeAny(raw)
			if !ok {
				return false
			}
			if out.Extra == nil {
				out.Extra = make(map[string]any)
			}
			out.Extra[key] = v
		}
		i = skipSpace(s, ve)
		if s[i] == ',' {
			i = skipSpace(s, i+1)
		}
	}
	return true
}

// setKnown decodes the raw values of the well-known keys into out, as
// fromMap would; it reports false where decodeFast gives up.
func setKnown(out *Token, known *[numKnown]string, now time.Time) bool {
	for k, dst := range [...]*string{
		kAccessToken: &out.AccessToken, kTokenType: &out.TokenType, kRefreshToken: &out.RefreshToken,
		kOAuthToken: &out.OAuthToken, kOAuthTokenSecret: &out.OAuthTokenSecret,
	} {
		if raw := known[k]; raw != "" && raw != "null" {
			if raw[0] != '"' {
				return false
			}
			v, ok := decodeString(raw)
			if !ok {
				return false
			}
			*dst = v
		}
	}
	if raw := known[kScope]; raw != "" {
		scope, ok := decodeScope(raw)
		if !ok {
			return false
		}
		out.Scope = scope
	}
	if raw := known[kExpiresAt]; raw != "" {
		sec, ok := decodeNumber(kExpiresAt, raw)
		if !ok {
			return false
		}
		if sec != 0 {
			out.ExpiresAt = unixSeconds(sec)
		}
	}
	if raw := known[kExpiresIn]; raw != "" && raw != "null" {
		// Checked even when expires_at wins, as the map decoder would
		// reject an out-of-range number anywhere.
		sec, ok := decodeNumber(kExpiresIn, raw)
		if !ok {
			return false
		}
		if out.ExpiresAt.IsZero() && sec != 0 {
			out.ExpiresAt = relativeExpiry(now, sec)
		}
	}
	return true
}

// decodeNumber decodes expires_at or expires_in as fromMap does: a
// number, a numeric string or null, within range.
func decodeNumber(k int, raw string) (float64, bool) {
	var v any
	switch raw[0] {
	case 'n':
		return 0, true
	case '"':
		s, ok := decodeString(raw)
		if !ok {
			return 0, false
		}
		v = s
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return 0, false
		}
		v = f
	default:
		return 0, false
	}
	name := "expires_at"
	if k == kExpiresIn {
		name = "expires_in"
	}
	f, err := asNumber(name, v)
	return f, err == nil
}

// decodeScope decodes a scope list of strings, a space-separated string,
// or null.
func decodeScope(raw string) ([]string, bool) {
	switch raw[0] {
	case 'n':
		return nil, true
	case '"':
		s, ok := decodeString(raw)
		return strings.Fields(s), ok
	case '[':
	default:
		return nil, false
	}
	out := make([]string, 0, strings.Count(raw, ",")+1)
	i := skipSpace(raw, 1)
	for raw[i] != ']' {
		if raw[i] != '"' {
			return nil, false
		}
		e := skipValue(raw, i)
		s, ok := decodeString(raw[i:e])
		if !ok {
			return nil, false
		}
		out = append(out, s)
		i = skipSpace(raw, e)
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return out, true
}

// decodeAny decodes one valid JSON value as json.Unmarshal into an any
// does.
func decodeAny(raw string) (any, bool) {
	switch raw[0] {
	case 'n':
		return nil, true
	case 't':
		return true, true
	case 'f':
		return false, true
	case '"':
		return decodeString(raw)
	case '{', '[':
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return nil, false
		}
		return v, true
	}
	f, err := strconv.ParseFloat(raw, 64)
	return f, err == nil
}

// decodeString decodes a valid JSON string literal. One without escapes
// and in valid UTF-8 is returned as a substring of raw, as json would copy
// it unchanged.
func decodeString(raw string) (string, bool) {
	body := raw[1 : len(raw)-1]
	if strings.IndexByte(body, '\\') < 0 && utf8.ValidString(body) {
		return body, true
	}
	var s string
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return "", false
	}
	return s, true
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the valid JSON value that starts at s[i].
func skipValue(s string, i int) int {
	switch s[i] {
	case '"':
		for j := i + 1; ; j++ {
			switch s[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
	case '{', '[':
		depth := 0
		for j := i; ; j++ {
			switch s[j] {
			case '"':
				j = skipValue(s, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
	}
	// A number or a literal: up to the next delimiter.
	j := i
	for ; j < len(s); j++ {
		switch s[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j
		}
	}
	return j
}
