package gormstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// RekeyOptions configures [Store.Rekey].
type RekeyOptions struct {
	// BatchSize is how many rows are read, and rewritten in one
	// transaction, at a time. Default 200.
	BatchSize int
	// AfterID resumes an interrupted run: only rows with a greater ID are
	// visited. Use the LastID of the last progress report. Starting over
	// from 0 is also safe, only slower: rows already in the target form
	// are skipped.
	AfterID uint64
	// Progress, when set, is called after each batch, from the goroutine
	// that called Rekey.
	Progress func(RekeyProgress)
}

// RekeyProgress reports how far [Store.Rekey] has come. Done counts every
// row visited: Rewritten + Current + Changed + Failed.
type RekeyProgress struct {
	// Total is the number of rows to visit, counted when Rekey started.
	// Rows inserted meanwhile can make Done exceed it.
	Total int64
	// Done is the number of rows visited so far.
	Done int64
	// Rewritten rows were rewritten in the target form.
	Rewritten int64
	// Current rows were already in the target form, and left alone.
	Current int64
	// Changed rows were written by the app between Rekey's read and its
	// write; they are left as the app wrote them, which is in the target
	// form when the app runs with the same Config.
	Changed int64
	// Failed rows cannot be decrypted ([ErrDecrypt]) and are left as
	// they are; their users will log in again.
	Failed int64
	// LastID is the ID of the last row visited: pass it as
	// [RekeyOptions.AfterID] to resume.
	LastID uint64
}

// Rekey rewrites every row of the table in the store's target form: an
// envelope under the [Cipher]'s current key, or plaintext with
// [Config.WritePlaintext]. It encrypts plaintext rows (another app's, or
// this store's from before the cipher), re-encrypts rows under older keys
// after a rotation, and skips rows already in the target form, so a run
// that was interrupted can be started again.
//
// Rows are visited in order of ID, BatchSize at a time, and the rewrites
// of a batch run in one transaction, each as
//
//	UPDATE table SET token = <new> WHERE id = ? AND token = <old>
//
// so that a token that the app saved meanwhile is never overwritten with
// the stale one: Rekey is safe while the app serves dances. The cache
// entries of rewritten rows are deleted. A row that cannot be decrypted is
// left as it is and counted; Rekey then returns an error that wraps
// [ErrDecrypt] after visiting every row. It stops early, with ctx's error,
// when ctx ends; the returned progress says where to resume.
func (s *Store) Rekey(ctx context.Context, opt RekeyOptions) (RekeyProgress, error) {
	p := RekeyProgress{LastID: opt.AfterID}
	if s.cipher == nil {
		return p, errors.New("gormstore: Rekey needs a store with a Cipher")
	}
	batch := opt.BatchSize
	if batch <= 0 {
		batch = 200
	}
	db := s.db.WithContext(ctx)
	q := func(name string) string {
		var b strings.Builder
		db.Dialector.QuoteTo(&b, name)
		return b.String()
	}
	table := q(s.table)
	err := retry(ctx, func() error {
		return db.Raw("SELECT COUNT(*) FROM "+table+" WHERE id > ?", opt.AfterID).Scan(&p.Total).Error
	})
	if err != nil {
		return p, fmt.Errorf("gormstore: rekey: counting rows: %w", err)
	}
	cols := "id, provider, token"
	if s.hasUser {
		cols += ", user_id"
	}
	sel := "SELECT " + cols + " FROM " + table + " WHERE id > ? ORDER BY id LIMIT ?"
	old, err := s.tokenParam(db)
	if err != nil {
		return p, err
	}
	upd := "UPDATE " + table + " SET token = ? WHERE id = ? AND token = " + old
	var firstErr error
	for {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		rows, err := s.rekeyBatch(db, sel, p.LastID, batch)
		if err != nil {
			return p, fmt.Errorf("gormstore: rekey: reading rows after ID %d: %w", p.LastID, err)
		}
		if len(rows) == 0 {
			break
		}
		todo := s.sortRows(rows, &p, &firstErr)
		if err := s.rewriteRows(ctx, db, upd, todo, &p); err != nil {
			return p, fmt.Errorf("gormstore: rekey: rewriting rows after ID %d: %w", p.LastID, err)
		}
		p.Done += int64(len(rows))
		p.LastID = rows[len(rows)-1].id
		if opt.Progress != nil {
			opt.Progress(p)
		}
	}
	if p.Failed > 0 {
		return p, fmt.Errorf("gormstore: rekey: %d rows cannot be decrypted and were left as they are; the first: %w", p.Failed, firstErr)
	}
	return p, nil
}

// sortRows counts the rows already under the current key and those that
// cannot be decrypted (keeping the first error), and returns the others,
// with their new token values.
func (s *Store) sortRows(rows []rekeyRow, p *RekeyProgress, firstErr *error) []rekeyRow {
	var todo []rekeyRow
	for _, r := range rows {
		next, err := s.target(r)
		switch {
		case err != nil:
			p.Failed++
			if *firstErr == nil {
				*firstErr = fmt.Errorf("ID %d: %w", r.id, err)
			}
		case next == nil:
			p.Current++
		default:
			r.next = next
			todo = append(todo, r)
		}
	}
	return todo
}

// rewriteRows writes the new token values in one transaction, each only
// where the row still holds the token that was read (a row the app
// changed meanwhile is counted as Changed and left alone), and drops the
// rewritten ones from the cache.
func (s *Store) rewriteRows(ctx context.Context, db *gorm.DB, upd string, todo []rekeyRow, p *RekeyProgress) error {
	var written []bool
	err := retry(ctx, func() error {
		written = make([]bool, len(todo))
		return db.Transaction(func(tx *gorm.DB) error {
			for i, r := range todo {
				res := tx.Exec(upd, string(r.next), r.id, string(r.token))
				if res.Error != nil {
					return res.Error
				}
				written[i] = res.RowsAffected > 0
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	for i, r := range todo {
		if written[i] {
			p.Rewritten++
			s.invalidate(ctx, r.provider, r.uid)
		} else {
			p.Changed++
		}
	}
	return nil
}

// rekeyRow is a row as Rekey reads it, and its new token value.
type rekeyRow struct {
	id       uint64
	provider string
	uid      any // nil or the user ID as text
	token    []byte
	next     []byte
}

func (s *Store) rekeyBatch(db *gorm.DB, sel string, after uint64, n int) ([]rekeyRow, error) {
	var out []rekeyRow
	err := retry(db.Statement.Context, func() error {
		out = out[:0]
		rows, err := db.Raw(sel, after, n).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				r   rekeyRow
				tok rawJSON
				uid sql.NullString
			)
			dest := []any{&r.id, &r.provider, &tok}
			if s.hasUser {
				dest = append(dest, &uid)
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			r.token = tok
			if uid.Valid {
				r.uid = uid.String
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// target returns the token column of r in the store's target form, or
// nil when r is in it already.
func (s *Store) target(r rekeyRow) ([]byte, error) {
	b := binding{table: s.table, provider: r.provider, uid: r.uid}
	e, sealed, err := isEnvelope(r.token)
	if err == nil && (sealed && !s.plainOut && e.v == envelopeVersion && string(e.kid) == s.cipher.current.id || !sealed && s.plainOut) {
		return nil, nil
	}
	plain := r.token
	if sealed {
		if err != nil {
			return nil, fmt.Errorf("gormstore: %s: %v: %w", b, err, ErrDecrypt)
		}
		if plain, err = s.cipher.open(e, b); err != nil {
			return nil, err
		}
	}
	// A plaintext row must be a token: never encrypt garbage.
	if _, _, err := s.cipher.decode(plain, b, true); err != nil {
		return nil, err
	}
	if s.plainOut {
		return plain, nil
	}
	return s.cipher.seal(plain, b), nil
}

// tokenParam returns the SQL that compares the token column with a
// parameter holding the value read: on MySQL the column is JSON, which a
// string compares unequal to, so the parameter is cast; MariaDB's JSON is
// text and compares as read.
func (s *Store) tokenParam(db *gorm.DB) (string, error) {
	if db.Dialector.Name() != "mysql" {
		return "?", nil
	}
	var version string
	if err := db.Raw("SELECT VERSION()").Scan(&version).Error; err != nil {
		return "", fmt.Errorf("gormstore: rekey: %w", err)
	}
	if strings.Contains(strings.ToLower(version), "mariadb") {
		return "?", nil
	}
	return "CAST(? AS JSON)", nil
}
