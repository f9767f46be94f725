package dance

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestRedirectConfigFollowsTheRequest checks that the kept OAuth 2
// configuration is shared only while the redirect URL stays the same: a
// request from another host gets its own redirect URL.
func TestRedirectConfigFollowsTheRequest(t *testing.T) {
	bp, err := NewOAuth2(OAuth2Config{Name: "x", ClientID: "id", ClientSecret: "s", AuthURL: "https://p.example/a", TokenURL: "https://p.example/t"})
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
