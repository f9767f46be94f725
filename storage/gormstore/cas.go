package gormstore

import (
	"encoding/json"
	"fmt"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// fieldExpr is the SQL expression of a top-level string field of the JSON
// in the token column, per dialect; %s is the field's name.
var fieldExpr = map[string]string{
	"postgres": "token->>'%s'",
	"mysql":    "JSON_UNQUOTE(JSON_EXTRACT(token, '$.%s'))",
	"sqlite":   "json_extract(token, '$.%s')",
}

// CompareAndDelete implements [storage.CompareAndDeleter] with one DELETE
// whose WHERE clause also requires the stored refresh token to be
// refreshToken, so that a token another instance stored meanwhile is never
// deleted. When nothing was deleted it returns the token stored now. On a
// database other than PostgreSQL, MySQL/MariaDB and SQLite it reads,
// compares and deletes (see [storage.CompareAndDelete]).
func (s *Store) CompareAndDelete(c *gin.Context, name, refreshToken string) (*storage.Token, error) {
	expr, ok := fieldExpr[s.db.Dialector.Name()]
	if !ok {
		return storage.CompareAndDelete(onlyStorage{s}, c, name, refreshToken)
	}
	uid, err := s.userID(c, name, Who{})
	if err != nil {
		return nil, err
	}
	ctx := reqContext(c)
	// The condition that makes the DELETE atomic: in plaintext, the
	// stored refresh token; encrypted, the ciphertext of the row that was
	// read and found to carry it (every write seals with a fresh nonce, so
	// a token stored meanwhile has another).
	field, value := "refresh_token", refreshToken
	if s.cipher != nil {
		cur, ct, err := s.readSealed(c, name, uid)
		if err != nil || !storage.CarriesRefresh(cur, refreshToken) {
			return cur, err
		}
		if ct != "" {
			field, value = "ct", ct
		}
	}
	var deleted int64
	err = retry(ctx, func() error {
		res := s.where(s.db.WithContext(ctx), name, uid).Where(fmt.Sprintf(expr, field)+" = ?", value).Delete(map[string]any{})
		deleted = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return nil, fmt.Errorf("gormstore: deleting the %s token: %w", name, err)
	}
	if deleted > 0 {
		s.invalidate(ctx, name, uid)
		return nil, nil
	}
	return s.Get(c, name)
}

// readSealed reads the row of (name, uid) from the database, not the
// cache, and returns its token and, for an encrypted row, its "ct".
func (s *Store) readSealed(c *gin.Context, name string, uid any) (*storage.Token, string, error) {
	col, err := readColumn[rawJSON](reqContext(c), s, name, uid)
	if err != nil || col == nil {
		return nil, "", err
	}
	tok, plain, err := s.cipher.decode(col, binding{table: s.table, provider: name, uid: uid}, s.plainIn)
	if err != nil || plain {
		return tok, "", err
	}
	var env struct {
		Ct string `json:"ct"`
	}
	if err := json.Unmarshal(col, &env); err != nil {
		return nil, "", fmt.Errorf("gormstore: reading the %s token: %w", name, err)
	}
	return tok, env.Ct, nil
}

// onlyStorage hides CompareAndDelete, for the generic fallback.
type onlyStorage struct{ storage.Storage }
