package storage

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestSessionLayoutRoundTrip checks that every token reads back from the
// session layout exactly as it reads back from Flask-Dance's JSON layout,
// and that the usual tokens take the short layout.
func TestSessionLayoutRoundTrip(t *testing.T) {
	exp := time.UnixMicro(1795929216447826)
	tests := []struct {
		name  string
		tok   Token
		short bool // kept in the session layout, not as JSON
	}{
		{"github", Token{AccessToken: "gho_16C7e42F292c6912E7710c838347Ae178B4a", TokenType: "bearer", Scope: []string{"read:user"}}, true},
		{"full oauth2", Token{AccessToken: "a", TokenType: "Bearer", RefreshToken: "r", Scope: []string{"x", "y"}, ExpiresAt: exp}, true},
		{"oauth1", Token{OAuthToken: "t", OAuthTokenSecret: "s", Extra: map[string]any{"screen_name": "bob", "user_id": "12"}}, true},
		{"extra values", Token{AccessToken: "a", Extra: map[string]any{"n": 1.5, "list": []any{"a", 2.0}, "obj": map[string]any{"k": nil}, "sep": "x\x1fy"}}, true},
		{"negative expiry", Token{AccessToken: "a", ExpiresAt: time.UnixMicro(-5)}, true},
		{"empty", Token{}, true},
		{"empty scope list", Token{AccessToken: "a", Scope: []string{}}, true},
		{"scope with a space", Token{AccessToken: "a", Scope: []string{"a b"}}, false},
		{"empty scope item", Token{AccessToken: "a", Scope: []string{"a", ""}}, false},
		{"separator in a field", Token{AccessToken: "a\x1fb"}, false},
		{"separator in the scope", Token{AccessToken: "a", Scope: []string{"a\x1fb"}}, false},
		{"well-known key in Extra", Token{AccessToken: "a", Extra: map[string]any{"token_type": "mac"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := encodeSession(&tt.tok)
			if err != nil {
				t.Fatal(err)
			}
			if short := strings.HasPrefix(s, layoutMark); short != tt.short {
				t.Fatalf("session layout = %v (%q), want %v", short, s, tt.short)
			}
			var got Token
			if err := decodeSession(s, &got); err != nil {
				t.Fatalf("decodeSession(%q): %v", s, err)
			}
			b, err := json.Marshal(tt.tok)
			if err != nil {
				t.Fatal(err)
			}
			var want Token
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("session layout reads back %+v, JSON layout %+v", got, want)
			}
			if tt.short && len(s) >= len(b) {
				t.Errorf("session layout is %d bytes, JSON %d", len(s), len(b))
			}
		})
	}
}

// TestSessionLayoutReadsJSON checks that a token kept by earlier versions of dance (the
// JSON layout) still reads.
func TestSessionLayoutReadsJSON(t *testing.T) {
	var tok Token
	if err := decodeSession(`{"access_token":"a","scope":["read:user"],"token_type":"bearer"}`, &tok); err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "a" || tok.TokenType != "bearer" || len(tok.Scope) != 1 {
		t.Fatalf("got %+v", tok)
	}
}

// TestSessionLayoutRejects checks that a damaged session value is an
// error, not a token.
func TestSessionLayoutRejects(t *testing.T) {
	for _, s := range []string{
		layoutMark + "a" + strings.Repeat(fieldSep, tokenFields),
		layoutMark + "a" + strings.Repeat(fieldSep, 4) + "soon",
		layoutMark + "a" + strings.Repeat(fieldSep, 7) + "[1]",
		layoutMark + "a" + strings.Repeat(fieldSep, 7) + "null",
	} {
		var tok Token
		if err := decodeSession(s, &tok); err == nil {
			t.Errorf("decodeSession(%q) = %+v, want an error", s, tok)
		}
	}
}

// FuzzSessionLayout: any session value decodes to a token or an error,
// never a panic, and a decoded token encodes and decodes to itself.
func FuzzSessionLayout(f *testing.F) {
	for _, s := range []string{
		layoutMark + "a" + fieldSep + "bearer" + fieldSep + fieldSep + "x y" + fieldSep + "1795929216447826",
		layoutMark + fieldSep + fieldSep + fieldSep + emptyScope + fieldSep + fieldSep + "t" + fieldSep + "s" + fieldSep + `{"user_id":"1"}`,
		`{"access_token":"a","scope":["read:user"],"token_type":"bearer"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var tok Token
		if decodeSession(s, &tok) != nil {
			return
		}
		out, err := encodeSession(&tok)
		if err != nil {
			return // Extra holding what JSON cannot encode, as with MarshalJSON
		}
		var again Token
		if err := decodeSession(out, &again); err != nil || !reflect.DeepEqual(again, tok) {
			t.Fatalf("token %+v reads back as %+v (%v)", tok, again, err)
		}
	})
}

// FuzzSessionLayoutMatchesJSON holds the session layout to the token's
// JSON through encoding/json, the standard codec it replaces for speed:
// any token reads back from the layout exactly as from JSON. Scopes are
// given comma-separated ("-" for an empty list), the other fields as a
// JSON object, the expiry in Unix microseconds.
func FuzzSessionLayoutMatchesJSON(f *testing.F) {
	f.Add("gho_a", "bearer", "ghr_b", "user:email,repo", int64(1795929216447826), "", "", `{"refresh_token_expires_in":15897599}`)
	f.Add("", "", "", "", int64(0), "t", "s", `{"user_id":"1","screen_name":"x"}`)
	f.Add("a", "Bearer", "", "-", int64(1), "", "", `{"id_token":"h.p.s","n":1.5e3,"o":{"a":[1,null]},"l":[]}`)
	f.Add("a\x1fb", "", "", "a b", int64(1), "", "", `{"scope":"x"}`)
	f.Fuzz(func(t *testing.T, access, typ, refresh, scopes string, expires int64, oauthToken, oauthSecret, extra string) {
		tok := Token{AccessToken: access, TokenType: typ, RefreshToken: refresh, OAuthToken: oauthToken, OAuthTokenSecret: oauthSecret}
		switch scopes {
		case "":
		case "-":
			tok.Scope = []string{}
		default:
			tok.Scope = strings.Split(scopes, ",")
		}
		if expires != 0 {
			tok.ExpiresAt = time.UnixMicro(expires)
		}
		if extra != "" && (json.Unmarshal([]byte(extra), &tok.Extra) != nil || len(tok.Extra) == 0) {
			t.Skip()
		}
		if !jsonCarries(&tok) {
			t.Skip()
		}
		raw, err := encodeSession(&tok)
		if err != nil {
			t.Fatalf("token %+v: %v", tok, err)
		}
		var got Token
		if err := decodeSession(raw, &got); err != nil {
			t.Fatalf("token %+v does not read back from %q: %v", tok, raw, err)
		}
		b, err := json.Marshal(tok)
		if err != nil {
			t.Fatal(err)
		}
		var want Token
		if err := want.unmarshalMap(b, time.Now()); err != nil {
			t.Fatalf("token %+v does not read back from its JSON: %v", tok, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("token %+v reads back as %+v from the layout, as %+v from JSON", tok, got, want)
		}
	})
}

// jsonCarries reports whether the token's JSON reads back as the token:
// valid UTF-8 (JSON replaces invalid bytes), an expiry that a float64 of
// seconds holds to the microsecond, and known keys in no other field.
func jsonCarries(tok *Token) bool {
	for _, s := range append([]string{tok.AccessToken, tok.TokenType, tok.RefreshToken, tok.OAuthToken, tok.OAuthTokenSecret}, tok.Scope...) {
		if !utf8.ValidString(s) {
			return false
		}
	}
	if us := tok.ExpiresAt.UnixMicro(); !tok.ExpiresAt.IsZero() && (us < 0 || us > 1<<52) {
		return false
	}
	for k := range tok.Extra {
		if knownKey(k) >= 0 {
			return false
		}
	}
	return true
}
