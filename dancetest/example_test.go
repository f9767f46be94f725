package dancetest_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// A fake provider stands in for GitHub: it issues codes and tokens, checks
// PKCE and client credentials, and serves /user.
func ExampleNewProvider() {
	fake := dancetest.NewProvider(dancetest.Config{User: map[string]any{"login": "hubot"}})
	defer fake.Close()

	var cfg contrib.GitHubConfig
	if err := fake.Configure(&cfg); err != nil { // ClientID, ClientSecret, endpoints, BaseURL
		panic(err)
	}
	_, err := contrib.GitHub(cfg) // the preset takes the fake's endpoints
	fmt.Println(err == nil && cfg.Endpoints.TokenURL == fake.URL+"/token")
	// Output: true
}

// Stage 1 of testing an app: give the blueprint its storage when the test
// builds it, so that the handlers see a logged-in user (a memory storage
// holding a token) or a logged-out one (the Null storage). This is the Go
// form of Flask-Dance's monkeypatched storage; since nothing is swapped,
// nothing needs restoring when the test ends.
func Example_memoryStorage() {
	for _, s := range []storage.Storage{storage.NewMemory(dancetest.Token("fake-token")), storage.Null{}} {
		github, err := contrib.GitHub(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret",
			Options: dance.Options{Storage: s},
		})
		if err != nil {
			panic(err)
		}
		r := gin.New()
		r.GET("/", github.Middleware(), func(c *gin.Context) {
			ok, _ := c.MustGet("github").(*dance.Client).Authorized()
			c.String(200, "authorized: %v", ok)
		})
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		fmt.Println(w.Body.String())
	}
	// Output:
	// authorized: true
	// authorized: false
}

// A request that carries a token in the app's real, encrypted session
// cookie, for httptest.
func ExampleAuthorizedRequest() {
	store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	github, _ := contrib.GitHub(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret"})
	r := gin.New()
	r.Use(sessions.Sessions("session", store))
	r.GET("/", github.Required(), func(c *gin.Context) { c.String(200, "logged in") })

	t := &testing.T{}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", store, "session", github, dancetest.Token("gho_123")))
	fmt.Println(w.Code, w.Body.String())
	// Output: 200 logged in
}

// Stage 2: replay the provider's API answers from a cassette recorded once
// with a real token (GITHUB_OAUTH_ACCESS_TOKEN), scrubbed of secrets.
func ExampleCassette() {
	test := func(t *testing.T, newApp func(*dance.Blueprint) *gin.Engine, store sessions.Store) {
		github, err := contrib.GitHub(contrib.GitHubConfig{
			Options: dance.Options{HTTPClient: dancetest.Cassette(t, "github")}, // testdata/cassettes/{test name}.yaml
		})
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		tok := dancetest.Token(dancetest.AccessToken("github"))
		newApp(github).ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", store, "session", github, tok))
		// … assert on what the replayed API answer produced …
	}
	_ = test
}

// Stage 3: the whole dance, with cookies, against the fake provider.
func ExampleDance() {
	test := func(t *testing.T, app *gin.Engine) {
		// Fail unless the dance stored a token: "/" needs one (Required).
		browser, base := dancetest.Dance(t, app, "/login/github", dancetest.Want{Stored: "/"})
		resp := browser.Get(base + "/")
		defer resp.Body.Close()
		// … the browser is logged in …
	}
	_ = test
}

// The session cookie alone, for a request built by hand; with an expired
// token, to test what a handler does with stale credentials.
func ExampleSessionCookie() {
	store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef"))
	github, _ := contrib.GitHub(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret"})
	r := gin.New()
	r.Use(sessions.Sessions("session", store))
	r.GET("/", github.Middleware(), func(c *gin.Context) {
		ok, _ := c.MustGet("github").(*dance.Client).Authorized()
		c.String(200, "authorized: %v", ok)
	})

	t := &testing.T{}
	stale := dancetest.ExpiredToken("gho_stale")
	stale.RefreshToken = "" // GitHub's tokens do not expire unless the app opts in
	for _, tok := range []*dance.Token{dancetest.Token("gho_fresh"), stale} {
		req := httptest.NewRequest("GET", "/", nil)
		req.AddCookie(dancetest.SessionCookie(t, store, "session", github, tok))
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(w.Body.String())
	}
	// Output:
	// authorized: true
	// authorized: false
}

// StandIn lets the fake answer for a real API host, so a preset keeps its
// real URLs in a test.
func ExampleProvider_StandIn() {
	fake := dancetest.NewProvider(dancetest.Config{User: map[string]any{"login": "hubot"}})
	defer fake.Close()
	store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))
	github, _ := contrib.GitHub(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret",
		Options: dance.Options{HTTPClient: fake.StandIn()}, // https://api.github.com/user reaches the fake
	})
	r := gin.New()
	r.Use(sessions.Sessions("session", store))
	r.GET("/", github.Middleware(), func(c *gin.Context) {
		var user struct{ Login string }
		if err := c.MustGet("github").(*dance.Client).GetJSON("user", &user); err != nil {
			c.String(502, err.Error())
			return
		}
		c.String(200, user.Login)
	})
	w := httptest.NewRecorder()
	r.ServeHTTP(w, dancetest.AuthorizedRequest(&testing.T{}, "GET", "/", store, "session", github, dancetest.Token(fake.IssueToken())))
	fmt.Println(w.Body.String())
	// Output: hubot
}

// A fake OAuth 1 provider verifies every signature it receives; a whole
// Twitter-style dance runs against it with the generic OAuth 1 blueprint.
func ExampleNewOAuth1Provider() {
	fake := dancetest.NewOAuth1Provider(dancetest.OAuth1Config{})
	defer fake.Close()
	twitter, err := dance.NewOAuth1(fake.OAuth1Config("twitter"))
	if err != nil {
		fmt.Println(err)
		return
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	twitter.Register(r)
	r.GET("/", twitter.Middleware(), func(c *gin.Context) {
		ok, _ := c.MustGet("twitter").(*dance.Client).Authorized()
		c.String(200, "authorized: %v", ok)
	})
	app := httptest.NewServer(r)
	defer app.Close()

	browser := dancetest.NewBrowser(&testing.T{})
	browser.Dance(app.URL + "/twitter") // login, authorize, callback
	resp := browser.Get(app.URL + "/")
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body), len(fake.RequestsTo(dancetest.OAuth1AccessToken)))
	// Output: authorized: true 1
}

// A loopback proxy in front of a service makes an outage on demand,
// without stopping the service that other tests share.
func ExampleNewProxy() {
	test := func(t *testing.T) {
		proxy := dancetest.NewProxy(t, "127.0.0.1:6379") // Redis, say
		// … point the app's Redis client at proxy.Addr() …
		proxy.Down() // connections are refused and cut
		// … the app must fall back, and say so …
		if err := proxy.Up(); err != nil {
			t.Fatal(err)
		}
	}
	_ = test
}
