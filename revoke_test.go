package dance_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// seedValid stores a live token for user, with a refresh token when rt.
func (a *tokenApp) seedValid(user string, rt bool) *dance.Token {
	tok := &dance.Token{AccessToken: a.p.IssueToken(), TokenType: "bearer", ExpiresAt: time.Now().Add(time.Hour)}
	if rt {
		tok.RefreshToken = a.p.IssueRefreshToken("")
	}
	a.store.put(user, "acme", tok)
	return tok
}

// Acceptance 5, Google-style: an RFC 7009 call with the token, then the
// storage is emptied.
func TestRevokeRFC7009(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rt        bool
		method    string
		wantHint  string
		wantBasic bool
	}{
		{"refresh token, basic auth", true, "client_secret_basic", "refresh_token", true},
		{"access token only, client in params", false, "client_secret_post", "access_token", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTokenApp(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
				c.RevokeURL = "/revoke"
				c.TokenAuthMethod = tc.method
			})
			tok := a.seedValid("alice", tc.rt)
			if code, body, _ := a.get("alice", "/revoke"); code != 200 {
				t.Fatalf("/revoke = %d %q", code, body)
			}
			reqs := a.p.RequestsTo("/revoke")
			if len(reqs) != 1 || reqs[0].Method != http.MethodPost {
				t.Fatalf("revocation endpoint got %d requests, want 1 POST", len(reqs))
			}
			want := tok.AccessToken
			if tc.rt {
				want = tok.RefreshToken
			}
			if reqs[0].Form.Get("token") != want || reqs[0].Form.Get("token_type_hint") != tc.wantHint {
				t.Errorf("the call did not carry the %s", tc.wantHint)
			}
			if got := strings.HasPrefix(reqs[0].Header.Get("Authorization"), "Basic "); got != tc.wantBasic {
				t.Errorf("basic auth = %v, want %v", got, tc.wantBasic)
			}
			if a.p.TokenActive(want) {
				t.Error("the provider did not revoke the token")
			}
			if a.store.token("alice", "acme") != nil {
				t.Error("the token is still stored after the revocation")
			}
		})
	}
}

// Acceptance 5: a provider without a revocation API.
func TestRevokeUnsupported(t *testing.T) {
	a := newTokenApp(t, dancetest.Config{}, nil)
	a.seedValid("alice", false)
	var got error
	r := gin.New()
	r.GET("/", a.bp.Middleware(), func(c *gin.Context) {
		c.Request.Header.Set("X-User", "alice")
		got = apptest.Client(c, a.bp).Revoke()
	})
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !errors.Is(got, dance.ErrRevocationUnsupported) {
		t.Fatalf("Revoke = %v, want ErrRevocationUnsupported", got)
	}
	var e *dance.Error
	if !errors.As(got, &e) || e.Stage != dance.StageRevoke {
		t.Errorf("Revoke error is %T %v, want *dance.Error of stage revoke", got, got)
	}
	if a.store.token("alice", "acme") == nil {
		t.Fatal("the token was deleted without being asked to")
	}
	if n := len(a.p.Requests()); n != 0 {
		t.Errorf("the provider got %d requests", n)
	}
	// Asked to: the token goes, and the error still says the grant lives on.
	if code, body, _ := a.get("alice", "/revoke?delete=1"); code != http.StatusBadGateway || !strings.Contains(body, dance.ErrRevocationUnsupported.Error()) {
		t.Fatalf("/revoke?delete=1 = %d %q", code, body)
	}
	if a.store.token("alice", "acme") != nil {
		t.Fatal("DeleteToken after ErrRevocationUnsupported did not delete the token")
	}
}

// Acceptance 5: the provider answers 500.
func TestRevokeProviderErrorKeepsToken(t *testing.T) {
	a := newTokenApp(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.RevokeURL = "/revoke" })
	tok := a.seedValid("alice", true)
	a.p.FailRevoke(500)
	var got error
	r := gin.New()
	r.GET("/", a.bp.Middleware(), func(c *gin.Context) {
		c.Request.Header.Set("X-User", "alice")
		got = apptest.Client(c, a.bp).Revoke()
	})
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	var e *dance.Error
	if !errors.Is(got, dance.ErrRevoke) || !errors.As(got, &e) || e.Status != 500 || e.Stage != dance.StageRevoke {
		t.Fatalf("Revoke = %v, want ErrRevoke with status 500", got)
	}
	if strings.Contains(got.Error(), tok.RefreshToken) || strings.Contains(got.Error(), a.p.ClientSecret()) {
		t.Error("the error text holds a secret")
	}
	if len(a.p.RequestsTo("/revoke")) != 1 {
		t.Fatal("no revocation call was made")
	}
	if s := a.store.token("alice", "acme"); s == nil || s.RefreshToken != tok.RefreshToken {
		t.Fatal("the token is no longer stored after a failed revocation")
	}
}

// Revoke without a token says so.
func TestRevokeWithoutToken(t *testing.T) {
	a := newTokenApp(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.RevokeURL = "/revoke" })
	if code, body, _ := a.get("nobody", "/revoke"); code != http.StatusBadGateway || !strings.Contains(body, dance.ErrNoToken.Error()) {
		t.Fatalf("/revoke without a token = %d %q", code, body)
	}
	if n := len(a.p.Requests()); n != 0 {
		t.Errorf("the provider got %d requests", n)
	}
}
