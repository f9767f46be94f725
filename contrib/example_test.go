package contrib_test

import (
	"log"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-gonic/gin"
)

// A Google login that asks for a refresh token and shows who the user is,
// in the same shape as for any other provider.
func ExampleGoogle() {
	google, err := contrib.Google(contrib.GoogleConfig{ // GOOGLE_OAUTH_CLIENT_ID/SECRET
		Scopes:  []string{"openid", "https://www.googleapis.com/auth/userinfo.email", "https://www.googleapis.com/auth/userinfo.profile"},
		Offline: true, // access_type=offline, and the blueprint is refreshable
	})
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", cookie.NewStore([]byte("32-byte-hash-key-0123456789abcde"), []byte("32-byte-block-key-0123456789abcd"))))
	google.Register(r.Group("/login"))
	r.GET("/", google.Required(), func(c *gin.Context) {
		prof, err := c.MustGet("google").(*dance.Client).Profile()
		if err != nil {
			c.String(502, "could not ask Google who you are")
			return
		}
		c.String(200, "Hello %s <%s>", prof.Name, prof.Email)
	})
}

// A self-hosted GitLab whose certificate does not validate: only this
// blueprint skips verification.
func ExampleGitLab() {
	gitlab, err := contrib.GitLab(contrib.GitLabConfig{
		Hostname:           "git.internal.example",
		InsecureSkipVerify: true, // Flask-Dance: verify_tls_certificates=False
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = gitlab
}
