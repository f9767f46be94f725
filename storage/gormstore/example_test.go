package gormstore_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// exampleOAuth is an app's token model: the mixin and a user.
type exampleOAuth struct {
	gormstore.Model
	UserID *uint
}

// Tokens encrypted at rest, with a rotated keyring: "2026" encrypts, and
// "2025" still decrypts the rows written before the rotation until Rekey
// has rewritten them.
func ExampleNewCipher() {
	dir, _ := os.MkdirTemp("", "gormstore-example-")
	defer os.RemoveAll(dir)
	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}

	// In an app, the keys come from a secret manager: 32 random bytes each.
	raw := func() []byte { b := make([]byte, gormstore.KeySize); rand.Read(b); return b }
	k2025, err := gormstore.NewKey("2025", raw())
	if err != nil {
		log.Fatal(err)
	}
	k2026, err := gormstore.NewKey("2026", raw())
	if err != nil {
		log.Fatal(err)
	}
	old, _ := gormstore.NewCipher(k2025)
	rotated, _ := gormstore.NewCipher(k2026, k2025)

	// A token written under the old key.
	before, _ := gormstore.New(db, gormstore.Config{Model: &exampleOAuth{}, Cipher: old})
	if err := before.Migrate(context.Background()); err != nil {
		log.Fatal(err)
	}
	tok := &storage.Token{AccessToken: "gho_secret", TokenType: "bearer"}
	if err := before.SetFor(nil, "github", gormstore.Who{UserID: uint(1)}, tok); err != nil {
		log.Fatal(err)
	}

	// After the rotation: read it, then rewrite every row under "2026".
	st, err := gormstore.New(db, gormstore.Config{
		Model:  &exampleOAuth{},
		Cipher: rotated,
		Cache:  gormstore.NewMemoryCache(0, 0), // holds envelopes, never tokens
	})
	if err != nil {
		log.Fatal(err)
	}
	got, err := st.GetFor(nil, "github", gormstore.Who{UserID: uint(1)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("read:", got.AccessToken)

	p, err := st.Rekey(context.Background(), gormstore.RekeyOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("rekey: %d of %d rows rewritten\n", p.Rewritten, p.Total)

	var column string
	db.Raw("SELECT token FROM flask_dance_oauth").Scan(&column)
	fmt.Println("column holds the token:", strings.Contains(column, "gho_secret"))
	fmt.Println("column is under key 2026:", strings.Contains(column, `"kid":"2026"`))
	// Output:
	// read: gho_secret
	// rekey: 1 of 1 rows rewritten
	// column holds the token: false
	// column is under key 2026: true
}
