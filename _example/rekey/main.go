// Command rekey runs gormstore's Store.Rekey on a token table: it
// encrypts plaintext rows (Flask-Dance's, or gormstore's from before
// encryption), re-encrypts rows under older keys with the current one, or,
// with -plaintext, decrypts every row back for a Flask-Dance app. It shows
// a text progress bar, and is safe to run while the app serves dances.
//
//	DANCE_TOKEN_KEYS=2026:BASE64KEY,2025:BASE64KEY \
//	cd _example/rekey && go run . -driver postgres -dsn 'host=… dbname=app'
//
// DANCE_TOKEN_KEYS is the keyring, ID:key pairs separated by commas, each
// key 32 bytes in standard base64; the first is the current key. Keys are
// read from the environment only, never from flags, which other users of
// the machine can see. -genkey prints a new random key and exits.
//
// Interrupted (Ctrl-C), it prints the -after value to resume with;
// starting over is also safe, since rows already in the target form are
// skipped.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/gin-dance/dance/storage/gormstore"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "rekey:", err)
		os.Exit(1)
	}
}

// withUser is the token model of a table with a user_id column.
type withUser struct {
	gormstore.Model
	UserID *uint
}

// run is the command, with its arguments, environment and outputs.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rekey", flag.ContinueOnError)
	fs.SetOutput(stderr)
	driver := fs.String("driver", "postgres", "database: postgres, mysql or sqlite")
	dsn := fs.String("dsn", "", "database DSN (default $DATABASE_URL)")
	table := fs.String("table", gormstore.DefaultTable, "token table")
	batch := fs.Int("batch", 200, "rows per batch (and per transaction)")
	after := fs.Uint64("after", 0, "resume after this row ID")
	plaintext := fs.Bool("plaintext", false, "rewrite every row in plaintext (for a Flask-Dance app that reads the table)")
	genkey := fs.Bool("genkey", false, "print a new random key in base64 and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *genkey {
		b := make([]byte, gormstore.KeySize)
		rand.Read(b)
		fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(b))
		return nil
	}
	cipher, err := keyring(getenv("DANCE_TOKEN_KEYS"))
	if err != nil {
		return err
	}
	if *dsn == "" {
		*dsn = getenv("DATABASE_URL")
	}
	var dial gorm.Dialector
	switch *driver {
	case "postgres":
		dial = postgres.Open(*dsn)
	case "mysql":
		dial = mysql.Open(*dsn)
	case "sqlite":
		dial = sqlite.Open(*dsn)
	default:
		return fmt.Errorf("unknown -driver %q", *driver)
	}
	db, err := gorm.Open(dial, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return err
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	if !db.Migrator().HasTable(*table) {
		return fmt.Errorf("no table %s", *table)
	}
	var model any = &gormstore.Model{}
	if db.Migrator().HasColumn(*table, "user_id") {
		model = &withUser{}
	}
	st, err := gormstore.New(db, gormstore.Config{Model: model, Table: *table, Cipher: cipher, WritePlaintext: *plaintext})
	if err != nil {
		return err
	}
	target := "under key " + cipher.CurrentKeyID()
	if *plaintext {
		target = "in plaintext"
	}
	fmt.Fprintf(stderr, "rewriting the rows of %s %s\n", *table, target)
	bar := &progressBar{w: stderr, start: time.Now()}
	p, err := st.Rekey(ctx, gormstore.RekeyOptions{BatchSize: *batch, AfterID: *after, Progress: bar.show})
	bar.show(p)
	fmt.Fprintln(stderr)
	fmt.Fprintf(stderr, "%d rows: %d rewritten, %d already %s, %d saved by the app meanwhile, %d could not be decrypted\n",
		p.Done, p.Rewritten, p.Current, target, p.Changed, p.Failed)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("interrupted; resume with -after %d", p.LastID)
	}
	return err
}

// keyring parses DANCE_TOKEN_KEYS: "id:base64,id:base64", current first.
func keyring(spec string) (*gormstore.Cipher, error) {
	if spec == "" {
		return nil, errors.New("DANCE_TOKEN_KEYS is not set (ID:base64key[,ID:base64key…], the current key first)")
	}
	var keys []gormstore.Key
	for i, part := range strings.Split(spec, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("DANCE_TOKEN_KEYS: entry %d is not ID:base64key", i+1)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			// The decoder's error would quote part of the key.
			return nil, fmt.Errorf("DANCE_TOKEN_KEYS: key %s is not standard base64", id)
		}
		k, err := gormstore.NewKey(id, raw)
		clear(raw)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return gormstore.NewCipher(keys[0], keys[1:]...)
}

// progressBar draws "[#####-----]  50% 500/1000 rows" on one line.
type progressBar struct {
	w     io.Writer
	start time.Time
}

func (b *progressBar) show(p gormstore.RekeyProgress) {
	const width = 30
	frac := 1.0
	if p.Total > 0 && p.Done < p.Total {
		frac = float64(p.Done) / float64(p.Total)
	}
	n := int(frac * width)
	fmt.Fprintf(b.w, "\r[%s%s] %3.0f%% %d/%d rows, last ID %d, %v",
		strings.Repeat("#", n), strings.Repeat("-", width-n), frac*100, p.Done, p.Total, p.LastID,
		time.Since(b.start).Round(100*time.Millisecond))
}
