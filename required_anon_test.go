package dance_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// anonStorage answers as a storage that needs a user (gormstore without
// one in the request) does: storage.ErrUserRequired.
type anonStorage struct{}

func (anonStorage) Get(*gin.Context, string) (*storage.Token, error) {
	return nil, storage.ErrUserRequired
}
func (anonStorage) Set(*gin.Context, string, *storage.Token) error { return storage.ErrUserRequired }
func (anonStorage) Delete(*gin.Context, string) error              { return storage.ErrUserRequired }

// Required, on a storage that needs a user, sends an anonymous visitor to
// log in (or to Options.AnonymousURL) with the page as "next": no 500, and
// no error hook runs.
func TestRequiredAnonymousVisitorOfUserStorage(t *testing.T) {
	for _, tc := range []struct{ anonymousURL, want string }{
		{"", "/login/github?next=%2Fprivate%3Fa%3D1"},
		{"/signin?from=dance", "/signin?from=dance&next=%2Fprivate%3Fa%3D1"},
	} {
		h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
			c.Storage = anonStorage{}
			c.AnonymousURL = tc.anonymousURL
		})
		// newRouter serves /private behind Required.
		w := httptest.NewRecorder()
		h.router.ServeHTTP(w, httptest.NewRequest("GET", "/private?a=1", nil))
		if w.Code != http.StatusFound || w.Header().Get("Location") != tc.want {
			t.Errorf("AnonymousURL %q: %d to %q, want 302 to %q", tc.anonymousURL, w.Code, w.Header().Get("Location"), tc.want)
		}
		if errs := h.errors(); len(errs) != 0 {
			t.Errorf("error hooks ran: %v", errs)
		}
	}
}
