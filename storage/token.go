package storage

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Token is an OAuth token as the provider returned it, for both OAuth 1 and
// OAuth 2.
//
// The well-known fields have their own struct fields; every other field of
// the provider's response (id_token, user_id, screen_name, …) is kept in
// Extra. A Token marshals to the same JSON object that Flask-Dance stores:
// the provider's keys, "scope" as a list, and an absolute "expires_at" in
// Unix seconds, so a token written by either library can be read by the
// other. On marshalling, "expires_in" is recomputed from ExpiresAt, as
// Flask-Dance does when it reads a token; it may be negative.
type Token struct {
	// AccessToken is the OAuth 2 access_token.
	AccessToken string
	// TokenType is the OAuth 2 token_type, for example "bearer".
	TokenType string
	// RefreshToken is the OAuth 2 refresh_token, if the provider sent one.
	RefreshToken string
	// Scope is the granted scope (the "scope" field), split on spaces.
	Scope []string
	// ExpiresAt is when the access token expires (the "expires_at" field);
	// zero means the provider did not say.
	ExpiresAt time.Time

	// OAuthToken is the OAuth 1 oauth_token.
	OAuthToken string
	// OAuthTokenSecret is the OAuth 1 oauth_token_secret.
	OAuthTokenSecret string

	// Extra holds every other field of the provider's response, decoded
	// from JSON (or as strings for form-encoded responses).
	Extra map[string]any
}

// Valid reports whether t holds usable credentials: an OAuth 2 access token,
// or an OAuth 1 token and secret. It does not look at the expiry.
func (t *Token) Valid() bool {
	if t == nil {
		return false
	}
	return t.AccessToken != "" || (t.OAuthToken != "" && t.OAuthTokenSecret != "")
}

// ExpiresIn returns the time left until ExpiresAt, measured from now. It is
// negative for an expired token and zero when the expiry is unknown.
func (t *Token) ExpiresIn(now time.Time) time.Duration {
	if t == nil || t.ExpiresAt.IsZero() {
		return 0
	}
	return t.ExpiresAt.Sub(now)
}

// Expired reports whether the token expires within leeway of now. A token
// with no known expiry never expires.
func (t *Token) Expired(now time.Time, leeway time.Duration) bool {
	if t == nil || t.ExpiresAt.IsZero() {
		return false
	}
	return !now.Add(leeway).Before(t.ExpiresAt)
}

// Get returns the field key of the token as the provider sent it, looking at
// the well-known fields first and then at Extra. It returns nil when the
// field is absent.
func (t *Token) Get(key string) any {
	if t == nil {
		return nil
	}
	switch key {
	case "access_token":
		return nonEmpty(t.AccessToken)
	case "token_type":
		return nonEmpty(t.TokenType)
	case "refresh_token":
		return nonEmpty(t.RefreshToken)
	case "oauth_token":
		return nonEmpty(t.OAuthToken)
	case "oauth_token_secret":
		return nonEmpty(t.OAuthTokenSecret)
	case "scope":
		if t.Scope == nil {
			return nil
		}
		return t.Scope
	}
	return t.Extra[key]
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Clone returns a deep copy of t, so that a storage can hand out tokens
// that callers may change freely.
func (t *Token) Clone() *Token {
	if t == nil {
		return nil
	}
	c := *t
	if t.Scope != nil {
		c.Scope = append([]string(nil), t.Scope...)
	}
	if t.Extra != nil {
		c.Extra = make(map[string]any, len(t.Extra))
		for k, v := range t.Extra {
			c.Extra[k] = v
		}
	}
	return &c
}

// OAuth2 converts t to an x/oauth2 token, for use with the x/oauth2 API.
func (t *Token) OAuth2() *oauth2.Token {
	if t == nil {
		return nil
	}
	return &oauth2.Token{
		AccessToken:  t.AccessToken,
		TokenType:    t.TokenType,
		RefreshToken: t.RefreshToken,
		Expiry:       t.ExpiresAt,
	}
}

// MarshalJSON encodes t in the JSON layout described on [Token].
func (t Token) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(t.Extra)+7)
	for k, v := range t.Extra {
		m[k] = v
	}
	setString(m, "access_token", t.AccessToken)
	setString(m, "token_type", t.TokenType)
	setString(m, "refresh_token", t.RefreshToken)
	setString(m, "oauth_token", t.OAuthToken)
	setString(m, "oauth_token_secret", t.OAuthTokenSecret)
	if t.Scope != nil {
		m["scope"] = t.Scope
	}
	if !t.ExpiresAt.IsZero() {
		at := float64(t.ExpiresAt.UnixMicro()) / 1e6
		m["expires_at"] = at
		m["expires_in"] = int64(math.Floor(at - float64(time.Now().UnixMicro())/1e6))
	}
	return json.Marshal(m)
}

func setString(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	} else {
		delete(m, k)
	}
}

// UnmarshalJSON decodes a token in that layout, or a provider's
// raw token response. "scope" may be a list or a space-separated string,
// and "expires_at" a number or a numeric string. Without "expires_at", an
// "expires_in" is taken as relative to now.
//
// Keys are case-sensitive: "Access_Token" is an extra field, not the
// access token.
func (t *Token) UnmarshalJSON(b []byte) error {
	return t.unmarshalString(string(b), time.Now())
}

// unmarshalString is UnmarshalJSON on a string, whose string fields then
// share its memory. The usual stored token takes the fast path; anything
// else goes through the map, which defines the result (see decodeFast).
func (t *Token) unmarshalString(s string, now time.Time) error {
	if decodeFast(s, t, now) {
		return nil
	}
	return t.unmarshalMap([]byte(s), now)
}

// unmarshalMap decodes through a map[string]any and fromMap: the
// reference decoder. A relative "expires_in" counts from now.
func (t *Token) unmarshalMap(b []byte, now time.Time) error {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("storage: token is not a JSON object: %w", err)
	}
	if m == nil {
		return fmt.Errorf("storage: token is null")
	}
	tok, err := fromMap(m, now)
	if err != nil {
		return err
	}
	*t = *tok
	return nil
}

// fromMap builds a Token from a decoded provider response or stored token.
// Fields of the wrong type give an error rather than being dropped. now
// anchors a relative "expires_in" when there is no "expires_at".
func fromMap(m map[string]any, now time.Time) (*Token, error) {
	t := &Token{}
	var expiresIn any
	for k, v := range m {
		var err error
		switch k {
		case "access_token":
			t.AccessToken, err = asString(k, v)
		case "token_type":
			t.TokenType, err = asString(k, v)
		case "refresh_token":
			t.RefreshToken, err = asString(k, v)
		case "oauth_token":
			t.OAuthToken, err = asString(k, v)
		case "oauth_token_secret":
			t.OAuthTokenSecret, err = asString(k, v)
		case "scope":
			t.Scope, err = asScope(v)
		case "expires_at":
			var sec float64
			sec, err = asNumber(k, v)
			if err == nil && sec != 0 {
				t.ExpiresAt = unixSeconds(sec)
			}
		case "expires_in":
			// Recomputed from expires_at; kept only to anchor a raw response.
			expiresIn = v
		default:
			if t.Extra == nil {
				t.Extra = make(map[string]any)
			}
			t.Extra[k] = v
		}
		if err != nil {
			return nil, err
		}
	}
	if t.ExpiresAt.IsZero() && expiresIn != nil {
		sec, err := asNumber("expires_in", expiresIn)
		if err != nil {
			return nil, err
		}
		if sec != 0 {
			t.ExpiresAt = relativeExpiry(now, sec)
		}
	}
	return t, nil
}

// unixSeconds is the time of an absolute "expires_at" in Unix seconds,
// to the microsecond.
func unixSeconds(sec float64) time.Time {
	return time.UnixMicro(int64(math.Round(sec * 1e6)))
}

// relativeExpiry is the time of an "expires_in" of sec seconds from now.
// Microseconds are what the JSON keeps; it truncates so that a token reads
// back equal to itself.
func relativeExpiry(now time.Time, sec float64) time.Time {
	return now.Add(time.Duration(sec * float64(time.Second))).Truncate(time.Microsecond)
}

func asString(k string, v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("storage: token field %q is %T, want a string", k, v)
}

// maxSeconds bounds expiry numbers so that time arithmetic cannot overflow
// (about 300,000 years).
const maxSeconds = 1e13

func asNumber(k string, v any) (float64, error) {
	var f float64
	switch v := v.(type) {
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case string:
		if v == "" {
			return 0, nil
		}
		var err error
		if f, err = strconv.ParseFloat(v, 64); err != nil {
			return 0, fmt.Errorf("storage: token field %q is not a number", k)
		}
	case nil:
		return 0, nil
	default:
		return 0, fmt.Errorf("storage: token field %q is %T, want a number", k, v)
	}
	if math.IsNaN(f) || math.Abs(f) > maxSeconds {
		return 0, fmt.Errorf("storage: token field %q is out of range", k)
	}
	return f, nil
}

func asScope(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return strings.Fields(v), nil
	case []string:
		return v, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, s := range v {
			str, ok := s.(string)
			if !ok {
				return nil, fmt.Errorf("storage: token field \"scope\" holds %T, want strings", s)
			}
			out = append(out, str)
		}
		return out, nil
	}
	return nil, fmt.Errorf("storage: token field \"scope\" is %T, want a list or a string", v)
}
