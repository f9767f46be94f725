package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// The command encrypts a table of plaintext rows with a progress bar,
// rotates it to a new key, and turns it back into plaintext; the key
// never appears in its output.
func TestRekeyCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.db")
	db, err := gorm.Open(sqlite.Open(path), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := gormstore.New(db, gormstore.Config{Model: &withUser{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for uid := uint(1); uid <= 25; uid++ {
		tok := &storage.Token{AccessToken: fmt.Sprint("secret-access-", uid), TokenType: "bearer", ExpiresAt: time.Unix(1900000000, 0)}
		if err := plain.SetFor(nil, "github", gormstore.Who{UserID: uid}, tok); err != nil {
			t.Fatal(err)
		}
	}
	k1 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	k2 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32))
	cmd := func(keys string, args ...string) string {
		t.Helper()
		env := map[string]string{"DANCE_TOKEN_KEYS": keys}
		var stdout, stderr bytes.Buffer
		args = append([]string{"-driver", "sqlite", "-dsn", path, "-batch", "10"}, args...)
		if err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr); err != nil {
			t.Fatalf("rekey %v: %v\n%s", args, err, stderr.String())
		}
		out := stderr.String()
		for _, k := range []string{k1, k2} {
			if strings.Contains(out, k) {
				t.Errorf("the output holds a key:\n%s", out)
			}
		}
		return out
	}
	column := func() string {
		var all []string
		db.Raw("SELECT token FROM flask_dance_oauth").Scan(&all)
		return strings.Join(all, "\n")
	}

	out := cmd("a:" + k1)
	if !strings.Contains(out, "[##############################] 100% 25/25 rows") || !strings.Contains(out, "25 rewritten") {
		t.Errorf("output:\n%s", out)
	}
	if c := column(); strings.Contains(c, "secret-access") || strings.Count(c, `"kid":"a"`) != 25 {
		t.Errorf("not encrypted under a:\n%s", c)
	}
	if out := cmd("b:"+k2+",a:"+k1, "-after", "20"); !strings.Contains(out, "5 rewritten") {
		t.Errorf("resumed rotation:\n%s", out)
	}
	cmd("b:" + k2 + ",a:" + k1)
	if c := column(); strings.Count(c, `"kid":"b"`) != 25 {
		t.Errorf("not rotated to b:\n%s", c)
	}
	cmd("b:"+k2, "-plaintext")
	if c := column(); strings.Count(c, "secret-access") != 25 {
		t.Errorf("not back in plaintext:\n%s", c)
	}

	var stderr bytes.Buffer
	err = run(context.Background(), []string{"-driver", "sqlite", "-dsn", path}, func(string) string { return "a:" + k1[:10] + "!" }, &stderr, &stderr)
	if err == nil || strings.Contains(err.Error(), k1[:10]) {
		t.Errorf("a bad key: %v", err)
	}
}
