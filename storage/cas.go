package storage

import (
	"crypto/subtle"

	"github.com/gin-gonic/gin"
)

// CompareAndDeleter is a [Storage] that can delete a token only while it
// still carries a given refresh token, in one atomic step. dance uses it
// when a provider refuses a refresh (invalid_grant): in a fleet, another
// instance may have refreshed the same token a moment earlier and stored
// the new one, which must not be deleted. [Memory] and gormstore's Store
// implement it; for other storages dance reads the token again and deletes
// it if it still matches (see [CompareAndDelete]).
type CompareAndDeleter interface {
	// CompareAndDelete deletes the token stored for the blueprint name if
	// its refresh token is refreshToken, and then returns (nil, nil).
	// Otherwise it deletes nothing and returns the token that is stored
	// (nil when there is none).
	CompareAndDelete(c *gin.Context, name, refreshToken string) (*Token, error)
}

// CompareAndDelete deletes the token stored in s for the blueprint name if
// it still carries refreshToken, and otherwise returns the token that is
// stored instead. With a [CompareAndDeleter] it is atomic. With any other
// storage it reads the token, compares, and deletes: that never deletes a
// token stored before the read, but a token stored between the read and the
// delete (a window of one storage round trip) is lost.
func CompareAndDelete(s Storage, c *gin.Context, name, refreshToken string) (*Token, error) {
	if cd, ok := s.(CompareAndDeleter); ok {
		return cd.CompareAndDelete(c, name, refreshToken)
	}
	cur, err := s.Get(c, name)
	if err != nil {
		return nil, err
	}
	if !CarriesRefresh(cur, refreshToken) {
		return cur, nil
	}
	return nil, s.Delete(c, name)
}

// CarriesRefresh reports whether tok is non-nil and carries the refresh
// token rt, compared in constant time.
func CarriesRefresh(tok *Token, rt string) bool {
	return tok != nil && subtle.ConstantTimeCompare([]byte(tok.RefreshToken), []byte(rt)) == 1
}

// CompareAndDelete implements [CompareAndDeleter].
func (m *Memory) CompareAndDelete(_ *gin.Context, name, refreshToken string) (*Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.tokens[name]
	if !ok {
		cur = m.initial
	}
	if !CarriesRefresh(cur, refreshToken) {
		return cur.Clone(), nil
	}
	m.tokens[name] = nil
	return nil, nil
}
