package httpx

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gin-gonic/gin"
)

// redirectSeeds are the locations the dance sends, and the ones it
// hands back to http.Redirect.
var redirectSeeds = []string{
	"https://provider.example/authorize?client_id=a&redirect_uri=https%3A%2F%2Fapp%2Fcb&state=x'y\"z<>",
	"http://example.com/",
	"/", "/a/b", "/a/b/", "/a/b?next=/c&d=e", "/a/./b", "/a/../b", "/a//b", "/a/b/?x", "//evil.example/x",
	"relative/path", "", "/é", "https://example.com/é", "HTTP://example.com/x", "/%zz", "/a#frag?x",
}

var redirectMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost}

// redirectAnswer records what redirect answers to method on location,
// with or without a Content-Type already set.
func redirectAnswer(method, location string, contentType bool, redirect func(*gin.Context, string)) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(method, "/login/github/authorized?state=s", nil)
	if contentType {
		c.Header("Content-Type", "text/plain")
	}
	redirect(c, location)
	c.Writer.WriteHeaderNow()
	return w
}

// checkRedirect fails t unless Redirect answers exactly as gin's
// c.Redirect (http.Redirect underneath): status, headers and body.
func checkRedirect(t *testing.T, method, location string, contentType bool) {
	t.Helper()
	want := redirectAnswer(method, location, contentType, func(c *gin.Context, loc string) { c.Redirect(http.StatusFound, loc) })
	got := redirectAnswer(method, location, contentType, func(c *gin.Context, loc string) { Redirect(c.Writer, c.Request, loc) })
	if got.Code != want.Code || !reflect.DeepEqual(got.Header(), want.Header()) || got.Body.String() != want.Body.String() {
		t.Errorf("%s %q (Content-Type set: %v): got %d %v %q, want %d %v %q", method, location, contentType,
			got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
	}
}

// TestRedirectMatchesGin checks the seeds under every method, with and
// without a Content-Type.
func TestRedirectMatchesGin(t *testing.T) {
	for _, method := range redirectMethods {
		for _, ct := range []bool{false, true} {
			for _, loc := range redirectSeeds {
				checkRedirect(t, method, loc, ct)
			}
		}
	}
}

// FuzzRedirect holds the hand-written Redirect to http.Redirect on any
// location, method and Content-Type: it is only worth its speed while
// nobody can tell the two apart.
func FuzzRedirect(f *testing.F) {
	for i, loc := range redirectSeeds {
		f.Add(loc, uint8(i), i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, location string, method uint8, contentType bool) {
		checkRedirect(t, redirectMethods[int(method)%len(redirectMethods)], location, contentType)
	})
}
