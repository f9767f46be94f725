package dance_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

type ctxKey struct{}

// stepLog records what Options.Observe sees.
type stepLog struct {
	mu    sync.Mutex
	steps []string // "name:ok" or "name:error"
}

func (l *stepLog) observe(ctx context.Context, step string) (context.Context, func(error)) {
	return context.WithValue(ctx, ctxKey{}, step), func(err error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		outcome := "ok"
		if err != nil {
			outcome = "error"
		}
		l.steps = append(l.steps, step+":"+outcome)
	}
}

func (l *stepLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.steps, " ")
}

// Issue 19: Options.Observe sees the inner steps that no route handler,
// HTTP client or storage wrapper sees (ID-token verification, the
// authorized hooks, a revocation), with their outcomes, and the step's
// context reaches what runs inside it.
func TestObserveInnerSteps(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(p.Close)
	steps := &stepLog{}
	cfg := p.OAuth2Config("oidc")
	cfg.Scopes = []string{"openid", "email"}
	cfg.Issuer, cfg.JWKSURL, cfg.RevokeURL = p.Issuer(), "/jwks", "/revoke"
	cfg.Observe = steps.observe
	var hookSawStep any
	cfg.Hooks.OnAuthorized = func(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
		hookSawStep = c.Request.Context().Value(ctxKey{})
		return true, nil
	}
	bp, err := dance.NewOAuth2(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := apptest.NewRouter(bp)
	var afterHooks any = "unset"
	r.GET("/after", func(c *gin.Context) { afterHooks = c.Request.Context().Value(ctxKey{}) })
	r.GET("/revoke", func(c *gin.Context) {
		if err := apptest.Client(c, bp).Revoke(); err != nil {
			c.String(http.StatusBadGateway, "%v", errors.Is(err, dance.ErrRevoke))
			return
		}
		c.Status(http.StatusNoContent)
	})
	app := apptest.TestServer(t, r)
	b := dancetest.NewBrowser(t)
	b.Dance(app + "/login/oidc")
	if got, want := steps.String(), "id_token:ok hooks:ok"; got != want {
		t.Fatalf("steps after the dance = %q, want %q", got, want)
	}
	if hookSawStep != "hooks" {
		t.Errorf("the hook's request context carried %v, want the hooks step's", hookSawStep)
	}
	b.Get(app + "/after")
	if afterHooks != nil {
		t.Errorf("a later request carried the step's context: %v", afterHooks)
	}
	b.Get(app + "/revoke")
	if got, want := steps.String(), "id_token:ok hooks:ok revoke:ok"; got != want {
		t.Fatalf("steps after the revocation = %q, want %q", got, want)
	}
	if resp := b.Get(app + "/revoke"); resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("a second revocation (no token) = %d, want 502", resp.StatusCode)
	}
	if got, want := steps.String(), "id_token:ok hooks:ok revoke:ok revoke:error"; got != want {
		t.Fatalf("steps after a failed revocation = %q, want %q", got, want)
	}
}
