package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// The W6 contenders besides [Floor].
const (
	// DanceGORM is dance with the GORM storage and no cache: every check
	// reads the database.
	DanceGORM = "dance-gorm"
	// DanceGORMCache is dance with the GORM storage behind its in-process
	// cache (gormstore.MemoryCache).
	DanceGORMCache = "dance-gorm-cache"
	// DanceGORMCipher is DanceGORM with the tokens encrypted at rest
	// (gormstore.Config.Cipher), on a copy of the table whose rows
	// gormstore.Store.Rekey encrypted: every check reads and decrypts.
	DanceGORMCipher = "dance-gorm-cipher"
	// DanceGORMCacheCipher is DanceGORMCache with the cipher: the cache
	// holds envelopes, and every check decrypts one.
	DanceGORMCacheCipher = "dance-gorm-cache-cipher"
)

// W6SealedTable is the copy of the W6 table whose rows are encrypted.
const W6SealedTable = "flask_dance_oauth_sealed"

// W6Rows is the number of token rows that the W6 benchmark reads among.
const W6Rows = 100_000

// userIDKey is the session key where the W6 apps keep the logged-in
// user's ID, as an app's own login does.
const userIDKey = "user_id"

// W6Env is the W6 setup: a SQLite database of token rows, one per user,
// in gormstore's table, and session cookies for two users.
type W6Env struct {
	DB *gorm.DB
	// Cookie is a session cookie of a user who has a token row.
	Cookie string
	// NoRowCookie is a session cookie of a user who has no token row.
	NoRowCookie string
	// Apps are the floor and the dance contenders.
	Apps []*App
	// Cipher is the cipher of the rows of [W6SealedTable].
	Cipher *gormstore.Cipher

	dir string
}

// oauthRow is the token model with a user: gormstore.Model and user_id.
type oauthRow struct {
	gormstore.Model
	UserID *uint
}

// NewW6 builds the W6 setup with rows token rows in a SQLite database in a
// temporary directory. Close it when done.
func NewW6(rows int) (*W6Env, error) {
	dir, err := os.MkdirTemp("", "dance-bench-w6-")
	if err != nil {
		return nil, err
	}
	w := &W6Env{dir: dir}
	if err := w.init(rows); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (w *W6Env) init(rows int) error {
	db, err := gorm.Open(sqlite.Open("file:"+filepath.Join(w.dir, "w6.db")+"?_busy_timeout=10000&_journal_mode=WAL"),
		&gorm.Config{Logger: logger.Discard})
	if err != nil {
		return err
	}
	w.DB = db
	// The store only migrates the table; the rows are inserted by hand,
	// in one transaction, because 100,000 dances would take too long.
	st, err := gormstore.New(db, gormstore.Config{Model: &oauthRow{}})
	if err != nil {
		return err
	}
	if err := st.Migrate(context.Background()); err != nil {
		return err
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		for i := 1; i <= rows; i++ {
			tok := storage.Token{
				AccessToken: fmt.Sprintf("gho_bench%032d", i), TokenType: "bearer",
				Scope: []string{"user:email", "repo"}, ExpiresAt: time.Now().Add(24 * time.Hour).Truncate(time.Second),
			}
			v, err := gormstore.JSONToken{Token: &tok}.Value()
			if err != nil {
				return err
			}
			err = tx.Exec("INSERT INTO "+gormstore.DefaultTable+" (provider, created_at, token, user_id) VALUES (?, ?, ?, ?)",
				"github", time.Now().UTC(), v, i).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("inserting the W6 rows: %w", err)
	}
	if err := w.seal(db); err != nil {
		return fmt.Errorf("encrypting the W6 rows: %w", err)
	}
	// The middle row, so that the lookup is not at either end of the
	// index; and a user past the last row.
	if w.Cookie, err = userCookie(rows/2 + 1); err != nil {
		return err
	}
	if w.NoRowCookie, err = userCookie(rows + 1); err != nil {
		return err
	}
	return nil
}

// seal copies the W6 rows into [W6SealedTable] and encrypts them there
// with Rekey, under a random key.
func (w *W6Env) seal(db *gorm.DB) error {
	raw := make([]byte, gormstore.KeySize)
	rand.Read(raw)
	key, err := gormstore.NewKey("bench", raw)
	if err != nil {
		return err
	}
	if w.Cipher, err = gormstore.NewCipher(key); err != nil {
		return err
	}
	st, err := gormstore.New(db, gormstore.Config{Model: &oauthRow{}, Table: W6SealedTable, Cipher: w.Cipher})
	if err != nil {
		return err
	}
	if err := st.Migrate(context.Background()); err != nil {
		return err
	}
	err = db.Exec("INSERT INTO " + W6SealedTable + " (provider, created_at, token, user_id) SELECT provider, created_at, token, user_id FROM " +
		gormstore.DefaultTable + " ORDER BY id").Error
	if err != nil {
		return err
	}
	_, err = st.Rekey(context.Background(), gormstore.RekeyOptions{BatchSize: 1000})
	return err
}

// Close closes the database and removes its directory.
func (w *W6Env) Close() {
	if w.DB != nil {
		if sqlDB, err := w.DB.DB(); err == nil {
			sqlDB.Close()
		}
	}
	os.RemoveAll(w.dir)
}

// userCookie returns a session cookie ("session=…") that holds user id
// under userIDKey, in the cookie store that every contender uses.
func userCookie(id int) (string, error) {
	r := gin.New()
	r.Use(sessions.Sessions(SessionCookie, newStore()))
	r.GET("/", func(c *gin.Context) {
		s := sessions.Default(c)
		s.Set(userIDKey, id)
		if err := s.Save(); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
		}
	})
	res, _ := Recorder{r}.Get("/", "")
	ck := setCookie(res.Header, SessionCookie)
	if res.Status != http.StatusOK || ck == "" {
		return "", fmt.Errorf("making a session cookie: %d", res.Status)
	}
	return ck, nil
}

// sessionUserID is the user of request c: the ID in its session, or nil.
func sessionUserID(c *gin.Context) any {
	return sessions.Default(c).Get(userIDKey)
}

// W6Apps builds the W6 contenders on w's database: the floor, which reads
// the user ID from the session and runs one SELECT through database/sql,
// and dance with the GORM storage without and with its cache, each also
// with the tokens encrypted at rest.
func (e *Env) W6Apps(w *W6Env) ([]*App, error) {
	sqlDB, err := w.DB.DB()
	if err != nil {
		return nil, err
	}
	q := "SELECT token FROM " + gormstore.DefaultTable + " WHERE provider = ? AND user_id = ? ORDER BY id DESC LIMIT 1"
	floor := gin.New()
	floor.Use(sessions.Sessions(SessionCookie, newStore()))
	floor.GET("/", func(c *gin.Context) {
		uid := sessionUserID(c)
		if uid == nil {
			c.String(http.StatusUnauthorized, "not authorized")
			return
		}
		var tok sql.RawBytes
		rows, err := sqlDB.QueryContext(c.Request.Context(), q, "github", uid)
		if err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		defer rows.Close()
		if rows.Next() {
			if err := rows.Scan(&tok); err != nil {
				c.AbortWithStatus(http.StatusInternalServerError)
				return
			}
		}
		if len(tok) == 0 {
			c.String(http.StatusUnauthorized, "not authorized")
			return
		}
		c.String(http.StatusOK, "authorized")
	})
	apps := []*App{{Name: Floor, Handler: floor, Cookie: SessionCookie, Workloads: []Workload{W6}}}
	for _, name := range []string{DanceGORM, DanceGORMCache, DanceGORMCipher, DanceGORMCacheCipher} {
		no := false
		cfg := gormstore.Config{Model: &oauthRow{}, UserID: sessionUserID, UserRequired: &no}
		if name == DanceGORMCache || name == DanceGORMCacheCipher {
			cfg.Cache = gormstore.NewMemoryCache(0, time.Hour)
		}
		if name == DanceGORMCipher || name == DanceGORMCacheCipher {
			cfg.Table, cfg.Cipher = W6SealedTable, w.Cipher
		}
		st, err := gormstore.New(w.DB, cfg)
		if err != nil {
			return nil, err
		}
		oc := e.Provider.OAuth2Config("github")
		oc.HTTPClient = e.Client
		oc.Logger = quiet
		oc.Storage = st
		bp, err := dance.NewOAuth2(oc)
		if err != nil {
			return nil, err
		}
		r := gin.New()
		r.Use(sessions.Sessions(SessionCookie, newStore()))
		bp.Register(r.Group("/login"))
		r.GET("/", bp.Middleware(), authorized)
		apps = append(apps, &App{Name: name, Handler: r, Cookie: SessionCookie, Workloads: []Workload{W6}})
	}
	return apps, nil
}

// authorized is dance's W4 and W6 handler.
func authorized(c *gin.Context) {
	ok, err := c.MustGet("github").(*dance.Client).Authorized()
	switch {
	case err != nil:
		c.AbortWithStatus(http.StatusInternalServerError)
	case !ok:
		c.String(http.StatusUnauthorized, "not authorized")
	default:
		c.String(http.StatusOK, "authorized")
	}
}
