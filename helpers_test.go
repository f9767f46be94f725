package dance_test

import (
	"os"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// harness is the shared test app (internal/apptest), with the helpers
// that only this package's tests use as its methods.
type harness struct{ *apptest.Harness }

// newHarness builds the app. edit may change the blueprint configuration
// before it is built.
func newHarness(t *testing.T, pcfg dancetest.Config, edit func(*dance.OAuth2Config)) *harness {
	t.Helper()
	return &harness{apptest.New(t, pcfg, edit)}
}

// newBareHarness is a harness with no provider and no blueprint yet.
func newBareHarness(t *testing.T, name string) *harness {
	return &harness{apptest.NewBare(t, name)}
}

// protocols build a harness for each protocol with default providers, for
// the tests that OAuth 1 and OAuth 2 share (hooks, redirects). edit may
// change the common options.
var protocols = []struct {
	name string
	new  func(t *testing.T, edit func(*dance.Options)) *harness
}{
	{"oauth2", func(t *testing.T, edit func(*dance.Options)) *harness {
		return newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
			if edit != nil {
				edit(&c.Options)
			}
		})
	}},
	{"oauth1", func(t *testing.T, edit func(*dance.Options)) *harness {
		return newOAuth1Harness(t, dancetest.OAuth1Config{}, func(c *dance.OAuth1Config) {
			if edit != nil {
				edit(&c.Options)
			}
		})
	}},
}

// tokenID is what identifies a token of either protocol: the OAuth 2
// access token or the OAuth 1 oauth_token.
func tokenID(tok *dance.Token) string { return tok.AccessToken + tok.OAuthToken }

func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}

func sessionOf(c *gin.Context) sessions.Session { return sessions.Default(c) }
