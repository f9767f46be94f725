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
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

var (
	store = cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	// github is shared by the tests below, like an app's package-level
	// blueprint.
	github = func() *dance.Blueprint {
		bp, err := contrib.GitHub(contrib.GitHubConfig{
			ClientID: "id", ClientSecret: "secret",
			Options: dance.Options{BaseURL: "https://api.example.test/"},
		})
		if err != nil {
			panic(err)
		}
		return bp
	}()
	originalStorage = core.Inspect(github).Storage
)

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

// Acceptance 4: SwapStorage is undone at the end of the test.
func TestSwapStorage(t *testing.T) {
	t.Run("swapped", func(t *testing.T) {
		mem := storage.NewMemory(dancetest.Token("from-memory"))
		dancetest.SwapStorage(t, github, mem)
		if core.Inspect(github).Storage != mem {
			t.Fatal("storage not swapped")
		}
	})
	if core.Inspect(github).Storage != originalStorage {
		t.Fatal("storage not restored after the subtest")
	}
}

// The second test in the package sees the original storage.
func TestSwapStorageSecondTestSeesOriginal(t *testing.T) {
	if _, ok := core.Inspect(github).Storage.(*storage.Session); !ok || core.Inspect(github).Storage != originalStorage {
		t.Fatalf("storage is %T, want the original session storage", core.Inspect(github).Storage)
	}
}

func TestMemoryStorageMakesHandlerAuthorized(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	dancetest.SwapStorage(t, github, storage.NewMemory(dancetest.Token(fake.IssueToken())))
	core.SetHTTPClient(github, fake.StandIn())
	t.Cleanup(func() { core.SetHTTPClient(github, nil) })
	w := httptest.NewRecorder()
	app(github).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Body.String() != "You are @octocat" {
		t.Fatalf("got %q", w.Body.String())
	}
	dancetest.SwapStorage(t, github, storage.Null{})
	w = httptest.NewRecorder()
	app(github).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Body.String() != "anonymous" {
		t.Fatalf("with Null storage: %q", w.Body.String())
	}
}

// A request logged in through the real session storage, no dance.
func TestAuthorizedRequest(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	core.SetHTTPClient(github, fake.StandIn())
	t.Cleanup(func() { core.SetHTTPClient(github, nil) })
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
	w := httptest.NewRecorder()
	app(github).ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", store, "session", github, dancetest.ExpiredToken("old")))
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
// blueprint's base URL does not resolve).
func TestCassetteReplay(t *testing.T) {
	if os.Getenv("DANCE_RECORD_WITH_FAKE") == "1" {
		// How the committed cassette was made: the fake provider stands in
		// for the API, since this machine cannot reach a real one.
		fake := dancetest.NewProvider(dancetest.Config{})
		defer fake.Close()
		core.SetHTTPClient(github, fake.StandIn())
		t.Cleanup(func() { core.SetHTTPClient(github, nil) })
		t.Setenv("GITHUB_OAUTH_ACCESS_TOKEN", fake.IssueToken())
		t.Setenv("DANCE_RECORD", "1")
	}
	dancetest.Cassette(t, github)
	w := httptest.NewRecorder()
	app(github).ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", store, "session", github, dancetest.Token(dancetest.AccessToken(github))))
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
		dancetest.Cassette(f, github)
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
	core.SetHTTPClient(github, fake.StandIn())
	t.Cleanup(func() { core.SetHTTPClient(github, nil) })
	tok := fake.IssueToken()
	t.Setenv("GITHUB_OAUTH_ACCESS_TOKEN", tok)
	t.Run("record", func(t *testing.T) {
		dancetest.Cassette(t, github, "client-secret-value")
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
