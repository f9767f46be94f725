package storage_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/storagetest"
	"github.com/gin-gonic/gin"
)

// cookieUser makes gin contexts for one browser: each request carries the
// cookies that the previous responses set.
type cookieUser struct {
	store   sessions.Store
	cookies map[string]*http.Cookie
	last    *httptest.ResponseRecorder
}

func newCookieUser() *cookieUser {
	store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	return &cookieUser{store: store, cookies: map[string]*http.Cookie{}}
}

func (u *cookieUser) request() *gin.Context {
	if u.last != nil {
		for _, c := range u.last.Result().Cookies() {
			u.cookies[c.Name] = c
		}
	}
	u.last = httptest.NewRecorder()
	c, _ := gin.CreateTestContext(u.last)
	c.Request = httptest.NewRequest("GET", "/", nil)
	for _, ck := range u.cookies {
		c.Request.AddCookie(ck)
	}
	// What sessions.Sessions does, without running a handler chain.
	sessions.Sessions("session", u.store)(c)
	return c
}

func TestSessionConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Harness {
		u := newCookieUser()
		return storagetest.Harness{Storage: storage.NewSession(), Request: u.request}
	})
}

func TestMemoryConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Harness {
		return storagetest.Harness{Storage: storage.NewMemory(nil), Request: plainContext}
	})
}

func TestNullConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Harness {
		return storagetest.Harness{Storage: storage.Null{}, Request: plainContext, Discards: true}
	})
}

func plainContext() *gin.Context {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/", nil)
	return c
}

func TestMemoryInitialToken(t *testing.T) {
	m := storage.NewMemory(&storage.Token{AccessToken: "initial"})
	c := plainContext()
	for _, name := range []string{"github", "google"} {
		tok, err := m.Get(c, name)
		if err != nil || tok == nil || tok.AccessToken != "initial" {
			t.Fatalf("Get(%s) = %v, %v", name, tok, err)
		}
	}
	if err := m.Delete(c, "github"); err != nil {
		t.Fatal(err)
	}
	if tok, _ := m.Get(c, "github"); tok != nil {
		t.Fatal("deleted token came back as the initial one")
	}
}

func TestSessionKeyFormat(t *testing.T) {
	u := newCookieUser()
	s := &storage.Session{Key: "tokens.{name}"}
	c := u.request()
	if err := s.Set(c, "github", &storage.Token{AccessToken: "a"}); err != nil {
		t.Fatal(err)
	}
	sess := sessions.Default(c)
	if v, ok := sess.Get("tokens.github").(string); !ok || v == "" {
		t.Fatalf("session key tokens.github = %#v", sess.Get("tokens.github"))
	}
	if tok, err := s.Get(c, "github"); err != nil || tok.AccessToken != "a" {
		t.Fatalf("Get = %+v, %v; want the token set under tokens.github", tok, err)
	}
	if sess.Get("github_oauth_token") != nil {
		t.Fatal("default key used despite Key")
	}
}

func TestSessionWithoutMiddleware(t *testing.T) {
	if _, err := storage.NewSession().Get(plainContext(), "github"); err != storage.ErrNoSession {
		t.Fatalf("err = %v, want ErrNoSession", err)
	}
}

func TestSessionTooLarge(t *testing.T) {
	u := newCookieUser()
	c := u.request()
	big := &storage.Token{AccessToken: "a", Extra: map[string]any{"id_token": strings.Repeat("x", 5000)}}
	if err := storage.NewSession().Set(c, "github", big); err != storage.ErrTooLarge {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	// The failed token is not left behind to break the next save.
	if err := storage.NewSession().Set(c, "github", &storage.Token{AccessToken: "small"}); err != nil {
		t.Fatalf("small token after a large one: %v", err)
	}
}

// A token that does not fit leaves the earlier one in the session, for
// the next save (an error hook's flash message, say) to keep.
func TestSessionTooLargeKeepsEarlierToken(t *testing.T) {
	u := newCookieUser()
	c := u.request()
	s := storage.NewSession()
	if err := s.Set(c, "github", &storage.Token{AccessToken: "earlier"}); err != nil {
		t.Fatal(err)
	}
	big := &storage.Token{AccessToken: "big", Extra: map[string]any{"id_token": strings.Repeat("x", 5000)}}
	if err := s.Set(c, "github", big); err != storage.ErrTooLarge {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if err := sessions.Default(c).Save(); err != nil {
		t.Fatalf("the next save: %v", err)
	}
	if tok, err := s.Get(c, "github"); err != nil || tok == nil || tok.AccessToken != "earlier" {
		t.Fatalf("after the failed set: %v, %v; want the earlier token", tok, err)
	}
}

func TestSessionCorruptToken(t *testing.T) {
	u := newCookieUser()
	c := u.request()
	sessions.Default(c).Set("github_oauth_token", "{not json")
	if _, err := storage.NewSession().Get(c, "github"); err == nil {
		t.Fatal("corrupt token gave no error")
	}
}
