package dance_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

// "Log in with GitHub" in a Gin app. The credentials come from
// GITHUB_OAUTH_CLIENT_ID and GITHUB_OAUTH_CLIENT_SECRET.
func Example() {
	r := gin.Default()
	r.Use(sessions.Sessions("session", cookie.NewStore([]byte("32-byte-long-auth-key-change-me!"), []byte("16-byte-enc-key!"))))
	github, err := contrib.GitHub(contrib.GitHubConfig{Scopes: []string{"user:email"}})
	if err != nil {
		log.Fatal(err)
	}
	github.Register(r.Group("/login")) // GET /login/github, GET /login/github/authorized
	r.Use(github.Middleware())         // c.MustGet("github") on every route
	r.GET("/", github.Required(), func(c *gin.Context) {
		gh := c.MustGet("github").(*dance.Client)
		var user struct{ Login string }
		if err := gh.GetJSON("user", &user); err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		c.String(http.StatusOK, "You are @%s on GitHub", user.Login)
	})
	_ = r.Run(":8080")
}

// A generic OAuth 2 provider, the Go form of OAuth2ConsumerBlueprint. Here
// it points at dance's fake provider and a whole dance runs.
func ExampleNewOAuth2() {
	gin.SetMode(gin.TestMode) // no debug lines in the example's output
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()

	example, err := dance.NewOAuth2(dance.OAuth2Config{
		Name:         "example",
		ClientID:     fake.ClientID(),
		ClientSecret: fake.ClientSecret(),
		Scopes:       []string{"profile"},
		AuthURL:      "/authorize", // relative to BaseURL
		TokenURL:     "/token",
		Options:      dance.Options{BaseURL: fake.URL + "/"},
	})
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", cookie.NewStore([]byte("32-byte-long-auth-key-change-me!"))))
	example.Register(r)
	r.GET("/", example.Middleware(), func(c *gin.Context) {
		client := c.MustGet("example").(*dance.Client)
		if ok, _ := client.Authorized(); !ok {
			c.String(http.StatusOK, "not logged in")
			return
		}
		var user struct{ Login string }
		if err := client.GetJSON("user", &user); err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		c.String(http.StatusOK, "hello, %s", user.Login)
	})
	app := httptest.NewServer(r)
	defer app.Close()

	// A browser that follows redirects and keeps cookies.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	fmt.Println(get(browser, app.URL+"/"))
	get(browser, app.URL+"/example") // login → provider → callback → "/"
	fmt.Println(get(browser, app.URL+"/"))
	// Output:
	// not logged in
	// hello, octocat
}

func get(c *http.Client, url string) string {
	resp, err := c.Get(url)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var b [256]byte
	n, _ := resp.Body.Read(b[:])
	return string(b[:n])
}

// Hooks are the Go form of Flask-Dance's signals. They are set when the
// blueprint is built.
func ExampleHooks() {
	hooks := dance.Hooks{
		// oauth_before_login: remember something before leaving for GitHub.
		OnBeforeLogin: func(c *gin.Context, _ *dance.Blueprint, authURL string) {
			sess := sessions.Default(c)
			sess.Set("next_url", c.Query("next_url"))
		},
		// oauth_authorized: refuse tokens without the scope we need ("return
		// False" in Flask-Dance), or answer the request yourself.
		OnAuthorized: func(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
			for _, s := range tok.Scope {
				if s == "user:email" {
					return true, nil
				}
			}
			c.String(http.StatusForbidden, "please grant access to your e-mail address")
			return false, nil
		},
		// oauth_error: show the user what went wrong.
		OnError: func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
			sess := sessions.Default(c)
			sess.AddFlash(fmt.Sprintf("Could not log in with %s: %s", bp.Name(), e.Code))
			_ = sess.Save()
		},
	}
	github, err := contrib.GitHub(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret", Options: dance.Options{Hooks: hooks}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(github.Name())
	// Output: github
}

// Required sends users without a token to the login route, and brings
// them back afterwards.
func ExampleBlueprint_Required() {
	github, err := contrib.GitHub(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret"})
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", cookie.NewStore([]byte("32-byte-long-auth-key-change-me!"))))
	github.Register(r.Group("/login"))
	r.GET("/repos", github.Required(), func(c *gin.Context) { c.String(200, "your repos") })

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/repos", nil))
	fmt.Println(w.Code, w.Header().Get("Location"))
	// Output: 302 /login/github?next=%2Frepos
}
