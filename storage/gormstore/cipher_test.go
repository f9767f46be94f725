package gormstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// DeriveKey gives the same key for the same secret and ID, and
// independent keys for other IDs.
func TestDeriveKey(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	k1, err := DeriveKey("a", secret)
	if err != nil {
		t.Fatal(err)
	}
	k1again, _ := DeriveKey("a", secret)
	b := binding{table: "t", provider: "p", uid: uint(1)}
	c1, _ := NewCipher(k1)
	c1again, _ := NewCipher(k1again)
	env := c1.seal([]byte(`{"access_token":"x"}`), b)
	e, _, _ := isEnvelope(env)
	if _, err := c1again.open(e, b); err != nil {
		t.Errorf("the same secret and ID: %v", err)
	}
	k2, _ := DeriveKey("b", secret)
	// Under ID a, with b's key bytes: authentication must fail.
	wrong := Key{id: "a", aead: k2.aead}
	c2, _ := NewCipher(wrong)
	if _, err := c2.open(e, b); !errors.Is(err, ErrDecrypt) {
		t.Errorf("another ID gave the same key: %v", err)
	}
}

// FuzzEnvelope feeds arbitrary column values to the decoder: it never
// panics, an error always wraps ErrDecrypt, and an envelope that is not
// exactly the one sealed never decrypts.
func FuzzEnvelope(f *testing.F) {
	k, _ := testKey(f, "k1")
	c, _ := NewCipher(k)
	b := binding{table: "t", provider: "github", uid: uint(1)}
	good := c.seal([]byte(`{"access_token":"a","token_type":"bearer"}`), b)
	for _, seed := range []string{
		string(good),
		`{"access_token":"a"}`,
		`{"v":1,"kid":"k1","ct":""}`,
		`{"v":1,"kid":"nope","ct":"AAAA"}`,
		`{"v":2,"kid":"k1","ct":"AAAA"}`,
		`{"kid":"k1","ct":null}`,
		`{"v":1,"kid":"k1","ct":"` + strings.Repeat("A", 60) + `"}`,
		`null`, ``, `"ct""kid"`, `[1]`,
		`{"v": 1, "ct": "AAAA", "kid": "k1"}`, `{"v":01,"kid":"k1","ct":"A"}`,
		`{"v":1,"kid":"k1","ct":"A","ct":"B"}`, `{"v":1,"kid":"k\u0031","ct":"A"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		// The fast envelope parser agrees with encoding/json.
		if e, ok := parseEnvelope(raw); ok {
			var j struct {
				V   int
				Kid string
				Ct  string
			}
			if err := json.Unmarshal(raw, &j); utf8.Valid(raw) && (err != nil || j.V != e.v || j.Kid != string(e.kid) || j.Ct != string(e.ct)) {
				t.Fatalf("the fast parser read %q as %d %q %q; encoding/json: %+v, %v", raw, e.v, e.kid, e.ct, j, err)
			}
		}
		tok, _, err := c.decode(raw, b, true)
		if err != nil {
			if !errors.Is(err, ErrDecrypt) {
				t.Fatalf("error without ErrDecrypt: %v", err)
			}
			return
		}
		if _, sealed, _ := isEnvelope(raw); sealed && (tok == nil || tok.AccessToken != "a" || tok.TokenType != "bearer") {
			// Only a genuine envelope authenticates, and every one this
			// key sealed (in any fuzz worker) holds the same token.
			t.Fatalf("a forged envelope decrypted to %+v: %q", tok, raw)
		}
	})
}

// A user ID binds by its text, so the app's uint, Rekey's string (the
// column read as text) and other integer types give one binding, and "no
// user" differs from every ID, even "" and "-".
func TestCipherBindingUserIDForms(t *testing.T) {
	aad := func(uid any) string {
		return string(binding{table: "t", provider: "p", uid: uid}.appendAAD(nil, []byte("k")))
	}
	want := aad(uint(42))
	for _, uid := range []any{int64(42), "42", 42, uint64(42), int32(42)} {
		if aad(uid) != want {
			t.Errorf("%T 42 binds differently", uid)
		}
	}
	for _, uid := range []any{"", "-", "0"} {
		if aad(uid) == aad(nil) {
			t.Errorf("user %q binds as no user", uid)
		}
	}
}
