// Package gormstore keeps OAuth tokens in a SQL database through GORM,
// optionally per user of the app.
//
// Its table and token JSON are the ones Flask-Dance's SQLAlchemy storage
// uses, so a Go app and a Flask app can share one database. SQLite
// (gorm.io/driver/sqlite), PostgreSQL (gorm.io/driver/postgres) and
// MySQL/MariaDB (gorm.io/driver/mysql) are tested.
//
// # One token per provider and user
//
// Replacing a token by deleting and then inserting races: two concurrent
// dances of one user can leave two rows. A [Store] instead
// relies on unique indexes that [Store.Migrate] creates, and replaces a
// token with a single upsert statement (INSERT … ON CONFLICT DO UPDATE,
// or ON DUPLICATE KEY UPDATE on MySQL), which is one transaction.
//
// Rows without a user (user_id NULL) need care, because every database
// treats NULLs as distinct in a unique index. On SQLite and PostgreSQL a
// partial unique index on (provider) WHERE user_id IS NULL keeps one such
// row per provider. MySQL and MariaDB have no partial indexes, so there
// Migrate adds a virtual generated column, dance_anon_provider, equal to
// provider when user_id is NULL and NULL otherwise, with a unique index. It
// is computed by the database, never written, and invisible to other
// apps that read the table.
//
// # Encryption at rest
//
// With [Config.Cipher], tokens are stored as AES-256-GCM envelopes bound to
// their table, provider and user, caches hold only envelopes, plaintext
// rows are still read, and [Store.Rekey] encrypts or re-encrypts every row
// while the app runs. See [Cipher] and docs/storages.md.
//
// # Failures
//
// Every statement is idempotent, so one that loses its connection (a
// killed backend, a database restart) is run again on a new connection.
// Other database errors are returned, wrapped, and never read as "no
// token": the dance's error hooks get them, and dance's Client.Authorized
// reports them, so that Required answers 500 instead of sending a
// logged-in user round the login again. A failing cache is bypassed (see
// [Cache]).
package gormstore

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// DefaultTable is the table of [Model]: Flask-Dance's table for a model
// class named OAuth ("flask_dance_" + the lowercased class name).
const DefaultTable = "flask_dance_oauth"

// Model is the token row, with the columns id, provider, created_at and
// token. Use it as is for tokens not tied to users, or embed it in your
// own model and add the user association:
//
//	type OAuth struct {
//		gormstore.Model
//		UserID *uint // NULL for tokens without a user
//		User   *User
//	}
//
// The embedded TableName keeps the table name [DefaultTable].
type Model struct {
	// ID is the integer primary key.
	ID uint `gorm:"primaryKey"`
	// Provider is the blueprint's name, for example "github".
	Provider string `gorm:"size:50;not null"`
	// CreatedAt is when the token was stored, in UTC.
	CreatedAt time.Time `gorm:"not null"`
	// Token is the token, as the JSON of [storage.Token].
	Token JSONToken `gorm:"not null"`
}

// TableName returns [DefaultTable].
func (Model) TableName() string { return DefaultTable }

// JSONToken is a token column: a [storage.Token] kept as its JSON, in the
// database's JSON type (jsonb on PostgreSQL, json on MySQL,
// MariaDB and SQLite). Its fields are those of the embedded *Token.
type JSONToken struct {
	*storage.Token
}

// Value implements driver.Valuer.
func (t JSONToken) Value() (driver.Value, error) {
	if t.Token == nil {
		return nil, nil
	}
	b, err := json.Marshal(t.Token)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan implements sql.Scanner.
func (t *JSONToken) Scan(v any) error {
	var b []byte
	switch v := v.(type) {
	case nil:
		t.Token = nil
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("gormstore: cannot read a token from a %T column", v)
	}
	tok := new(storage.Token)
	if err := json.Unmarshal(b, tok); err != nil {
		return err
	}
	t.Token = tok
	return nil
}

// MarshalJSON encodes the token as [storage.Token] does, or null.
func (t JSONToken) MarshalJSON() ([]byte, error) {
	if t.Token == nil {
		return []byte("null"), nil
	}
	return json.Marshal(t.Token)
}

// UnmarshalJSON decodes a token, or null.
func (t *JSONToken) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Token = nil
		return nil
	}
	return t.Scan(b)
}

// GormDBDataType gives the column type per database.
func (JSONToken) GormDBDataType(db *gorm.DB, _ *schema.Field) string {
	if db.Dialector.Name() == "postgres" {
		return "jsonb"
	}
	return "json"
}

// Config configures a [Store].
type Config struct {
	// Model is a pointer to the token model: &gormstore.Model{} (the
	// default) or your own struct that embeds [Model] and adds UserID (the
	// user_id column) and User.
	Model any
	// Table overrides the model's table name. Default: the model's, which
	// is [DefaultTable] for [Model] and for structs that embed it.
	Table string
	// User returns the user of request c, for example the one your login
	// middleware put in the context, or nil. Its ID is the GORM primary
	// key of the value.
	User func(c *gin.Context) any
	// UserID returns the ID of the user of request c (a value of the
	// user_id column's type), or nil. It takes precedence over User.
	UserID func(c *gin.Context) any
	// UserRequired makes Get, Set and Delete fail with
	// [storage.ErrUserRequired] when no user is found. nil auto-detects:
	// required when User or UserID is set.
	UserRequired *bool
	// Anonymous reports whether a user found through User (or [SetUser],
	// or [Who].User) is an anonymous user, to be treated as no user. By
	// default nil and values whose primary key is zero are anonymous.
	Anonymous func(user any) bool
	// Cache keeps tokens in front of the database; nil means none.
	Cache Cache
	// CacheRetry is how long the store leaves the cache alone after a
	// cache call fails, so that requests do not each wait for an
	// unreachable Redis. Default 5 s.
	CacheRetry time.Duration
	// Logger receives a warning when the cache fails (once per outage),
	// and when a stored token cannot be decrypted. Default
	// slog.Default(). It never receives tokens or keys.
	Logger *slog.Logger
	// Cipher, when set, encrypts tokens at rest (see [Cipher]): every
	// token written is an encrypted envelope in the token column, and
	// the cache holds envelopes only, never plaintext. Rows in plaintext
	// (this store's from before, or another app's) are still read, and
	// are encrypted when next saved or by [Store.Rekey]. A cache must
	// then implement [SealedCache], as [MemoryCache] and the Redis cache
	// (github.com/gin-dance/dance/redis/rediscache) do.
	Cipher *Cipher
	// WritePlaintext, with a Cipher, keeps writing tokens in plaintext,
	// for an app without the key that still reads the same table, such
	// as a Flask-Dance app. The store still reads encrypted rows (so
	// turning it on after the rollout of encryption is a way back), the
	// cache still holds only envelopes, and [Store.Rekey] rewrites every
	// row in plaintext.
	WritePlaintext bool
	// RejectPlaintext, with a Cipher, treats a plaintext row as one that
	// cannot be decrypted ([ErrDecrypt]), once [Store.Rekey] has
	// encrypted every row: then someone who can write to the table but
	// has no key cannot plant a token of their choosing. It excludes
	// WritePlaintext.
	RejectPlaintext bool
}

// Store is a token storage in a SQL table through GORM. It implements
// [storage.Storage] and is safe for concurrent use.
type Store struct {
	db        *gorm.DB
	model     any
	table     string
	hasUser   bool      // the table has a user_id column
	selects   [3]string // see selectToken
	userFn    func(*gin.Context) any
	userIDFn  func(*gin.Context) any
	required  bool
	anonymous func(any) bool
	cache     Cache
	log       *slog.Logger
	retry     time.Duration
	cacheDown atomic.Bool
	skipUntil atomic.Int64 // unix nanoseconds; the cache is skipped until then
	stale     sync.Map     // cache keys whose invalidation failed
	nStale    atomic.Int64 // entries in stale
	schemas   sync.Map     // schema cache for user values
	cipher    *Cipher
	sealed    SealedCache // cache, when there is a cipher
	plainOut  bool        // WritePlaintext
	plainIn   bool        // plaintext rows are read
}

var _ storage.Storage = (*Store)(nil)

// New returns a store that keeps tokens in db. It fails when the model is
// not a GORM model, or when a user source is configured but the model has
// no user_id column. Call [Store.Migrate] to create the table and its
// unique indexes.
func New(db *gorm.DB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, errors.New("gormstore: nil *gorm.DB")
	}
	model := cfg.Model
	if model == nil {
		model = &Model{}
	}
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(model); err != nil {
		return nil, fmt.Errorf("gormstore: Model: %w", err)
	}
	for _, col := range []string{"id", "provider", "token"} {
		if stmt.Schema.LookUpField(col) == nil {
			return nil, fmt.Errorf("gormstore: Model %s has no %q column; embed gormstore.Model", stmt.Schema.Name, col)
		}
	}
	s := &Store{
		db:        db,
		model:     model,
		table:     cfg.Table,
		hasUser:   stmt.Schema.LookUpField("user_id") != nil,
		userFn:    cfg.User,
		userIDFn:  cfg.UserID,
		anonymous: cfg.Anonymous,
		cache:     cfg.Cache,
		retry:     cfg.CacheRetry,
		log:       cfg.Logger,
	}
	if s.retry <= 0 {
		s.retry = 5 * time.Second
	}
	if s.table == "" {
		s.table = stmt.Schema.Table
	}
	var quoted strings.Builder
	db.Dialector.QuoteTo(&quoted, s.table)
	base := "SELECT token FROM " + quoted.String() + " WHERE provider = ?"
	s.selects = [3]string{
		base + " ORDER BY id DESC LIMIT 1",
		base + " AND user_id IS NULL ORDER BY id DESC LIMIT 1",
		base + " AND user_id = ? ORDER BY id DESC LIMIT 1",
	}
	if cfg.UserRequired != nil {
		s.required = *cfg.UserRequired
	} else {
		s.required = cfg.User != nil || cfg.UserID != nil
	}
	if (cfg.User != nil || cfg.UserID != nil || s.required) && !s.hasUser {
		return nil, fmt.Errorf("gormstore: a user is configured but Model %s has no user_id column", stmt.Schema.Name)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if cfg.Cipher == nil && (cfg.WritePlaintext || cfg.RejectPlaintext) {
		return nil, errors.New("gormstore: WritePlaintext and RejectPlaintext need a Cipher")
	}
	if cfg.WritePlaintext && cfg.RejectPlaintext {
		return nil, errors.New("gormstore: WritePlaintext and RejectPlaintext exclude each other")
	}
	s.cipher, s.plainOut, s.plainIn = cfg.Cipher, cfg.WritePlaintext, !cfg.RejectPlaintext
	if s.cipher != nil && s.cache != nil {
		sc, ok := s.cache.(SealedCache)
		if !ok {
			return nil, fmt.Errorf("gormstore: the Cache %T cannot hold encrypted tokens; with a Cipher it must implement SealedCache", s.cache)
		}
		s.sealed = sc
	}
	return s, nil
}

// Table returns the name of the store's table.
func (s *Store) Table() string { return s.table }

// DB returns the store's *gorm.DB.
func (s *Store) DB() *gorm.DB { return s.db }

// Get implements [storage.Storage]: it returns the token of the current
// user (see [Store.GetFor]) for the blueprint name, or (nil, nil).
//
// With a [Cipher], a stored token that cannot be decrypted (see
// [ErrDecrypt]) is logged at Warn, with an error text that holds no key,
// token or ciphertext, and reported as no token: the blueprint then sends
// the user round the login again, and the new token replaces the row.
// [Store.GetFor] returns the error instead.
func (s *Store) Get(c *gin.Context, name string) (*storage.Token, error) {
	tok, err := s.GetFor(c, name, Who{})
	if err != nil && errors.Is(err, ErrDecrypt) {
		s.log.Warn("gormstore: a stored token cannot be decrypted; the user must log in again", "err", err.Error())
		return nil, nil
	}
	return tok, err
}

// Set implements [storage.Storage]: it stores tok for the current user,
// replacing any earlier token of that user for that blueprint.
func (s *Store) Set(c *gin.Context, name string, tok *storage.Token) error {
	return s.SetFor(c, name, Who{}, tok)
}

// Delete implements [storage.Storage]: it removes the current user's token
// for the blueprint name, and no other.
func (s *Store) Delete(c *gin.Context, name string) error {
	return s.DeleteFor(c, name, Who{})
}

// GetFor is Get for the user who names, falling back to the configured
// user and then to the per-request override (see [Who]).
func (s *Store) GetFor(c *gin.Context, name string, who Who) (*storage.Token, error) {
	uid, err := s.userID(c, name, who)
	if err != nil {
		return nil, err
	}
	ctx := reqContext(c)
	if s.cipher != nil {
		return s.getSealed(ctx, name, uid)
	}
	key := s.cacheKey(name, uid)
	useCache := s.useCache()
	if useCache {
		tok, found, err := s.cache.Get(ctx, key)
		if s.cacheOK(err) && found {
			return tok, nil
		}
	}
	col, err := readColumn[JSONToken](ctx, s, name, uid)
	if err != nil {
		return nil, err
	}
	tok := col.Token
	if useCache {
		s.cacheOK(s.cache.Set(ctx, key, tok))
	}
	return tok, nil
}

// getSealed is GetFor with a cipher: the cache holds envelopes, which
// are decrypted on every read.
func (s *Store) getSealed(ctx context.Context, name string, uid any) (*storage.Token, error) {
	b := binding{table: s.table, provider: name, uid: uid}
	key := s.cacheKey(name, uid)
	useCache := s.sealed != nil && s.useCache()
	if useCache {
		env, found, err := s.sealed.GetSealed(ctx, key)
		if s.cacheOK(err) && found {
			if env == nil {
				return nil, nil
			}
			if tok, _, err := s.cipher.decode(env, b, s.plainIn); err == nil {
				return tok, nil
			}
			// For example a key dropped from the keyring: read the row.
			s.cacheOK(s.sealed.Delete(ctx, key))
		}
	}
	col, err := readColumn[rawJSON](ctx, s, name, uid)
	if err != nil {
		return nil, err
	}
	var (
		tok *storage.Token
		env []byte
	)
	if col != nil {
		raw := []byte(col)
		var plain bool
		if tok, plain, err = s.cipher.decode(raw, b, s.plainIn); err != nil {
			return nil, err
		}
		env = raw
		if plain { // the cache never holds plaintext
			env = s.cipher.seal(raw, b)
		}
	}
	if useCache {
		s.cacheOK(s.sealed.SetSealed(ctx, key, env))
	}
	return tok, nil
}

// readColumn reads the token column of the row of (name, uid) from the
// database, as T; it is T's zero value when there is no row. One fixed statement:
// the read is the hot path, and GORM's chain builder costs more than the
// query (issue 8, W6).
func readColumn[T any](ctx context.Context, s *Store, name string, uid any) (col T, err error) {
	var rows []struct{ Token T }
	err = retry(ctx, func() error {
		rows = rows[:0]
		q, args := s.selectToken(name, uid)
		return s.db.WithContext(ctx).Raw(q, args...).Scan(&rows).Error
	})
	if err != nil {
		return col, fmt.Errorf("gormstore: reading the %s token: %w", name, err)
	}
	if len(rows) == 0 {
		return col, nil
	}
	return rows[0].Token, nil
}

// rawJSON is a token column read as it is stored.
type rawJSON []byte

// Scan implements sql.Scanner.
func (r *rawJSON) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*r = nil
	case []byte:
		*r = append(rawJSON{}, v...)
	case string:
		*r = rawJSON(v)
	default:
		return fmt.Errorf("gormstore: cannot read a token from a %T column", v)
	}
	return nil
}

// column returns the token column's value for tok of row (name, uid): the
// token JSON, sealed when the store has a cipher and writes no plaintext.
func (s *Store) column(name string, uid any, tok *storage.Token) (any, error) {
	if s.cipher == nil {
		return JSONToken{tok}, nil
	}
	plain, err := json.Marshal(tok)
	if err != nil {
		return nil, err
	}
	if s.plainOut {
		return string(plain), nil
	}
	return string(s.cipher.seal(plain, binding{table: s.table, provider: name, uid: uid})), nil
}

// SetFor is Set for the user who names (see [Who]). It replaces the
// user's token for the blueprint with one upsert, so that concurrent sets
// leave exactly one row.
func (s *Store) SetFor(c *gin.Context, name string, who Who, tok *storage.Token) error {
	uid, err := s.userID(c, name, who)
	if err != nil {
		return err
	}
	if tok == nil {
		return s.DeleteFor(c, name, who)
	}
	ctx := reqContext(c)
	val, err := s.column(name, uid, tok)
	if err != nil {
		return fmt.Errorf("gormstore: encoding the %s token: %w", name, err)
	}
	row := map[string]any{
		"provider":   name,
		"created_at": time.Now().UTC().Truncate(time.Microsecond), // UTC, as Flask-Dance writes it too
		"token":      val,
	}
	if uid != nil {
		row["user_id"] = uid
	}
	up := clause.OnConflict{
		Columns:   []clause.Column{{Name: "provider"}},
		DoUpdates: clause.AssignmentColumns([]string{"token", "created_at"}),
	}
	if s.hasUser {
		if uid == nil {
			up.TargetWhere = clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "user_id IS NULL"}}}
		} else {
			up.Columns = append(up.Columns, clause.Column{Name: "user_id"})
		}
	}
	err = retry(ctx, func() error {
		return s.db.WithContext(ctx).Table(s.table).Clauses(up).Create(row).Error
	})
	if err != nil {
		return fmt.Errorf("gormstore: storing the %s token: %w", name, err)
	}
	s.invalidate(ctx, name, uid)
	return nil
}

// DeleteFor is Delete for the user who names (see [Who]).
func (s *Store) DeleteFor(c *gin.Context, name string, who Who) error {
	uid, err := s.userID(c, name, who)
	if err != nil {
		return err
	}
	ctx := reqContext(c)
	err = retry(ctx, func() error {
		return s.where(s.db.WithContext(ctx), name, uid).Delete(map[string]any{}).Error
	})
	if err != nil {
		return fmt.Errorf("gormstore: deleting the %s token: %w", name, err)
	}
	s.invalidate(ctx, name, uid)
	return nil
}

// where selects the rows of the blueprint name and the user uid (nil: the
// rows without a user).
// selectToken returns the statement that reads the newest token of
// (name, uid), with its arguments; the same rows as where selects.
func (s *Store) selectToken(name string, uid any) (string, []any) {
	switch {
	case !s.hasUser:
		return s.selects[0], []any{name}
	case uid == nil:
		return s.selects[1], []any{name}
	}
	return s.selects[2], []any{name, uid}
}

func (s *Store) where(db *gorm.DB, name string, uid any) *gorm.DB {
	db = db.Table(s.table).Where("provider = ?", name)
	if !s.hasUser {
		return db
	}
	if uid == nil {
		return db.Where("user_id IS NULL")
	}
	return db.Where("user_id = ?", uid)
}

// invalidate removes the token of (name, uid) from the cache after a
// write. When the cache is down, or the delete fails, the key is kept in
// s.stale and deleted before the cache is used again (see useCache), so
// that the old token is not read back once the cache returns.
func (s *Store) invalidate(ctx context.Context, name string, uid any) {
	if s.cache == nil {
		return
	}
	keys := []string{s.cacheKey(name, uid)}
	if s.cipher != nil {
		// Also the key of instances without a cipher, during a rollout.
		keys = append(keys, s.plainCacheKey(name, uid))
	}
	for _, key := range keys {
		if !s.useCache() {
			s.markStale(key)
			continue
		}
		if err := s.cache.Delete(ctx, key); err != nil {
			s.markStale(key)
			s.cacheOK(err)
		}
	}
}

func (s *Store) markStale(key string) {
	if _, loaded := s.stale.LoadOrStore(key, struct{}{}); !loaded {
		s.nStale.Add(1)
	}
}

// dropStale deletes from the cache the keys whose invalidation failed. It
// reports whether all are gone.
func (s *Store) dropStale(ctx context.Context) bool {
	ok := true
	s.stale.Range(func(k, _ any) bool {
		if err := s.cache.Delete(ctx, k.(string)); err != nil {
			ok = s.cacheOK(err)
			return false
		}
		if _, loaded := s.stale.LoadAndDelete(k); loaded {
			s.nStale.Add(-1)
		}
		return true
	})
	return ok
}

// cacheKey is the cache key of a token: "flask_dance_token|", then the
// table (so that stores on different tables can share one cache), the
// name and the user ID. With a cipher, the
// entries are envelopes, under "flask_dance_sealed|…", so that an
// instance without the cipher never reads one as a token.
func (s *Store) cacheKey(name string, uid any) string {
	if s.cipher != nil {
		return cacheKey("flask_dance_sealed|", s.table, name, uid)
	}
	return cacheKey("flask_dance_token|", s.table, name, uid)
}

// plainCacheKey is the cache key of a token in plaintext.
func (s *Store) plainCacheKey(name string, uid any) string {
	return cacheKey("flask_dance_token|", s.table, name, uid)
}

func cacheKey(prefix, table, name string, uid any) string {
	u := "-"
	if uid != nil {
		u = fmt.Sprint(uid)
	}
	return prefix + table + "|" + name + "|" + u
}

// useCache reports whether the store has a cache that has not failed in
// the last CacheRetry, and that holds no token replaced while it was down.
func (s *Store) useCache() bool {
	if s.cache == nil || time.Now().UnixNano() < s.skipUntil.Load() {
		return false
	}
	return s.nStale.Load() == 0 || s.dropStale(context.Background())
}

// cacheOK reports whether a cache call succeeded. A failure is logged
// once per outage, the cache is left alone for CacheRetry, and the caller
// falls back to the database. An invalidation lost to an outage is done
// again before this store uses the cache again; another instance of the
// app that shares the cache may read the stale entry until then, and at
// most for the cache's TTL if this one stops first.
func (s *Store) cacheOK(err error) bool {
	if err == nil {
		if s.cacheDown.CompareAndSwap(true, false) {
			s.log.Info("gormstore: token cache is back")
		}
		return true
	}
	s.skipUntil.Store(time.Now().Add(s.retry).UnixNano())
	if s.cacheDown.CompareAndSwap(false, true) {
		s.log.Warn("gormstore: token cache failed; using the database until it is back", "err", err.Error())
	}
	return false
}

func reqContext(c *gin.Context) context.Context {
	if c != nil && c.Request != nil {
		return c.Request.Context()
	}
	return context.Background()
}

// retry runs f again when the database reports a deadlock or a busy lock,
// which concurrent upserts of one key can cause on MySQL and SQLite, or
// when the connection was lost under the statement, for example to
// pg_terminate_backend or a database restart (the pool then dials a new
// one). Every statement the store runs is idempotent, so running it again
// is safe. Lost connections are retried twice only, so that a database
// that is really down fails the call quickly.
func retry(ctx context.Context, f func() error) error {
	var err error
	lost := 0
	for i := range 10 {
		if err = f(); err == nil {
			return nil
		}
		switch {
		case transient(err):
		case connectionLost(err) && lost < 2:
			lost++
		default:
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(i+1) * 5 * time.Millisecond):
		}
	}
	return err
}

// transient reports whether err is a deadlock, serialization failure or
// busy lock. The drivers' error types are not imported, so that an app
// links only the driver it uses; their messages are stable.
func transient(err error) bool {
	var coded interface{ SQLState() string } // pgconn.PgError
	if errors.As(err, &coded) {
		switch coded.SQLState() {
		case "40001", "40P01":
			return true
		}
	}
	return containsAny(err.Error(),
		"Error 1213 ", // MySQL/MariaDB: deadlock found
		"Error 1205 ", // MySQL/MariaDB: lock wait timeout
		"database is locked",
		"database table is locked",
	)
}

// connectionLost reports whether err says that the connection went away
// under the statement: PostgreSQL's connection exceptions (class 08) and
// shutdown errors (57P01 to 57P03, which pg_terminate_backend sends), a
// connection the driver found closed, or one the server reset.
func connectionLost(err error) bool {
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		st := coded.SQLState()
		return strings.HasPrefix(st, "08") || st == "57P01" || st == "57P02" || st == "57P03"
	}
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		containsAny(err.Error(),
			"conn closed",        // pgx
			"invalid connection", // go-sql-driver/mysql
			"bad connection",
		)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
