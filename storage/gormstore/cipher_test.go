package gormstore

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
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gin-dance/dance/storage"
	"github.com/redis/go-redis/v9"
)

// testKey returns a key with ID id whose bytes are id repeated: stable,
// distinct per ID, and easy to look for in output.
func testKey(t testing.TB, id string) (Key, []byte) {
	t.Helper()
	raw := bytes.Repeat([]byte(id), KeySize/len(id)+1)[:KeySize]
	k, err := NewKey(id, raw)
	if err != nil {
		t.Fatal(err)
	}
	return k, raw
}

func testCipher(t testing.TB, current string, old ...string) *Cipher {
	t.Helper()
	cur, _ := testKey(t, current)
	var olds []Key
	for _, id := range old {
		k, _ := testKey(t, id)
		olds = append(olds, k)
	}
	c, err := NewCipher(cur, olds...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// secretToken is a token whose secrets are easy to look for.
func secretToken(tag string) *storage.Token {
	return &storage.Token{
		AccessToken: "ACCESS-" + tag, RefreshToken: "REFRESH-" + tag, TokenType: "bearer",
		Scope: []string{"repo"}, ExpiresAt: time.Unix(1900000000, 0),
		Extra: map[string]any{"id_token": "IDTOKEN-" + tag},
	}
}

// rawToken returns the token column of (provider, uid) as stored.
func rawToken(t testing.TB, s *Store, provider string, uid any) string {
	t.Helper()
	var out []string
	db := s.where(s.db, provider, uid).Select("token")
	if err := db.Scan(&out).Error; err != nil || len(out) != 1 {
		t.Fatalf("raw token of %s/%v: %v, %d rows", provider, uid, err, len(out))
	}
	return out[0]
}

// noSecrets fails t when text holds any secret of the token tag or any
// of the keys' bytes (raw, hex or base64).
func noSecrets(t testing.TB, what, text string, tags []string, keys ...[]byte) {
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

// A raw SELECT shows no access, refresh or ID token, on every database;
// the column is still valid JSON, an envelope; the caches (in-process and
// Redis) hold envelopes only; and the store reads the token back.
func TestCipherRawSelectShowsNoToken(t *testing.T) {
	caches := map[string]func(t *testing.T) Cache{
		"memory": func(*testing.T) Cache { return NewMemoryCache(100, time.Minute) },
	}
	if addr := os.Getenv("DANCE_TEST_REDIS_ADDR"); addr != "" {
		caches["redis"] = func(t *testing.T) Cache {
			rc := redis.NewClient(&redis.Options{Addr: addr})
			t.Cleanup(func() { rc.Close() })
			return NewRedisCache(rc, "dance-test-"+randHex(6)+":", time.Minute)
		}
	}
	forEachDB(t, func(t *testing.T, d *testDB) {
		for name, mk := range caches {
			t.Run(name, func(t *testing.T) {
				cache := mk(t)
				s := newStore(t, d, Config{Cipher: testCipher(t, "k1"), Cache: cache})
				for uid := uint(1); uid <= 2; uid++ {
					if err := s.Set(ctx(uid), "github", secretToken(fmt.Sprint(uid))); err != nil {
						t.Fatal(err)
					}
				}
				var all []string
				if err := d.db.Raw("SELECT token FROM " + s.Table()).Scan(&all).Error; err != nil {
					t.Fatal(err)
				}
				if len(all) != 2 {
					t.Fatalf("%d rows", len(all))
				}
				for _, raw := range all {
					noSecrets(t, "the token column", raw, []string{"1", "2"})
					var env map[string]any
					if err := json.Unmarshal([]byte(raw), &env); err != nil || env["kid"] != "k1" || env["v"] != float64(1) || env["ct"] == "" {
						t.Errorf("the column is not an envelope: %s (%v)", raw, err)
					}
				}
				for uid := uint(1); uid <= 2; uid++ {
					for range 2 { // a miss, then a hit
						tok, err := s.Get(ctx(uid), "github")
						if err != nil || tok == nil || tok.AccessToken != fmt.Sprint("ACCESS-", uid) || tok.Extra["id_token"] != fmt.Sprint("IDTOKEN-", uid) {
							t.Fatalf("user %d read %+v, %v", uid, tok, err)
						}
					}
					env, found, err := cache.(SealedCache).GetSealed(context.Background(), s.cacheKey("github", uid))
					if err != nil || !found || len(env) == 0 {
						t.Fatalf("user %d is not cached: %v %v", uid, found, err)
					}
					noSecrets(t, "the cache", string(env), []string{"1", "2"})
					if tok, found, _ := cache.Get(context.Background(), s.plainCacheKey("github", uid)); found || tok != nil {
						t.Errorf("a plaintext cache entry exists: %v", tok)
					}
				}
			})
		}
	})
}

// A row copied onto another user's row, another provider's row, or the
// row without a user fails to decrypt with ErrDecrypt; it never yields
// the other token. GetFor returns the error; Get (what the blueprint
// calls) logs it at Warn, without secrets, and answers "no token" so that
// the user logs in again.
func TestCipherSwappedRowFailsToDecrypt(t *testing.T) {
	forEachDB(t, func(t *testing.T, d *testDB) {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		_, raw := testKey(t, "k1")
		s := newStore(t, d, Config{Cipher: testCipher(t, "k1"), Logger: log, UserRequired: new(false)})
		set := func(provider string, uid uint, tag string) {
			t.Helper()
			if err := s.SetFor(ctx(0), provider, Who{UserID: uid}, secretToken(tag)); err != nil {
				t.Fatal(err)
			}
		}
		set("github", 1, "alice")
		set("github", 2, "bob")
		set("google", 2, "bob-google")
		set("github", 0, "nobody")
		alice := rawToken(t, s, "github", uint(1))
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
				if err := s.where(s.db, tc.provider, tc.uid).Update("token", alice).Error; err != nil {
					t.Fatal(err)
				}
				var uid any
				if tc.uid != nil {
					uid = tc.uid
				}
				tok, err := s.GetFor(ctx(0), tc.provider, Who{UserID: uid})
				if !errors.Is(err, ErrDecrypt) || tok != nil {
					t.Fatalf("GetFor = %v, %v; want ErrDecrypt", tok, err)
				}
				noSecrets(t, "the error", err.Error(), []string{"alice", "bob", "nobody"}, raw)
				logs.Reset()
				c := ctx(0)
				if tc.uid != nil {
					SetUserID(c, "", tc.uid)
				}
				if tok, err := s.Get(c, tc.provider); tok != nil || err != nil {
					t.Fatalf("Get = %v, %v; want no token", tok, err)
				}
				if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "authentication failed") {
					t.Errorf("no warning: %s", logs.String())
				}
				noSecrets(t, "the log", logs.String(), []string{"alice", "bob", "nobody"}, raw)
			})
		}
		// Alice's own row still reads.
		if tok, err := s.GetFor(ctx(0), "github", Who{UserID: uint(1)}); err != nil || tok.AccessToken != "ACCESS-alice" {
			t.Errorf("alice: %v, %v", tok, err)
		}
	})
}

// Every way an envelope can be wrong gives an error that wraps ErrDecrypt
// and holds neither key material nor plaintext; nothing panics.
func TestCipherDecryptErrors(t *testing.T) {
	d := openDB(t, "sqlite")
	_, raw1 := testKey(t, "k1")
	_, raw2 := testKey(t, "k2")
	s := newStore(t, d, Config{Cipher: testCipher(t, "k1")})
	if err := s.Set(ctx(1), "github", secretToken("alice")); err != nil {
		t.Fatal(err)
	}
	good := rawToken(t, s, "github", uint(1))
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
	wrongKey := newStore(t, d, Config{Cipher: testCipher(t, "k1x"), Table: s.Table()})
	for _, tc := range []struct {
		name, stored, want string
		store              *Store
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
			if err := s.where(s.db, "github", uint(1)).Update("token", tc.stored).Error; err != nil {
				t.Fatal(err)
			}
			tok, err := tc.store.GetFor(ctx(0), "github", Who{UserID: uint(1)})
			if !errors.Is(err, ErrDecrypt) || tok != nil {
				t.Fatalf("GetFor = %v, %v; want ErrDecrypt", tok, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			noSecrets(t, "the error", err.Error(), []string{"alice"}, raw1, raw2)
		})
	}
	// "wrong key" under the same ID: a keyring whose k1 is another key.
	other, _ := NewKey("k1", raw2)
	c, _ := NewCipher(other)
	s2 := newStore(t, d, Config{Cipher: c, Table: s.Table()})
	if err := s.where(s.db, "github", uint(1)).Update("token", good).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s2.GetFor(ctx(0), "github", Who{UserID: uint(1)}); !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), "authentication failed") {
		t.Errorf("a wrong key with the right ID: %v", err)
	}
}

// A rotated keyring reads rows under the old key and writes under the
// new; once Rekey has run, the old key can go.
func TestCipherRotatedKeyReadsOldWritesNew(t *testing.T) {
	forEachDB(t, func(t *testing.T, d *testDB) {
		old := newStore(t, d, Config{Cipher: testCipher(t, "2025")})
		for uid := uint(1); uid <= 5; uid++ {
			if err := old.Set(ctx(uid), "github", secretToken(fmt.Sprint(uid))); err != nil {
				t.Fatal(err)
			}
		}
		rotated := newStore(t, d, Config{Cipher: testCipher(t, "2026", "2025"), Table: old.Table(), Cache: NewMemoryCache(10, time.Minute)})
		if tok, err := rotated.Get(ctx(1), "github"); err != nil || tok.AccessToken != "ACCESS-1" {
			t.Fatalf("the rotated store reads %v, %v", tok, err)
		}
		if err := rotated.Set(ctx(2), "github", secretToken("2b")); err != nil {
			t.Fatal(err)
		}
		if kid := kidOf(t, rawToken(t, rotated, "github", uint(2))); kid != "2026" {
			t.Errorf("a new write is under %q", kid)
		}
		if kid := kidOf(t, rawToken(t, rotated, "github", uint(1))); kid != "2025" {
			t.Errorf("an untouched row is under %q", kid)
		}
		var reports []RekeyProgress
		p, err := rotated.Rekey(context.Background(), RekeyOptions{BatchSize: 2, Progress: func(p RekeyProgress) { reports = append(reports, p) }})
		if err != nil || p.Rewritten != 4 || p.Current != 1 || p.Total != 5 || p.Done != 5 || len(reports) != 3 {
			t.Fatalf("Rekey = %+v, %v; %d reports", p, err, len(reports))
		}
		newOnly := newStore(t, d, Config{Cipher: testCipher(t, "2026"), Table: old.Table()})
		for uid := uint(1); uid <= 5; uid++ {
			want := fmt.Sprint("ACCESS-", uid)
			if uid == 2 {
				want = "ACCESS-2b"
			}
			if tok, err := newOnly.GetFor(ctx(0), "github", Who{UserID: uid}); err != nil || tok.AccessToken != want {
				t.Errorf("user %d under the new key alone: %v, %v", uid, tok, err)
			}
		}
		// A second run finds nothing to do.
		if p, err := rotated.Rekey(context.Background(), RekeyOptions{}); err != nil || p.Rewritten != 0 || p.Current != 5 {
			t.Errorf("second Rekey = %+v, %v", p, err)
		}
	})
}

func kidOf(t testing.TB, raw string) string {
	t.Helper()
	var env struct{ Kid string }
	if err := json.Unmarshal([]byte(raw), &env); err != nil {
		t.Fatal(err)
	}
	return env.Kid
}

// Rekey, run while 200 goroutines keep saving and reading tokens of their
// own users (the storage side of 200 concurrent dances), loses no write
// and corrupts no row: at the end every user reads the last token saved
// for it, under the new key alone, and each row is an envelope under it.
func TestRekeyDuringConcurrentDances(t *testing.T) {
	forEachDB(t, func(t *testing.T, d *testDB) {
		const users, rounds = 200, 3
		plain := newStore(t, d, Config{})
		for uid := uint(1); uid <= users; uid++ { // half plaintext, half under the old key
			s := plain
			if uid%2 == 0 {
				s = newStore(t, d, Config{Cipher: testCipher(t, "old"), Table: plain.Table()})
			}
			if err := s.Set(ctx(uid), "github", secretToken(fmt.Sprintf("%d-0", uid))); err != nil {
				t.Fatal(err)
			}
		}
		app := newStore(t, d, Config{Cipher: testCipher(t, "new", "old"), Table: plain.Table(), Cache: NewMemoryCache(1000, time.Minute)})
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
					if err := app.Set(ctx(uid), "github", secretToken(tag)); err != nil {
						errs <- fmt.Errorf("user %d: set: %w", uid, err)
						return
					}
					tok, err := app.Get(ctx(uid), "github")
					if err != nil || tok == nil || tok.AccessToken != "ACCESS-"+tag {
						errs <- fmt.Errorf("user %d: read %v, %v after saving %s", uid, tok, err, tag)
						return
					}
					last[uid] = tag
				}
			})
		}
		var p RekeyProgress
		wg.Go(func() {
			<-start
			var err error
			p, err = app.Rekey(context.Background(), RekeyOptions{BatchSize: 8, Progress: func(RekeyProgress) {
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
		if p2, err := app.Rekey(context.Background(), RekeyOptions{}); err != nil || p2.Current != users {
			t.Errorf("second Rekey = %+v, %v", p2, err)
		}
		newOnly := newStore(t, d, Config{Cipher: testCipher(t, "new"), Table: plain.Table(), RejectPlaintext: true})
		for uid := uint(1); uid <= users; uid++ {
			tok, err := newOnly.GetFor(ctx(0), "github", Who{UserID: uid})
			if err != nil || tok == nil || tok.AccessToken != "ACCESS-"+last[uid] || tok.RefreshToken != "REFRESH-"+last[uid] {
				t.Errorf("user %d: %v, %v; want %s", uid, tok, err, last[uid])
			}
		}
		if n := len(rows(t, app)); n != users {
			t.Errorf("%d rows, want %d", n, users)
		}
	})
}

// Rekey resumes from the last ID it reported, and a context that ends
// stops it with the progress so far.
func TestRekeyResumes(t *testing.T) {
	d := openDB(t, "sqlite")
	plain := newStore(t, d, Config{})
	for uid := uint(1); uid <= 10; uid++ {
		if err := plain.Set(ctx(uid), "github", secretToken(fmt.Sprint(uid))); err != nil {
			t.Fatal(err)
		}
	}
	s := newStore(t, d, Config{Cipher: testCipher(t, "k1"), Table: plain.Table()})
	cctx, cancel := context.WithCancel(context.Background())
	p, err := s.Rekey(cctx, RekeyOptions{BatchSize: 3, Progress: func(p RekeyProgress) {
		if p.Done >= 6 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || p.Done != 6 || p.Rewritten != 6 {
		t.Fatalf("interrupted Rekey = %+v, %v", p, err)
	}
	p2, err := s.Rekey(context.Background(), RekeyOptions{BatchSize: 3, AfterID: p.LastID})
	if err != nil || p2.Total != 4 || p2.Rewritten != 4 || p2.Current != 0 {
		t.Fatalf("resumed Rekey = %+v, %v", p2, err)
	}
	reject := newStore(t, d, Config{Cipher: testCipher(t, "k1"), Table: plain.Table(), RejectPlaintext: true})
	for uid := uint(1); uid <= 10; uid++ {
		if tok, err := reject.GetFor(ctx(0), "github", Who{UserID: uid}); err != nil || tok.AccessToken != fmt.Sprint("ACCESS-", uid) {
			t.Errorf("user %d: %v, %v", uid, tok, err)
		}
	}
}

// flaskRows returns the token rows that Flask-Dance wrote
// (testdata/flask_dance.db), raw.
func flaskRows(t *testing.T) []struct {
	Provider string
	UserID   *uint
	Token    string
} {
	db, _ := flaskDB(t)
	var out []struct {
		Provider string
		UserID   *uint
		Token    string
	}
	if err := db.Raw("SELECT provider, user_id, token FROM flask_dance_oauth ORDER BY id").Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// Flask-Dance's rows, copied as they are into a table on each database,
// are read by a store with a cipher, rewritten encrypted when saved, and
// by Rekey, after which no plaintext is left and each token reads the
// same.
func TestCipherFlaskDanceRowsReadThenEncrypted(t *testing.T) {
	fixture := flaskRows(t)
	if len(fixture) < 4 {
		t.Fatalf("%d fixture rows", len(fixture))
	}
	forEachDB(t, func(t *testing.T, d *testDB) {
		s := newStore(t, d, Config{Cipher: testCipher(t, "k1"), Cache: NewMemoryCache(10, time.Minute)})
		for _, r := range fixture {
			err := d.db.Exec("INSERT INTO "+s.Table()+" (provider, created_at, token, user_id) VALUES (?, ?, ?, ?)",
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
			tok, err := s.GetFor(ctx(0), r.Provider, Who{UserID: uid})
			if err != nil || tok == nil {
				t.Fatalf("%s/%v: %v, %v", r.Provider, uid, tok, err)
			}
			before[fmt.Sprint(r.Provider, uid)] = tok
		}
		if gh := before["github1"]; gh.AccessToken != "alice-github-access" || gh.RefreshToken != "alice-github-refresh" {
			t.Fatalf("alice's github token = %+v", gh)
		}
		// A save encrypts that row.
		if err := s.SetFor(ctx(0), "github", Who{UserID: uint(1)}, before["github1"]); err != nil {
			t.Fatal(err)
		}
		if raw := rawToken(t, s, "github", uint(1)); strings.Contains(raw, "alice-github") {
			t.Errorf("the saved row is plaintext: %s", raw)
		}
		p, err := s.Rekey(context.Background(), RekeyOptions{})
		if err != nil || p.Rewritten != int64(len(fixture)-1) || p.Current != 1 {
			t.Fatalf("Rekey = %+v, %v", p, err)
		}
		var all []string
		if err := d.db.Raw("SELECT token FROM " + s.Table()).Scan(&all).Error; err != nil {
			t.Fatal(err)
		}
		for _, raw := range all {
			if strings.Contains(raw, `"access_token"`) || strings.Contains(raw, `"oauth_token"`) || kidOf(t, raw) != "k1" {
				t.Errorf("a row is not encrypted: %s", raw)
			}
		}
		reject := newStore(t, d, Config{Cipher: testCipher(t, "k1"), Table: s.Table(), RejectPlaintext: true})
		for _, r := range fixture {
			var uid any
			if r.UserID != nil {
				uid = *r.UserID
			}
			tok, err := reject.GetFor(ctx(0), r.Provider, Who{UserID: uid})
			if err != nil {
				t.Fatalf("%s/%v: %v", r.Provider, uid, err)
			}
			a, _ := json.Marshal(tok)
			b, _ := json.Marshal(before[fmt.Sprint(r.Provider, uid)])
			if !bytes.Equal(a, b) {
				t.Errorf("%s/%v changed:\n%s\n%s", r.Provider, uid, a, b)
			}
		}
	})
}

// In the plaintext-writing mode, what the store writes is read by
// Flask-Dance itself, encrypted rows are still read, and Rekey turns
// encrypted rows back into plaintext.
func TestCipherWritePlaintextReadableByFlaskDance(t *testing.T) {
	db, path := flaskDB(t)
	enc, err := New(db, Config{Model: &userOAuth{}, Cipher: testCipher(t, "k1")})
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := enc.SetFor(ctx(0), "google", Who{UserID: uint(2)}, secretToken("bob")); err != nil {
		t.Fatal(err)
	}
	s, err := New(db, Config{Model: &userOAuth{}, Cipher: testCipher(t, "k1"), WritePlaintext: true})
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := s.GetFor(ctx(0), "google", Who{UserID: uint(2)}); err != nil || tok.AccessToken != "ACCESS-bob" {
		t.Fatalf("the plaintext-writing store reads the encrypted row as %v, %v", tok, err)
	}
	want := &storage.Token{AccessToken: "go-wrote-this", TokenType: "bearer", Scope: []string{"repo"},
		ExpiresAt: time.Now().Add(time.Hour).Truncate(time.Second), Extra: map[string]any{"id_token": "x.y.z"}}
	if err := s.SetFor(ctx(0), "github", Who{UserID: uint(1)}, want); err != nil {
		t.Fatal(err)
	}
	if raw := rawToken(t, s, "github", uint(1)); !strings.Contains(raw, "go-wrote-this") {
		t.Fatalf("the row is not plaintext: %s", raw)
	}
	p, err := s.Rekey(context.Background(), RekeyOptions{})
	if err != nil || p.Rewritten != 1 {
		t.Fatalf("Rekey back to plaintext = %+v, %v", p, err)
	}
	if raw := rawToken(t, s, "google", uint(2)); !strings.Contains(raw, "ACCESS-bob") {
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
	d := openDB(t, "sqlite")
	c := testCipher(t, "k1")
	for name, cfg := range map[string]Config{
		"plaintext modes without a cipher": {WritePlaintext: true},
		"both plaintext modes":             {Cipher: c, WritePlaintext: true, RejectPlaintext: true},
		"a cache that cannot seal":         {Cipher: c, Cache: plainCache{}},
	} {
		cfg.Model = &userOAuth{}
		if _, err := New(d.db, cfg); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	k, _ := testKey(t, "k1")
	for name, f := range map[string]func() error{
		"short key":   func() error { _, err := NewKey("k", make([]byte, 16)); return err },
		"empty ID":    func() error { _, err := NewKey("", make([]byte, 32)); return err },
		"bad ID":      func() error { _, err := NewKey("a\"b", make([]byte, 32)); return err },
		"weak secret": func() error { _, err := DeriveKey("k", []byte("password")); return err },
		"same ID":     func() error { _, err := NewCipher(k, k); return err },
		"zero key":    func() error { _, err := NewCipher(Key{}); return err },
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
