package sessionstore_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance/sessionstore"
	"github.com/gin-gonic/gin"
	"github.com/gorilla/securecookie"
)

var (
	key32 = bytes.Repeat([]byte{1}, 32)
	key16 = bytes.Repeat([]byte{2}, 16)
)

// Weak keys are refused when the store is made, each with an error that
// names the setting.
func TestNewCookieRefusesWeakKeys(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  sessionstore.Config
		want string
	}{
		{"5-byte hash key", sessionstore.Config{HashKey: []byte("short"), BlockKey: key16}, "hash key has 5 bytes"},
		{"31-byte hash key", sessionstore.Config{HashKey: key32[:31], BlockKey: key16}, "hash key has 31 bytes"},
		{"8-byte block key", sessionstore.Config{HashKey: key32, BlockKey: key16[:8]}, "block key has 8 bytes"},
		{"no block key", sessionstore.Config{HashKey: key32}, "no block key"},
		{"bad public URL", sessionstore.Config{HashKey: key32, BlockKey: key16, PublicURL: "ftp://x"}, "PublicURL"},
	} {
		_, err := sessionstore.NewCookie(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one with %q", tc.name, err, tc.want)
		}
	}
	if _, err := sessionstore.NewCookie(sessionstore.Config{HashKey: key32, SignedOnly: true}); err != nil {
		t.Errorf("signed only: %v", err)
	}
}

// The cookie is HttpOnly, SameSite=Lax, Path=/, Secure on https only,
// and encrypted (the value is not readable in it).
func TestNewCookieSafeCookie(t *testing.T) {
	for _, tc := range []struct {
		publicURL string
		secure    bool
	}{{"", false}, {"http://localhost:8080", false}, {"https://app.example.com", true}} {
		store, err := sessionstore.NewCookie(sessionstore.Config{HashKey: key32, BlockKey: key32, PublicURL: tc.publicURL})
		if err != nil {
			t.Fatal(err)
		}
		r := gin.New()
		r.Use(sessions.Sessions("s", store))
		r.GET("/", func(c *gin.Context) {
			s := sessions.Default(c)
			s.Set("k", "visible-value")
			_ = s.Save()
		})
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		cookies := w.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("%d cookies", len(cookies))
		}
		ck := cookies[0]
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure != tc.secure {
			t.Errorf("%q: cookie %+v, want HttpOnly, Lax, Path=/, Secure=%v", tc.publicURL, ck, tc.secure)
		}
		// Whoever knows only the hash key (or none) cannot read it.
		var values map[any]any
		if securecookie.New(key32, nil).Decode("s", ck.Value, &values) == nil {
			t.Errorf("the session is readable in the cookie: %v", values)
		}
	}
}
