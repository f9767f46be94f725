package ginlog_test

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/ginlog"
	"github.com/gin-gonic/gin"
)

// The access log of a callback has its path but not its code or state;
// other requests keep their query.
func TestLoggerLeavesOutCallbackQuery(t *testing.T) {
	var buf bytes.Buffer
	gin.DefaultWriter = &buf
	t.Cleanup(func() { gin.DefaultWriter = nil })
	bp, err := dance.NewOAuth2(dance.OAuth2Config{Name: "p", ClientID: "id", ClientSecret: "s", AuthURL: "https://p.example/a", TokenURL: "https://p.example/t", Options: dance.Options{AuthorizedPath: "/cb"}})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(ginlog.Logger(bp))
	bp.Register(r.Group("/login"))
	r.GET("/search", func(c *gin.Context) {})
	for _, u := range []string{
		"/login/cb?code=SECRETCODE&state=SECRETSTATE",
		"/login/cb?error=access_denied&x=SECRETX", // a callback route: no query at all
		"/other?oauth_verifier=SECRETVERIFIER",
		"/search?q=kept",
	} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", u, nil))
	}
	log := buf.String()
	if strings.Contains(log, "SECRET") {
		t.Fatalf("the access log holds a callback parameter:\n%s", log)
	}
	for _, want := range []string{`"/login/cb"`, `"/other"`, `"/search?q=kept"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the access log lacks %s:\n%s", want, log)
		}
	}
}
