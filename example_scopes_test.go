package dance_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

// Required with scopes asks for more when a route needs it: a user who
// logged in with "user:email" and opens /repos goes back to the provider
// (here a fake GitHub), asked for the union with "repo".
func ExampleBlueprint_Required_scopes() {
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	cfg := contrib.GitHubConfig{ClientID: fake.ClientID(), ClientSecret: fake.ClientSecret(), Scopes: []string{"user:email"}}
	cfg.AuthURL, cfg.TokenURL, cfg.BaseURL = fake.URL+"/authorize", fake.URL+"/token", fake.URL
	github, err := contrib.GitHub(cfg)
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", cookie.NewStore([]byte("32-byte-long-auth-key-change-me!"))))
	github.Register(r.Group("/login"))
	r.GET("/repos", github.Required("repo"), func(c *gin.Context) { c.String(200, "your repos") })
	app := httptest.NewServer(r)
	defer app.Close()

	// A browser that keeps cookies and shows each redirect.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) *http.Response {
		resp, err := browser.Get(u)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	next := app.URL + "/login/github" // log in with user:email: login, provider, callback
	for i := 0; i < 3; i++ {
		loc, _ := get(next).Location()
		next = loc.String()
	}
	resp := get(app.URL + "/repos")
	loc, _ := resp.Location()
	fmt.Println(resp.StatusCode, loc.Path, loc.Query().Get("scope"))
	// Output: 302 /authorize user:email repo
}
