package gormstore

import (
	"context"
	"reflect"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm/schema"
)

// Who names a user for one call of [Store.GetFor], [Store.SetFor] or
// [Store.DeleteFor], for code that acts for a user other than the
// request's, such as a background job.
type Who struct {
	// User is a user value (a GORM model); its primary key is the ID.
	User any
	// UserID is the user's ID; it takes precedence over User.
	UserID any
}

// The context keys of the per-request override.
const (
	overrideUserIDKey = "gormstore.user_id"
	overrideUserKey   = "gormstore.user"
)

// SetUserID sets, for the rest of request c only, the user whose tokens
// the store reads and writes for the blueprint name, or for every
// blueprint when name is "". It is used when neither the call nor the
// store's Config names a user (see [Store.GetFor]).
//
// The override is kept in the gin.Context, not on the blueprint, so it
// can never leak into another user's request. A blueprint's own override wins over the one set
// for every blueprint. Set it before the token is first read in the
// request: a dance.Client keeps the token it has loaded.
func SetUserID(c *gin.Context, name string, id any) {
	c.Set(overrideUserIDKey+":"+name, id)
}

// SetUser is [SetUserID] with a user value (a GORM model) instead of an
// ID.
func SetUser(c *gin.Context, name string, user any) {
	c.Set(overrideUserKey+":"+name, user)
}

// override returns the per-request override for key and the blueprint
// name: the blueprint's own, else the one for every blueprint.
func override(c *gin.Context, key, name string) any {
	if c == nil {
		return nil
	}
	if v, ok := c.Get(key + ":" + name); ok {
		return v
	}
	v, _ := c.Get(key + ":")
	return v
}

// userID resolves the user of a call: the first non-zero ID of the call,
// the Config's UserID and the per-request override, in that order; else
// the first non-anonymous user of the call, the Config's User and the
// override, whose primary key is the ID. It returns nil for no user, or
// ErrUserRequired when one is required.
func (s *Store) userID(c *gin.Context, name string, who Who) (any, error) {
	ids := []any{who.UserID, nil, override(c, overrideUserIDKey, name)}
	if s.userIDFn != nil && c != nil {
		ids[1] = s.userIDFn(c)
	}
	for _, id := range ids {
		if !isZero(id) {
			return deref(id), nil
		}
	}
	users := []any{who.User, nil, override(c, overrideUserKey, name)}
	if s.userFn != nil && c != nil {
		users[1] = s.userFn(c)
	}
	for _, u := range users {
		if isZero(u) || (s.anonymous != nil && s.anonymous(u)) {
			continue
		}
		if id := s.primaryKey(u); !isZero(id) {
			return deref(id), nil
		}
	}
	if s.required {
		return nil, storage.ErrUserRequired
	}
	return nil, nil
}

// primaryKey returns the GORM primary key of the user value u, or nil.
func (s *Store) primaryKey(u any) any {
	sch, err := schema.Parse(u, &s.schemas, s.db.NamingStrategy)
	if err != nil || sch.PrioritizedPrimaryField == nil {
		return nil
	}
	v := reflect.ValueOf(u)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	id, zero := sch.PrioritizedPrimaryField.ValueOf(context.Background(), v)
	if zero {
		return nil
	}
	return id
}

// isZero reports whether an ID or user counts as none: nil, a nil
// pointer, 0 and "".
func isZero(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return true
		}
		return isZero(rv.Elem().Interface())
	case reflect.Struct:
		return false
	}
	return rv.IsZero()
}

// deref turns a pointer ID (*uint, *string) into its value, so that it
// makes a stable cache key.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		rv = rv.Elem()
	}
	return rv.Interface()
}
