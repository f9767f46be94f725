package dance

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestRedirectFoundMatchesGin checks that redirectFound answers exactly as
// gin's c.Redirect (status, headers, body) for the locations the dance
// sends and for the ones it hands back to c.Redirect.
func TestRedirectFoundMatchesGin(t *testing.T) {
	locations := []string{
		"https://provider.example/authorize?client_id=a&redirect_uri=https%3A%2F%2Fapp%2Fcb&state=x'y\"z<>",
		"http://example.com/",
		"/", "/a/b", "/a/b/", "/a/b?next=/c&d=e", "/a/./b", "/a/../b", "/a//b", "/a/b/?x", "//evil.example/x",
		"relative/path", "", "/é", "https://example.com/é", "HTTP://example.com/x", "/%zz", "/a#frag?x",
	}
	answer := func(method, loc string, contentType bool, redirect func(*gin.Context, string)) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(method, "/login/github/authorized?state=s", nil)
		if contentType {
			c.Header("Content-Type", "text/plain")
		}
		redirect(c, loc)
		c.Writer.WriteHeaderNow()
		return w
	}
	gins := func(c *gin.Context, loc string) { c.Redirect(http.StatusFound, loc) }
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
		for _, ct := range []bool{false, true} {
			for _, loc := range locations {
				want := answer(method, loc, ct, gins)
				got := answer(method, loc, ct, redirectFound)
				if got.Code != want.Code || !reflect.DeepEqual(got.Header(), want.Header()) || got.Body.String() != want.Body.String() {
					t.Errorf("%s %q (Content-Type set: %v): got %d %v %q, want %d %v %q", method, loc, ct,
						got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
				}
			}
		}
	}
}
