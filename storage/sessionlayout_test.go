package storage

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
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
