package dance_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
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
		h.Router.ServeHTTP(w, httptest.NewRequest("GET", "/private?a=1", nil))
		if w.Code != http.StatusFound || w.Header().Get("Location") != tc.want {
			t.Errorf("AnonymousURL %q: %d to %q, want 302 to %q", tc.anonymousURL, w.Code, w.Header().Get("Location"), tc.want)
		}
		if errs := h.Errors(); len(errs) != 0 {
			t.Errorf("error hooks ran: %v", errs)
		}
	}
}

// tripOAuth is the token model of the user-storage app: Flask-Dance's
// OAuth model with a user association.
type tripOAuth struct {
	gormstore.Model
	UserID *uint
}

// tripUser is the app's own account.
type tripUser struct {
	ID   uint
	Name string
}

// userKey is the session key of the signed-in user's ID, written by the
// app's sign-in (or an authorized hook) and read by the storage.
const userKey = "user_id"

// newUserStorageApp is an app whose storage needs a user: gormstore on an
// in-memory SQLite, whose user lookup reads the session (no one signed
// in: storage.ErrUserRequired). The provider approves at once, with no
// consent page. /signin stands for the app's own sign-in page.
func newUserStorageApp(t *testing.T, anonymousURL string) (*harness, *gorm.DB) {
	t.Helper()
	db, err := gorm.Open(sqlite.Open("file:"+url.PathEscape(t.Name())+"?mode=memory&cache=shared"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(1) // one connection: the in-memory database lives as long as it does
	t.Cleanup(func() { sqlDB.Close() })
	if err := db.AutoMigrate(&tripUser{}); err != nil {
		t.Fatal(err)
	}
	store, err := gormstore.New(db, gormstore.Config{
		Model: &tripOAuth{},
		UserID: func(c *gin.Context) any {
			id, _ := sessions.Default(c).Get(userKey).(uint)
			if id == 0 {
				return nil
			}
			return id
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
		c.Storage = store
		c.AnonymousURL = anonymousURL
	})
	h.Router.GET("/signin", func(c *gin.Context) { c.String(http.StatusOK, "sign-in page") })
	return h, db
}

// visit fetches path on the app as a browser that follows redirects (as a
// real one does, up to 20), with the given Accept header, and returns the
// last answer with its body. A redirect loop fails the test.
func (h *harness) visit(path, accept string) (*http.Response, string) {
	h.T.Helper()
	client := &http.Client{Jar: h.Browser.Jar, CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		if len(via) >= 20 {
			return errors.New("too many redirects")
		}
		return nil
	}}
	req, _ := http.NewRequest(http.MethodGet, h.URL(path), nil)
	req.Header.Set("Accept", accept)
	resp, err := client.Do(req)
	if err != nil {
		h.T.Fatalf("GET %s: %v (after %d trips to the provider)", path, err, h.trips())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// trips counts the visits to the provider's authorize endpoint.
func (h *harness) trips() int {
	if h.P1 != nil {
		return len(h.P1.RequestsTo(dancetest.OAuth1Authorize))
	}
	return len(h.P.RequestsTo("/authorize"))
}

// tokenRows counts the stored tokens.
func tokenRows(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&tripOAuth{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

const (
	browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	apiAccept     = "application/json"
)

// An anonymous visitor of a route behind Required, on a storage that
// needs a user, with no AnonymousURL and no hook that signs anyone in,
// goes to the provider once (which approves at once and issues a token)
// and ends on the error page, 401: not round the provider forever. The
// token is not stored, the error hooks run once, and the log line carries
// the page's error ID and the hint.
func TestAnonymousVisitorOfUserStorageEndsAfterOneTrip(t *testing.T) {
	for _, tc := range []struct{ name, accept string }{
		{"browser", browserAccept},
		{"api", apiAccept},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, db := newUserStorageApp(t, "")
			resp, body := h.visit("/private", tc.accept)
			if n := h.trips(); n != 1 {
				t.Errorf("%d trips to the provider, want 1", n)
			}
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("ends on %s with %d %q, want 401", resp.Request.URL.Path, resp.StatusCode, body)
			}
			if resp.Request.URL.Path != "/login/github/authorized" {
				t.Errorf("ends on %s, want the callback's answer", resp.Request.URL.Path)
			}
			id := errorIDOf(t, resp, body)
			mustContain(t, body, "Sign in to this site first")
			mustContain(t, h.Logs.String(), "error_id="+id)
			mustContain(t, h.Logs.String(), "log the user in in an authorized hook, or set Options.AnonymousURL")
			if h.TokenPosts() != 1 {
				t.Errorf("%d token requests, want 1", h.TokenPosts())
			}
			if n := tokenRows(t, db); n != 0 {
				t.Errorf("%d tokens stored, want none", n)
			}
			errs := h.Errors()
			if len(errs) != 1 || !errors.Is(errs[0], storage.ErrUserRequired) {
				t.Errorf("error hooks got %v, want one ErrUserRequired", errs)
			}
		})
	}
}

// errorIDOf checks that an answer is the default error answer for its
// Accept header (the HTML page, or an RFC 9457 problem document with
// status 401) and returns its error ID.
func errorIDOf(t *testing.T, resp *http.Response, body string) string {
	t.Helper()
	if resp.Request.Header.Get("Accept") == apiAccept {
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("Content-Type %q, want application/problem+json", ct)
		}
		var p struct {
			Type    string `json:"type"`
			Title   string `json:"title"`
			Status  int    `json:"status"`
			ErrorID string `json:"error_id"`
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("problem document: %v in %q", err, body)
		}
		if p.Type != "urn:gin-dance:error:store" || p.Status != http.StatusUnauthorized || p.ErrorID == "" {
			t.Fatalf("problem document %q", body)
		}
		mustContain(t, p.Title, "Sign in to this site first")
		return p.ErrorID
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type %q, want the HTML error page", ct)
	}
	_, id, ok := strings.Cut(body, "Error ID: ")
	if !ok || len(id) < 12 {
		t.Fatalf("no error ID in %q", body)
	}
	return id[:12]
}

// With Options.AnonymousURL set, Required sends an anonymous visitor
// there (with the page as next), and the provider never sees them.
func TestAnonymousVisitorWithAnonymousURLNeverReachesProvider(t *testing.T) {
	h, _ := newUserStorageApp(t, "/signin")
	resp, body := h.visit("/private", browserAccept)
	if resp.StatusCode != http.StatusOK || body != "sign-in page" || resp.Request.URL.RequestURI() != "/signin?next=%2Fprivate" {
		t.Fatalf("ends on %s with %d %q, want /signin?next=%%2Fprivate", resp.Request.URL.RequestURI(), resp.StatusCode, body)
	}
	if n := h.trips(); n != 0 {
		t.Errorf("%d trips to the provider, want none", n)
	}
	if errs := h.Errors(); len(errs) != 0 {
		t.Errorf("error hooks ran: %v", errs)
	}
}

// An anonymous visitor who starts a login from the login route itself
// (Required is not asked) ends, with AnonymousURL set, on AnonymousURL
// with the login's next, after one trip: not on next (here the home page,
// where the failure would go unexplained), and nothing stored.
func TestAnonymousLoginEndsOnAnonymousURL(t *testing.T) {
	h, db := newUserStorageApp(t, "/signin")
	resp, body := h.visit("/login/github?next=/", browserAccept)
	if resp.StatusCode != http.StatusOK || body != "sign-in page" || resp.Request.URL.RequestURI() != "/signin?next=%2F" {
		t.Fatalf("ends on %s with %d %q, want /signin?next=%%2F", resp.Request.URL.RequestURI(), resp.StatusCode, body)
	}
	if n := h.trips(); n != 1 {
		t.Errorf("%d trips to the provider, want 1", n)
	}
	if n := tokenRows(t, db); n != 0 {
		t.Errorf("%d tokens stored, want none", n)
	}
	if errs := h.Errors(); len(errs) != 1 || !errors.Is(errs[0], storage.ErrUserRequired) {
		t.Errorf("error hooks got %v, want one ErrUserRequired", errs)
	}
}

// The multi-user pattern: an authorized hook signs the visitor in (here,
// creating the user), so the storage finds a user and stores the token.
// Required sending the anonymous visitor to the login is right for it: one
// trip, and the visitor ends on the page; the next visit needs none.
func TestAnonymousVisitorSignedInByAuthorizedHook(t *testing.T) {
	h, db := newUserStorageApp(t, "")
	h.Hooks.OnAuthorized(func(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
		u := tripUser{Name: "octocat"}
		if err := db.WithContext(c.Request.Context()).Create(&u).Error; err != nil {
			return false, err
		}
		sessions.Default(c).Set(userKey, u.ID) // signed in: the storage now has a user
		return true, nil
	})
	for i := range 2 {
		resp, body := h.visit("/private", browserAccept)
		if resp.StatusCode != http.StatusOK || body != "secret page" {
			t.Fatalf("visit %d ends on %s with %d %q, want the page", i+1, resp.Request.URL.Path, resp.StatusCode, body)
		}
	}
	if n := h.trips(); n != 1 {
		t.Errorf("%d trips to the provider, want 1", n)
	}
	var rows []tripOAuth
	db.Find(&rows)
	if len(rows) != 1 || rows[0].UserID == nil || *rows[0].UserID == 0 {
		t.Errorf("stored %+v, want one token with its user", rows)
	}
	if errs := h.Errors(); len(errs) != 0 {
		t.Errorf("error hooks ran: %v", errs)
	}
}

// The ways back to next that the callback does not control (an authorized
// hook that vetoes storage without signing anyone in, as Flask-Dance's
// example does when the profile cannot be read; an error hook that
// redirects to the page) bring the visitor back to Required still
// anonymous. Required then answers the 401 error page instead of a second
// trip, with no error hook of its own, and logs the page's error ID.
func TestAnonymousVisitorBackFromDanceEndsAfterOneTrip(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hooks  func(*apptest.Hooks)
		errors int // error hooks run, all by the callback
	}{
		{"authorized hook vetoes", func(hk *apptest.Hooks) {
			hk.OnAuthorized(func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error) {
				return false, nil // say, the profile could not be read: no one signed in
			})
		}, 0},
		{"error hook redirects back", func(hk *apptest.Hooks) {
			hk.OnError(func(c *gin.Context, _ *dance.Blueprint, _ *dance.Error) {
				c.Redirect(http.StatusFound, "/private")
			})
		}, 1},
	} {
		for _, client := range []struct{ name, accept string }{{"browser", browserAccept}, {"api", apiAccept}} {
			accept := client.accept
			t.Run(tc.name+"/"+client.name, func(t *testing.T) {
				h, db := newUserStorageApp(t, "")
				tc.hooks(h.Hooks)
				resp, body := h.visit("/private", accept)
				if n := h.trips(); n != 1 {
					t.Errorf("%d trips to the provider, want 1", n)
				}
				if resp.StatusCode != http.StatusUnauthorized || resp.Request.URL.Path != "/private" {
					t.Fatalf("ends on %s with %d %q, want 401 on /private", resp.Request.URL.Path, resp.StatusCode, body)
				}
				id := errorIDOf(t, resp, body)
				mustContain(t, h.Logs.String(), "came back from the provider still without a user")
				mustContain(t, h.Logs.String(), "error_id="+id)
				if n := tokenRows(t, db); n != 0 {
					t.Errorf("%d tokens stored, want none", n)
				}
				if errs := h.Errors(); len(errs) != tc.errors {
					t.Errorf("error hooks got %v, want %d", errs, tc.errors)
				}
			})
		}
	}
}

// Required's answer to a visitor back from a dance is no lock-out: a login
// started from the login route (the error page's link) is a new dance, and
// once the login's state has expired Required sends the visitor to log in
// again.
func TestAnonymousVisitorBackFromDanceMayStartAgain(t *testing.T) {
	h, _ := newUserStorageApp(t, "")
	h.Hooks.OnAuthorized(func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error) { return false, nil })
	if resp, _ := h.visit("/private", browserAccept); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("first visit: %d, want 401", resp.StatusCode)
	}
	if resp, _ := h.visit("/login/github?next=/private", browserAccept); resp.StatusCode != http.StatusUnauthorized || h.trips() != 2 {
		t.Fatalf("login route: %d after %d trips, want 401 after 2", resp.StatusCode, h.trips())
	}
	restore := h.Clock.Set(dance.StateLifetime + time.Minute)
	defer restore()
	resp := h.Browser.Get(h.URL("/private"))
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "/login/github?next=%2Fprivate" {
		t.Errorf("after the state's lifetime: %d to %q, want 302 to the login", resp.StatusCode, loc)
	}
}

// Both protocols: a storage that refuses every anonymous token, no hook,
// one trip, and the 401 page from the callback.
func TestAnonymousVisitorEndsAfterOneTripBothProtocols(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			h := p.new(t, func(o *dance.Options) { o.Storage = anonStorage{} })
			resp, body := h.visit("/private", browserAccept)
			if n := h.trips(); n != 1 {
				t.Errorf("%d trips to the provider, want 1", n)
			}
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("ends on %s with %d %q, want 401", resp.Request.URL.Path, resp.StatusCode, body)
			}
			errorIDOf(t, resp, body)
		})
	}
}
