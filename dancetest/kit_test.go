package dancetest_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

var store = cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))

// newGitHub builds the GitHub preset as an app would, with the storage and
// HTTP client the test gives in o.
func newGitHub(t testing.TB, o dance.Options) *dance.Blueprint {
	t.Helper()
	if o.BaseURL == "" {
		o.BaseURL = "https://api.example.test/"
	}
	bp, err := contrib.GitHub(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret", Options: o})
	if err != nil {
		t.Fatal(err)
	}
	return bp
}

func app(bp *dance.Blueprint) *gin.Engine {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(sessions.Sessions("session", store))
	bp.Register(r.Group("/login"))
	r.GET("/", bp.Middleware(), func(c *gin.Context) {
		cl := c.MustGet(bp.Name()).(*dance.Client)
		tok, err := cl.Token()
		if errors.Is(err, dance.ErrTokenExpired) || (err == nil && tok != nil && tok.Expired(time.Now(), 0)) {
			c.String(200, "expired")
			return
		}
		if err != nil {
			c.String(500, err.Error())
			return
		}
		if ok, _ := cl.Authorized(); !ok {
			c.String(200, "anonymous")
			return
		}
		var user struct{ Login string }
		if err := cl.GetJSON("/user", &user); err != nil {
			c.String(502, err.Error())
			return
		}
		c.String(200, "You are @%s", user.Login)
	})
	return r
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// Acceptance 4, in its Go form: where Flask-Dance monkeypatches a
// blueprint's storage for a test, a Go test gives the blueprint its
// storage when it builds it, so nothing is swapped and nothing is left to
// undo. A blueprint built with a memory storage serves its token; one
// built alongside without a storage uses the session, and sees neither
// that token nor anything else.
func TestStorageGivenAtBuild(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	mem := newGitHub(t, dance.Options{Storage: storage.NewMemory(dancetest.Token(fake.IssueToken())), HTTPClient: fake.StandIn()})
	plain := newGitHub(t, dance.Options{HTTPClient: fake.StandIn()})
	for _, tc := range []struct {
		name string
		bp   *dance.Blueprint
		want string
	}{{"memory", mem, "You are @octocat"}, {"session", plain, "anonymous"}, {"memory again", mem, "You are @octocat"}} {
		w := httptest.NewRecorder()
		app(tc.bp).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if w.Body.String() != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, w.Body.String(), tc.want)
		}
	}
	// The session blueprint does keep a token, in the session.
	w := httptest.NewRecorder()
	app(plain).ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", store, "session", plain, dancetest.Token(fake.IssueToken())))
	if w.Body.String() != "You are @octocat" {
		t.Errorf("session blueprint with a session token: got %q", w.Body.String())
	}
}

// What the app sees is the storage the blueprint was built with: a memory
// storage's token makes a handler authorized, and the Null storage, which
// keeps nothing, leaves it anonymous.
func TestMemoryStorageMakesHandlerAuthorized(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	bp := newGitHub(t, dance.Options{Storage: storage.NewMemory(dancetest.Token(fake.IssueToken())), HTTPClient: fake.StandIn()})
	w := httptest.NewRecorder()
	app(bp).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Body.String() != "You are @octocat" {
		t.Fatalf("got %q", w.Body.String())
	}
	bp = newGitHub(t, dance.Options{Storage: storage.Null{}, HTTPClient: fake.StandIn()})
	w = httptest.NewRecorder()
	app(bp).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Body.String() != "anonymous" {
		t.Fatalf("with Null storage: %q", w.Body.String())
	}
}

// A request logged in through the real session storage, no dance.
func TestAuthorizedRequest(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	github := newGitHub(t, dance.Options{HTTPClient: fake.StandIn()})
	tok := fake.IssueToken()
	w := httptest.NewRecorder()
	app(github).ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", store, "session", github, dancetest.Token(tok)))
	if w.Body.String() != "You are @octocat" {
		t.Fatalf("got %q", w.Body.String())
	}
	// A cookie signed with other keys is no session at all.
	other := cookie.NewStore([]byte("another-key-another-key-another!"), []byte("another-key-16b!"))
	w = httptest.NewRecorder()
	app(github).ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", other, "session", github, dancetest.Token(tok)))
	if w.Body.String() != "anonymous" {
		t.Fatalf("foreign cookie: %q", w.Body.String())
	}
}

func TestExpiredToken(t *testing.T) {
	github := newGitHub(t, dance.Options{})
	w := httptest.NewRecorder()
	old := dancetest.ExpiredToken("old")
	old.RefreshToken = "" // nothing to refresh it with
	app(github).ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", store, "session", github, old))
	if w.Body.String() != "expired" {
		t.Fatalf("got %q", w.Body.String())
	}
}

// Acceptance 3 of the kit: a whole dance in a few lines, with a preset
// pointed at the fake in one call.
func TestDanceWithConfiguredPreset(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	cfg := contrib.GitHubConfig{Scopes: []string{"user:email"}}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	bp, err := contrib.GitHub(cfg)
	if err != nil {
		t.Fatal(err)
	}
	browser, base := dancetest.Dance(t, app(bp), "/login/github", dancetest.Want{})
	if got := body(t, browser.Get(base+"/")); got != "You are @octocat" {
		t.Fatalf("after the dance: %q", got)
	}
	if posts := fake.RequestsTo("/token"); len(posts) != 1 {
		t.Fatalf("%d token requests", len(posts))
	}
}

// Acceptance 2: the committed cassette replays with no network (the
// blueprint's base URL does not resolve). It holds the fake provider's
// answer to GET https://api.example.test/user, as a real provider's would
// be recorded with GITHUB_OAUTH_ACCESS_TOKEN set.
func TestCassetteReplay(t *testing.T) {
	github := newGitHub(t, dance.Options{HTTPClient: dancetest.Cassette(t, "github")})
	w := httptest.NewRecorder()
	app(github).ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", store, "session", github, dancetest.Token(dancetest.AccessToken("github"))))
	if w.Body.String() != "You are @octocat" {
		t.Fatalf("got %q", w.Body.String())
	}
}

// fatalTB records a Fatalf and stops the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fatalTB) Helper() {}

// Acceptance 2: no cassette and no token is a clear failure, not a hang.
func TestCassetteMissingWithoutToken(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("GITHUB_OAUTH_ACCESS_TOKEN", "")
	f := &fatalTB{TB: t}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		dancetest.Cassette(f, "github")
	}()
	wg.Wait()
	if !strings.Contains(f.msg, "no cassette") || !strings.Contains(f.msg, "GITHUB_OAUTH_ACCESS_TOKEN") {
		t.Fatalf("failure message = %q", f.msg)
	}
}

// Acceptance 3: a recorded cassette holds no token, secret or
// Authorization header.
func TestCassetteRecordingIsScrubbed(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	fake := dancetest.NewProvider(dancetest.Config{User: map[string]any{"login": "octocat", "echo_secret": "client-secret-value"}})
	defer fake.Close()
	tok := fake.IssueToken()
	t.Setenv("GITHUB_OAUTH_ACCESS_TOKEN", tok)
	t.Run("record", func(t *testing.T) {
		// The fake is the provider that the cassette records.
		github := newGitHub(t, dance.Options{BaseURL: fake.URL + "/", HTTPClient: dancetest.Cassette(t, "github", "client-secret-value")})
		w := httptest.NewRecorder()
		app(github).ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", store, "session", github, dancetest.Token(tok)))
		if w.Body.String() != "You are @octocat" {
			t.Fatalf("got %q", w.Body.String())
		}
	})
	b, err := os.ReadFile(filepath.Join(dir, dancetest.CassetteDir, "TestCassetteRecordingIsScrubbed_record.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	y := string(b)
	if !strings.Contains(y, "/user") || !strings.Contains(y, "octocat") {
		t.Fatalf("cassette lacks the interaction:\n%s", y)
	}
	for _, bad := range []string{tok, "client-secret-value", "Authorization", "Bearer"} {
		if strings.Contains(y, bad) {
			t.Errorf("cassette contains %q", bad[:min(len(bad), 12)])
		}
	}
}
