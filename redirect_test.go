package dance

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
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

// TestRedirectConfigFollowsTheRequest checks that the kept OAuth 2
// configuration is shared only while the redirect URL stays the same: a
// request from another host gets its own redirect URL.
func TestRedirectConfigFollowsTheRequest(t *testing.T) {
	bp, err := NewOAuth2(OAuth2Config{Name: "x", ClientID: "id", AuthURL: "https://p.example/a", TokenURL: "https://p.example/t"})
	if err != nil {
		t.Fatal(err)
	}
	f := bp.proto.(*oauth2Flow)
	var prev *redirectConfig
	for i, host := range []string{"a.example", "a.example", "b.example", "a.example:8080", "a.example"} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "http://"+host+"/login/x", nil)
		cfg := f.config(c, bp)
		if want := "http://" + host + bp.AuthorizedURL(); cfg.RedirectURL != want {
			t.Errorf("request %d from %s: redirect URL %q, want %q", i, host, cfg.RedirectURL, want)
		}
		if i == 1 && cfg != prev {
			t.Error("the same redirect URL twice made a second configuration")
		}
		prev = cfg
	}
	if f.cfg.RedirectURL != "" {
		t.Errorf("the blueprint's own configuration got redirect URL %q", f.cfg.RedirectURL)
	}
}

// TestS256ChallengeMatchesOAuth2 checks the PKCE challenge and the login's
// verifier against x/oauth2's own.
func TestS256ChallengeMatchesOAuth2(t *testing.T) {
	for _, v := range []string{newState(), oauth2.GenerateVerifier(), "short", strings.Repeat("v", 128)} {
		if got, want := s256Challenge(v), oauth2.S256ChallengeFromVerifier(v); got != want {
			t.Errorf("challenge of %q: %q, want %q", v, got, want)
		}
	}
	if v := newState(); len(v) != len(oauth2.GenerateVerifier()) || strings.ContainsAny(v, "+/=") {
		t.Errorf("verifier %q is not in oauth2.GenerateVerifier's form", v)
	}
}
