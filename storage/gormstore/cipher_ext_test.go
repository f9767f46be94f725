package gormstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance/internal/gormtest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
)

// Every way an envelope can be wrong gives an error that wraps ErrDecrypt
// and holds neither key material nor plaintext; nothing panics.
func TestCipherDecryptErrors(t *testing.T) {
	d := gormtest.SQLite(t)
	_, raw1 := gormtest.Key(t, "k1")
	_, raw2 := gormtest.Key(t, "k2")
	s := gormtest.NewStore(t, d, gormstore.Config{Cipher: gormtest.Cipher(t, "k1")})
	if err := s.Set(gormtest.Ctx(1), "github", gormtest.SecretToken("alice")); err != nil {
		t.Fatal(err)
	}
	good := gormtest.RawToken(t, s, "github", uint(1))
	var env map[string]any
	if err := json.Unmarshal([]byte(good), &env); err != nil {
		t.Fatal(err)
	}
	ct := env["ct"].(string)
	// Another base64url letter in the middle: still well-formed, so only
	// the authentication can catch it (a flipped bit could make it a
	// character outside the alphabet, which the parser catches first).
	flip := []byte(ct)
	flip[len(flip)/2] = 'A'
	if ct[len(ct)/2] == 'A' {
		flip[len(flip)/2] = 'B'
	}
	mk := func(v any, kid, ct string) string {
		b, _ := json.Marshal(map[string]any{"v": v, "kid": kid, "ct": ct})
		return string(b)
	}
	wrongKey := gormtest.NewStore(t, d, gormstore.Config{Cipher: gormtest.Cipher(t, "k1x"), Table: s.Table()})
	for _, tc := range []struct {
		name, stored, want string
		store              *gormstore.Store
	}{
		{"unknown key ID", mk(1, "k9", ct), "unknown key ID", s},
		{"wrong key", good, "unknown key ID", wrongKey},
		{"truncated", mk(1, "k1", ct[:len(ct)-10]), "authentication failed", s},
		{"too short", mk(1, "k1", ct[:8]), "truncated", s},
		{"edited", mk(1, "k1", string(flip)), "authentication failed", s},
		{"not base64", mk(1, "k1", "!!!"), "truncated or malformed", s},
		{"unknown version", mk(2, "k1", ct), "unknown envelope version", s},
		{"malformed", `{"v":"x","kid":"k1","ct":1}`, "malformed envelope", s},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := gormtest.Where(s, "github", uint(1)).Update("token", tc.stored).Error; err != nil {
				t.Fatal(err)
			}
			tok, err := tc.store.GetFor(gormtest.Ctx(0), "github", gormstore.Who{UserID: uint(1)})
			if !errors.Is(err, gormstore.ErrDecrypt) || tok != nil {
				t.Fatalf("GetFor = %v, %v; want ErrDecrypt", tok, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			gormtest.NoSecrets(t, "the error", err.Error(), []string{"alice"}, raw1, raw2)
		})
	}
	// "wrong key" under the same ID: a keyring whose k1 is another key.
	other, _ := gormstore.NewKey("k1", raw2)
	c, _ := gormstore.NewCipher(other)
	s2 := gormtest.NewStore(t, d, gormstore.Config{Cipher: c, Table: s.Table()})
	if err := gormtest.Where(s, "github", uint(1)).Update("token", good).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s2.GetFor(gormtest.Ctx(0), "github", gormstore.Who{UserID: uint(1)}); !errors.Is(err, gormstore.ErrDecrypt) || !strings.Contains(err.Error(), "authentication failed") {
		t.Errorf("a wrong key with the right ID: %v", err)
	}
}

// Rekey resumes from the last ID it reported, and a context that ends
// stops it with the progress so far.
func TestRekeyResumes(t *testing.T) {
	d := gormtest.SQLite(t)
	plain := gormtest.NewStore(t, d, gormstore.Config{})
	for uid := uint(1); uid <= 10; uid++ {
		if err := plain.Set(gormtest.Ctx(uid), "github", gormtest.SecretToken(fmt.Sprint(uid))); err != nil {
			t.Fatal(err)
		}
	}
	s := gormtest.NewStore(t, d, gormstore.Config{Cipher: gormtest.Cipher(t, "k1"), Table: plain.Table()})
	cctx, cancel := context.WithCancel(context.Background())
	p, err := s.Rekey(cctx, gormstore.RekeyOptions{BatchSize: 3, Progress: func(p gormstore.RekeyProgress) {
		if p.Done >= 6 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || p.Done != 6 || p.Rewritten != 6 {
		t.Fatalf("interrupted Rekey = %+v, %v", p, err)
	}
	p2, err := s.Rekey(context.Background(), gormstore.RekeyOptions{BatchSize: 3, AfterID: p.LastID})
	if err != nil || p2.Total != 4 || p2.Rewritten != 4 || p2.Current != 0 {
		t.Fatalf("resumed Rekey = %+v, %v", p2, err)
	}
	reject := gormtest.NewStore(t, d, gormstore.Config{Cipher: gormtest.Cipher(t, "k1"), Table: plain.Table(), RejectPlaintext: true})
	for uid := uint(1); uid <= 10; uid++ {
		if tok, err := reject.GetFor(gormtest.Ctx(0), "github", gormstore.Who{UserID: uid}); err != nil || tok.AccessToken != fmt.Sprint("ACCESS-", uid) {
			t.Errorf("user %d: %v, %v", uid, tok, err)
		}
	}
}

// In the plaintext-writing mode, what the store writes is read by
// Flask-Dance itself, encrypted rows are still read, and Rekey turns
// encrypted rows back into plaintext.
func TestCipherWritePlaintextReadableByFlaskDance(t *testing.T) {
	db, path := gormtest.FlaskDB(t, flaskFixture)
	enc, err := gormstore.New(db, gormstore.Config{Model: &gormtest.UserOAuth{}, Cipher: gormtest.Cipher(t, "k1")})
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := enc.SetFor(gormtest.Ctx(0), "google", gormstore.Who{UserID: uint(2)}, gormtest.SecretToken("bob")); err != nil {
		t.Fatal(err)
	}
	s, err := gormstore.New(db, gormstore.Config{Model: &gormtest.UserOAuth{}, Cipher: gormtest.Cipher(t, "k1"), WritePlaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := s.GetFor(gormtest.Ctx(0), "google", gormstore.Who{UserID: uint(2)}); err != nil || tok.AccessToken != "ACCESS-bob" {
		t.Fatalf("the plaintext-writing store reads the encrypted row as %v, %v", tok, err)
	}
	want := &storage.Token{AccessToken: "go-wrote-this", TokenType: "bearer", Scope: []string{"repo"},
		ExpiresAt: time.Now().Add(time.Hour).Truncate(time.Second), Extra: map[string]any{"id_token": "x.y.z"}}
	if err := s.SetFor(gormtest.Ctx(0), "github", gormstore.Who{UserID: uint(1)}, want); err != nil {
		t.Fatal(err)
	}
	if raw := gormtest.RawToken(t, s, "github", uint(1)); !strings.Contains(raw, "go-wrote-this") {
		t.Fatalf("the row is not plaintext: %s", raw)
	}
	p, err := s.Rekey(context.Background(), gormstore.RekeyOptions{})
	if err != nil || p.Rewritten != 1 {
		t.Fatalf("Rekey back to plaintext = %+v, %v", p, err)
	}
	if raw := gormtest.RawToken(t, s, "google", uint(2)); !strings.Contains(raw, "ACCESS-bob") {
		t.Fatalf("Rekey left the row encrypted: %s", raw)
	}
	if _, err := exec.Command("/usr/bin/python3", "-c", "import flask_dance, flask_sqlalchemy").CombinedOutput(); err != nil {
		t.Skip("Flask-Dance is not installed (apt-get install python3-flask-dance python3-flask-sqlalchemy)")
	}
	for _, tc := range []struct{ provider, uid, access string }{
		{"github", "1", "go-wrote-this"},
		{"google", "2", "ACCESS-bob"},
	} {
		out, err := exec.Command("/usr/bin/python3", "testdata/flask_dance_tokens.py", "read", path, tc.provider, tc.uid).CombinedOutput()
		if err != nil {
			t.Fatalf("Flask-Dance could not read our row: %v\n%s", err, out)
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("Flask-Dance printed %q: %v", out, err)
		}
		if got["access_token"] != tc.access {
			t.Errorf("Flask-Dance read %v", got)
		}
	}
}

// Configurations that cannot work are refused by New.
func TestCipherConfigErrors(t *testing.T) {
	d := gormtest.SQLite(t)
	c := gormtest.Cipher(t, "k1")
	for name, cfg := range map[string]gormstore.Config{
		"plaintext modes without a cipher": {WritePlaintext: true},
		"both plaintext modes":             {Cipher: c, WritePlaintext: true, RejectPlaintext: true},
		"a cache that cannot seal":         {Cipher: c, Cache: plainCache{}},
	} {
		cfg.Model = &gormtest.UserOAuth{}
		if _, err := gormstore.New(d.DB, cfg); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	k, _ := gormtest.Key(t, "k1")
	for name, f := range map[string]func() error{
		"short key":   func() error { _, err := gormstore.NewKey("k", make([]byte, 16)); return err },
		"empty ID":    func() error { _, err := gormstore.NewKey("", make([]byte, 32)); return err },
		"bad ID":      func() error { _, err := gormstore.NewKey("a\"b", make([]byte, 32)); return err },
		"weak secret": func() error { _, err := gormstore.DeriveKey("k", []byte("password")); return err },
		"same ID":     func() error { _, err := gormstore.NewCipher(k, k); return err },
		"zero key":    func() error { _, err := gormstore.NewCipher(gormstore.Key{}); return err },
	} {
		if f() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if s := fmt.Sprint(k); strings.Contains(s, "k1k1") {
		t.Errorf("a Key prints its bytes: %s", s)
	}
}

type plainCache struct{}

func (plainCache) Get(context.Context, string) (*storage.Token, bool, error) { return nil, false, nil }
func (plainCache) Set(context.Context, string, *storage.Token) error         { return nil }
func (plainCache) Delete(context.Context, string) error                      { return nil }
