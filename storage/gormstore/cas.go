package gormstore

import (
	"fmt"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// refreshTokenExpr is the SQL expression of the refresh token inside the
// token column, per dialect.
var refreshTokenExpr = map[string]string{
	"postgres": "token->>'refresh_token'",
	"mysql":    "JSON_UNQUOTE(JSON_EXTRACT(token, '$.refresh_token'))",
	"sqlite":   "json_extract(token, '$.refresh_token')",
}

// CompareAndDelete implements [storage.CompareAndDeleter] with one DELETE
// whose WHERE clause also requires the stored refresh token to be
// refreshToken, so that a token another instance stored meanwhile is never
// deleted. When nothing was deleted it returns the token stored now. On a
// database other than PostgreSQL, MySQL/MariaDB and SQLite it reads,
// compares and deletes (see [storage.CompareAndDelete]).
func (s *Store) CompareAndDelete(c *gin.Context, name, refreshToken string) (*storage.Token, error) {
	expr, ok := refreshTokenExpr[s.db.Dialector.Name()]
	if !ok {
		return storage.CompareAndDelete(onlyStorage{s}, c, name, refreshToken)
	}
	uid, err := s.userID(c, name, Who{})
	if err != nil {
		return nil, err
	}
	ctx := reqContext(c)
	var deleted int64
	err = retry(ctx, func() error {
		res := s.where(s.db.WithContext(ctx), name, uid).Where(expr+" = ?", refreshToken).Delete(map[string]any{})
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

// onlyStorage hides CompareAndDelete, for the generic fallback.
type onlyStorage struct{ storage.Storage }
