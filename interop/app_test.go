package interop

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/sessionstore"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

func init() { gin.SetMode(gin.TestMode) }

// expireAtOnce is an ExpiryLeeway longer than the provider's access
// tokens live (60 s, node/server.mjs): every token counts as expired as
// soon as it is stored, so a test refreshes without waiting.
const expireAtOnce = 2 * time.Minute

// offline is the configuration of a blueprint that gets a refresh token
// from oidc-provider (offline_access, which it grants only with
// prompt=consent) and whose access tokens count as expired at once.
func offline(name string) dance.OAuth2Config {
	return dance.OAuth2Config{
		Name:       name,
		Scopes:     []string{"openid", "profile", "email", "offline_access"},
		AuthParams: map[string]string{"prompt": "consent"},
		Options:    dance.Options{ExpiryLeeway: expireAtOnce},
	}
}

// newOIDC builds a blueprint by discovery, as the docs show, named after
// its client at the provider, with an HTTP client whose calls are
// recorded. cfg.Name names the client; ClientID defaults to it, and the
// secret to the client's fixture secret unless cfg says otherwise.
func newOIDC(t *testing.T, issuer string, cfg dance.OAuth2Config) (*dance.Blueprint, *calls) {
	t.Helper()
	bp, rec, err := tryOIDC(t, issuer, cfg)
	if err != nil {
		t.Fatalf("NewOIDC: %v", err)
	}
	return bp, rec
}

// tryOIDC is newOIDC that returns the build error.
func tryOIDC(t *testing.T, issuer string, cfg dance.OAuth2Config) (*dance.Blueprint, *calls, error) {
	t.Helper()
	rec := &calls{}
	cfg.Issuer = issuer
	if cfg.ClientID == "" {
		cfg.ClientID = cfg.Name
	}
	if cfg.ClientSecret == "" && cfg.ClientSecretFunc == nil && !noSecret[cfg.ClientID] {
		cfg.ClientSecret = secret(cfg.ClientID)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = rec.httpClient()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bp, err := dance.NewOIDC(ctx, cfg)
	return bp, rec, err
}

// noSecret are the provider's clients that have no client secret.
var noSecret = map[string]bool{"public": true, "dpoppublic": true, "keyjwt": true, "nosecret": true}

// sessionKeys are shared by every app instance, as a fleet's are.
var sessionKeys = sessionstore.Config{
	HashKey:  []byte("interop-hash-key-32-bytes-long-x"),
	BlockKey: []byte("interop-block-16"),
}

// newApp is a Gin app as the README builds one, around bp: an encrypted
// cookie session, the blueprint's routes under /login, its middleware,
// and a few pages that the tests read:
//
//	/          (Required) "hello <sub>" from the verified ID token
//	/token     the token, refreshed when it has expired, as JSON
//	/stored    the stored token as it is, without refreshing it
//	/profile   Client.Profile
//	/revoke    Client.Revoke
//
// more, when set, adds the test's own routes.
func newApp(t *testing.T, bp *dance.Blueprint, more func(r *gin.Engine)) *gin.Engine {
	t.Helper()
	store, err := sessionstore.NewCookie(sessionKeys)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", store))
	bp.Register(r.Group("/login"))
	r.Use(bp.Middleware())
	name := bp.Name()
	client := func(c *gin.Context) *dance.Client { return c.MustGet(name).(*dance.Client) }
	r.GET("/", bp.Required(), func(c *gin.Context) {
		claims, err := client(c).Claims()
		if err != nil {
			c.String(http.StatusInternalServerError, "claims: %v", err)
			return
		}
		c.String(http.StatusOK, "hello %v", claims["sub"])
	})
	r.GET("/token", func(c *gin.Context) {
		tok, err := client(c).Token()
		answerToken(c, tok, err)
	})
	r.GET("/stored", func(c *gin.Context) {
		tok, err := storage.NewSession().Get(c, name)
		answerToken(c, tok, err)
	})
	r.GET("/profile", func(c *gin.Context) {
		p, err := client(c).Profile()
		if err != nil {
			answerError(c, err)
			return
		}
		c.JSON(http.StatusOK, p)
	})
	r.GET("/revoke", func(c *gin.Context) {
		if err := client(c).Revoke(); err != nil {
			answerError(c, err)
			return
		}
		c.String(http.StatusOK, "revoked")
	})
	if more != nil {
		more(r)
	}
	return r
}

// answerToken writes tok as JSON, 404 when there is none, or the error.
func answerToken(c *gin.Context, tok *dance.Token, err error) {
	switch {
	case err != nil:
		answerError(c, err)
	case tok == nil:
		c.String(http.StatusNotFound, "no token")
	default:
		c.JSON(http.StatusOK, tok)
	}
}

// answerError writes err's kind: 410 for an expired token that cannot be
// refreshed, else 502 with the error's stage and OAuth code.
func answerError(c *gin.Context, err error) {
	if errors.Is(err, dance.ErrTokenExpired) {
		c.String(http.StatusGone, "expired: %v", err)
		return
	}
	var e *dance.Error
	if errors.As(err, &e) {
		c.String(http.StatusBadGateway, "stage=%s code=%s: %v", e.Stage, e.Code, err)
		return
	}
	c.String(http.StatusBadGateway, "%v", err)
}

// login drives a whole login from the app's home page, and fails the test
// unless it ends on "hello alice".
func login(t *testing.T, b *browser) *page {
	t.Helper()
	p := b.get("/")
	if p.status != http.StatusOK || p.body != "hello alice" {
		t.Fatalf("login ended on %s with %d: %.300s", p.url.Redacted(), p.status, p.body)
	}
	return p
}

// tokenOf reads /token (or /stored) as a map.
func tokenOf(t *testing.T, b *browser, path string) (map[string]any, *page) {
	t.Helper()
	p := b.get(path)
	if p.status != http.StatusOK {
		return nil, p
	}
	var tok map[string]any
	if err := jsonUnmarshal(p.body, &tok); err != nil {
		t.Fatalf("%s: %v: %.200s", path, err, p.body)
	}
	return tok, p
}

// testWriter sends the app's logs to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
