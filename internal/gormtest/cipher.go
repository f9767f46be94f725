package gormtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Key returns a key with ID id whose bytes are id repeated: stable,
// distinct per ID, and easy to look for in output.
func Key(t testing.TB, id string) (gormstore.Key, []byte) {
	t.Helper()
	raw := bytes.Repeat([]byte(id), gormstore.KeySize/len(id)+1)[:gormstore.KeySize]
	k, err := gormstore.NewKey(id, raw)
	if err != nil {
		t.Fatal(err)
	}
	return k, raw
}

// Cipher returns a keyring whose current key is Key(t, current), with the
// older keys old.
func Cipher(t testing.TB, current string, old ...string) *gormstore.Cipher {
	t.Helper()
	cur, _ := Key(t, current)
	var olds []gormstore.Key
	for _, id := range old {
		k, _ := Key(t, id)
		olds = append(olds, k)
	}
	c, err := gormstore.NewCipher(cur, olds...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// SecretToken is a token whose secrets are easy to look for.
func SecretToken(tag string) *storage.Token {
	return &storage.Token{
		AccessToken: "ACCESS-" + tag, RefreshToken: "REFRESH-" + tag, TokenType: "bearer",
		Scope: []string{"repo"}, ExpiresAt: time.Unix(1900000000, 0),
		Extra: map[string]any{"id_token": "IDTOKEN-" + tag},
	}
}

// RawToken returns the token column of (provider, uid) as stored.
func RawToken(t testing.TB, s *gormstore.Store, provider string, uid any) string {
	t.Helper()
	var out []string
	db := Where(s, provider, uid).Select("token")
	if err := db.Scan(&out).Error; err != nil || len(out) != 1 {
		t.Fatalf("raw token of %s/%v: %v, %d rows", provider, uid, err, len(out))
	}
	return out[0]
}

// NoSecrets fails t when text holds any secret of the token tag or any
// of the keys' bytes (raw, hex or base64).
func NoSecrets(t testing.TB, what, text string, tags []string, keys ...[]byte) {
	t.Helper()
	for _, tag := range tags {
		for _, sec := range []string{"ACCESS-" + tag, "REFRESH-" + tag, "IDTOKEN-" + tag} {
			if strings.Contains(text, sec) {
				t.Errorf("%s holds %s: %s", what, sec, text)
			}
		}
	}
	for _, k := range keys {
		for _, enc := range []string{string(k), hex.EncodeToString(k), base64.StdEncoding.EncodeToString(k), base64.RawURLEncoding.EncodeToString(k)} {
			if strings.Contains(text, enc) {
				t.Errorf("%s holds key material", what)
			}
		}
	}
}

// CipherRawSelectShowsNoToken: a raw SELECT shows no access, refresh or ID
// token, on every database; the column is still valid JSON, an envelope;
// the cache (in-process or Redis) holds envelopes only; and the store
// reads the token back.
func CipherRawSelectShowsNoToken(t *testing.T, d *DB, cache gormstore.SealedCache) {
	s := NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "k1"), Cache: cache})
	for uid := uint(1); uid <= 2; uid++ {
		if err := s.Set(Ctx(uid), "github", SecretToken(fmt.Sprint(uid))); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	if err := d.DB.Raw("SELECT token FROM " + s.Table()).Scan(&all).Error; err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("%d rows", len(all))
	}
	for _, raw := range all {
		NoSecrets(t, "the token column", raw, []string{"1", "2"})
		var env map[string]any
		if err := json.Unmarshal([]byte(raw), &env); err != nil || env["kid"] != "k1" || env["v"] != float64(1) || env["ct"] == "" {
			t.Errorf("the column is not an envelope: %s (%v)", raw, err)
		}
	}
	for uid := uint(1); uid <= 2; uid++ {
		for range 2 { // a miss, then a hit
			tok, err := s.Get(Ctx(uid), "github")
			if err != nil || tok == nil || tok.AccessToken != fmt.Sprint("ACCESS-", uid) || tok.Extra["id_token"] != fmt.Sprint("IDTOKEN-", uid) {
				t.Fatalf("user %d read %+v, %v", uid, tok, err)
			}
		}
		env, found, err := cache.GetSealed(context.Background(), SealedCacheKey(s, "github", uid))
		if err != nil || !found || len(env) == 0 {
			t.Fatalf("user %d is not cached: %v %v", uid, found, err)
		}
		NoSecrets(t, "the cache", string(env), []string{"1", "2"})
		if tok, found, _ := cache.Get(context.Background(), CacheKey(s, "github", uid)); found || tok != nil {
			t.Errorf("a plaintext cache entry exists: %v", tok)
		}
	}
}

// CipherSwappedRowFailsToDecrypt: a row copied onto another user's row,
// another provider's row, or the row without a user fails to decrypt
// with ErrDecrypt; it never yields the other token. GetFor returns the
// error; Get (what the blueprint calls) logs it at Warn, without secrets,
// and answers "no token" so that the user logs in again.
func CipherSwappedRowFailsToDecrypt(t *testing.T, d *DB) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, raw := Key(t, "k1")
	s := NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "k1"), Logger: log, UserRequired: new(false)})
	set := func(provider string, uid uint, tag string) {
		t.Helper()
		if err := s.SetFor(Ctx(0), provider, gormstore.Who{UserID: uid}, SecretToken(tag)); err != nil {
			t.Fatal(err)
		}
	}
	set("github", 1, "alice")
	set("github", 2, "bob")
	set("google", 2, "bob-google")
	set("github", 0, "nobody")
	alice := RawToken(t, s, "github", uint(1))
	for _, tc := range []struct {
		name     string
		provider string
		uid      any
	}{
		{"other user", "github", uint(2)},
		{"other provider", "google", uint(2)},
		{"no user", "github", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Where(s, tc.provider, tc.uid).Update("token", alice).Error; err != nil {
				t.Fatal(err)
			}
			var uid any
			if tc.uid != nil {
				uid = tc.uid
			}
			tok, err := s.GetFor(Ctx(0), tc.provider, gormstore.Who{UserID: uid})
			if !errors.Is(err, gormstore.ErrDecrypt) || tok != nil {
				t.Fatalf("GetFor = %v, %v; want ErrDecrypt", tok, err)
			}
			NoSecrets(t, "the error", err.Error(), []string{"alice", "bob", "nobody"}, raw)
			logs.Reset()
			c := Ctx(0)
			if tc.uid != nil {
				gormstore.SetUserID(c, "", tc.uid)
			}
			if tok, err := s.Get(c, tc.provider); tok != nil || err != nil {
				t.Fatalf("Get = %v, %v; want no token", tok, err)
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "authentication failed") {
				t.Errorf("no warning: %s", logs.String())
			}
			NoSecrets(t, "the log", logs.String(), []string{"alice", "bob", "nobody"}, raw)
		})
	}
	// Alice's own row still reads.
	if tok, err := s.GetFor(Ctx(0), "github", gormstore.Who{UserID: uint(1)}); err != nil || tok.AccessToken != "ACCESS-alice" {
		t.Errorf("alice: %v, %v", tok, err)
	}
}

// CipherRotatedKeyReadsOldWritesNew: a rotated keyring reads rows under
// the old key and writes under the new; once Rekey has run, the old key
// can go.
func CipherRotatedKeyReadsOldWritesNew(t *testing.T, d *DB) {
	old := NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "2025")})
	for uid := uint(1); uid <= 5; uid++ {
		if err := old.Set(Ctx(uid), "github", SecretToken(fmt.Sprint(uid))); err != nil {
			t.Fatal(err)
		}
	}
	rotated := NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "2026", "2025"), Table: old.Table(), Cache: gormstore.NewMemoryCache(10, time.Minute)})
	if tok, err := rotated.Get(Ctx(1), "github"); err != nil || tok.AccessToken != "ACCESS-1" {
		t.Fatalf("the rotated store reads %v, %v", tok, err)
	}
	if err := rotated.Set(Ctx(2), "github", SecretToken("2b")); err != nil {
		t.Fatal(err)
	}
	if kid := KidOf(t, RawToken(t, rotated, "github", uint(2))); kid != "2026" {
		t.Errorf("a new write is under %q", kid)
	}
	if kid := KidOf(t, RawToken(t, rotated, "github", uint(1))); kid != "2025" {
		t.Errorf("an untouched row is under %q", kid)
	}
	var reports []gormstore.RekeyProgress
	p, err := rotated.Rekey(context.Background(), gormstore.RekeyOptions{BatchSize: 2, Progress: func(p gormstore.RekeyProgress) { reports = append(reports, p) }})
	if err != nil || p.Rewritten != 4 || p.Current != 1 || p.Total != 5 || p.Done != 5 || len(reports) != 3 {
		t.Fatalf("Rekey = %+v, %v; %d reports", p, err, len(reports))
	}
	newOnly := NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "2026"), Table: old.Table()})
	for uid := uint(1); uid <= 5; uid++ {
		want := fmt.Sprint("ACCESS-", uid)
		if uid == 2 {
			want = "ACCESS-2b"
		}
		if tok, err := newOnly.GetFor(Ctx(0), "github", gormstore.Who{UserID: uid}); err != nil || tok.AccessToken != want {
			t.Errorf("user %d under the new key alone: %v, %v", uid, tok, err)
		}
	}
	// A second run finds nothing to do.
	if p, err := rotated.Rekey(context.Background(), gormstore.RekeyOptions{}); err != nil || p.Rewritten != 0 || p.Current != 5 {
		t.Errorf("second Rekey = %+v, %v", p, err)
	}
}

// KidOf returns the key ID of an envelope.
func KidOf(t testing.TB, raw string) string {
	t.Helper()
	var env struct{ Kid string }
	if err := json.Unmarshal([]byte(raw), &env); err != nil {
		t.Fatal(err)
	}
	return env.Kid
}

// RekeyDuringConcurrentDances: Rekey, run while 200 goroutines keep
// saving and reading tokens of their own users (the storage side of 200
// concurrent dances), loses no write
// and corrupts no row: at the end every user reads the last token saved
// for it, under the new key alone, and each row is an envelope under it.
func RekeyDuringConcurrentDances(t *testing.T, d *DB) {
	const users, rounds = 200, 3
	plain := NewStore(t, d, gormstore.Config{})
	for uid := uint(1); uid <= users; uid++ { // half plaintext, half under the old key
		s := plain
		if uid%2 == 0 {
			s = NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "old"), Table: plain.Table()})
		}
		if err := s.Set(Ctx(uid), "github", SecretToken(fmt.Sprintf("%d-0", uid))); err != nil {
			t.Fatal(err)
		}
	}
	app := NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "new", "old"), Table: plain.Table(), Cache: gormstore.NewMemoryCache(1000, time.Minute)})
	last := make([]string, users+1)
	var wg sync.WaitGroup
	errs := make(chan error, users+1)
	start := make(chan struct{})
	// The dances start once Rekey has done its first batch, so that
	// they overlap with the rest of its run on every database.
	started := make(chan struct{})
	var once sync.Once
	for uid := uint(1); uid <= users; uid++ {
		wg.Go(func() {
			<-started
			for r := 1; r <= rounds; r++ {
				tag := fmt.Sprintf("%d-%d", uid, r)
				if err := app.Set(Ctx(uid), "github", SecretToken(tag)); err != nil {
					errs <- fmt.Errorf("user %d: set: %w", uid, err)
					return
				}
				tok, err := app.Get(Ctx(uid), "github")
				if err != nil || tok == nil || tok.AccessToken != "ACCESS-"+tag {
					errs <- fmt.Errorf("user %d: read %v, %v after saving %s", uid, tok, err, tag)
					return
				}
				last[uid] = tag
			}
		})
	}
	var p gormstore.RekeyProgress
	wg.Go(func() {
		<-start
		var err error
		p, err = app.Rekey(context.Background(), gormstore.RekeyOptions{BatchSize: 8, Progress: func(gormstore.RekeyProgress) {
			once.Do(func() { close(started) })
		}})
		if err != nil {
			errs <- fmt.Errorf("rekey: %w", err)
		}
	})
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("rekey: %+v", p)
	if p.Failed != 0 || p.Done != users {
		t.Errorf("rekey progress %+v", p)
	}
	// Rows app saved during the run are under "new" already; a second
	// run must find every row current.
	if p2, err := app.Rekey(context.Background(), gormstore.RekeyOptions{}); err != nil || p2.Current != users {
		t.Errorf("second Rekey = %+v, %v", p2, err)
	}
	newOnly := NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "new"), Table: plain.Table(), RejectPlaintext: true})
	for uid := uint(1); uid <= users; uid++ {
		tok, err := newOnly.GetFor(Ctx(0), "github", gormstore.Who{UserID: uid})
		if err != nil || tok == nil || tok.AccessToken != "ACCESS-"+last[uid] || tok.RefreshToken != "REFRESH-"+last[uid] {
			t.Errorf("user %d: %v, %v; want %s", uid, tok, err, last[uid])
		}
	}
	if n := len(Rows(t, app)); n != users {
		t.Errorf("%d rows, want %d", n, users)
	}
}

// FlaskRow is a token row as Flask-Dance wrote it.
type FlaskRow struct {
	Provider string
	UserID   *uint
	Token    string
}

// FlaskDB opens a copy of the SQLite database at path that Flask-Dance
// wrote (storage/gormstore/testdata/flask_dance.db, made by
// testdata/flask_dance_tokens.py), and returns it with the copy's path.
func FlaskDB(t testing.TB, path string) (*gorm.DB, string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "flask_dance.db")
	if err := os.WriteFile(cp, src, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := gorm.Open(sqlite.Open(cp), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { sqlDB.Close() })
	return db, cp
}

// FlaskRows returns the token rows of the database at path that
// Flask-Dance wrote (see [FlaskDB]), raw.
func FlaskRows(t testing.TB, path string) []FlaskRow {
	t.Helper()
	db, _ := FlaskDB(t, path)
	var out []FlaskRow
	if err := db.Raw("SELECT provider, user_id, token FROM flask_dance_oauth ORDER BY id").Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// CipherFlaskDanceRowsReadThenEncrypted: Flask-Dance's rows (fixture,
// from [FlaskRows]), copied as they are into a table on each database,
// are read by a store with a cipher, rewritten encrypted when saved, and
// by Rekey, after which no plaintext is left and each token reads the
// same.
func CipherFlaskDanceRowsReadThenEncrypted(t *testing.T, d *DB, fixture []FlaskRow) {
	s := NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "k1"), Cache: gormstore.NewMemoryCache(10, time.Minute)})
	for _, r := range fixture {
		err := d.DB.Exec("INSERT INTO "+s.Table()+" (provider, created_at, token, user_id) VALUES (?, ?, ?, ?)",
			r.Provider, time.Now().UTC(), r.Token, r.UserID).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	before := map[string]*storage.Token{}
	for _, r := range fixture {
		var uid any
		if r.UserID != nil {
			uid = *r.UserID
		}
		tok, err := s.GetFor(Ctx(0), r.Provider, gormstore.Who{UserID: uid})
		if err != nil || tok == nil {
			t.Fatalf("%s/%v: %v, %v", r.Provider, uid, tok, err)
		}
		before[fmt.Sprint(r.Provider, uid)] = tok
	}
	if gh := before["github1"]; gh.AccessToken != "alice-github-access" || gh.RefreshToken != "alice-github-refresh" {
		t.Fatalf("alice's github token = %+v", gh)
	}
	// A save encrypts that row.
	if err := s.SetFor(Ctx(0), "github", gormstore.Who{UserID: uint(1)}, before["github1"]); err != nil {
		t.Fatal(err)
	}
	if raw := RawToken(t, s, "github", uint(1)); strings.Contains(raw, "alice-github") {
		t.Errorf("the saved row is plaintext: %s", raw)
	}
	p, err := s.Rekey(context.Background(), gormstore.RekeyOptions{})
	if err != nil || p.Rewritten != int64(len(fixture)-1) || p.Current != 1 {
		t.Fatalf("Rekey = %+v, %v", p, err)
	}
	var all []string
	if err := d.DB.Raw("SELECT token FROM " + s.Table()).Scan(&all).Error; err != nil {
		t.Fatal(err)
	}
	for _, raw := range all {
		if strings.Contains(raw, `"access_token"`) || strings.Contains(raw, `"oauth_token"`) || KidOf(t, raw) != "k1" {
			t.Errorf("a row is not encrypted: %s", raw)
		}
	}
	reject := NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "k1"), Table: s.Table(), RejectPlaintext: true})
	for _, r := range fixture {
		var uid any
		if r.UserID != nil {
			uid = *r.UserID
		}
		tok, err := reject.GetFor(Ctx(0), r.Provider, gormstore.Who{UserID: uid})
		if err != nil {
			t.Fatalf("%s/%v: %v", r.Provider, uid, err)
		}
		a, _ := json.Marshal(tok)
		b, _ := json.Marshal(before[fmt.Sprint(r.Provider, uid)])
		if !bytes.Equal(a, b) {
			t.Errorf("%s/%v changed:\n%s\n%s", r.Provider, uid, a, b)
		}
	}
}
