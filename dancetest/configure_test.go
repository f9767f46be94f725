package dancetest_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-gonic/gin"
)

// noNetwork makes every dial to anything but a loopback IP address fail,
// and the test with it, for the rest of the test: through
// http.DefaultTransport (go-oidc's fallback) and the transport shared by
// blueprints without a client of their own. A host name is refused before
// any DNS lookup.
func noNetwork(t *testing.T) {
	var mu sync.Mutex
	guard := func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			mu.Lock()
			defer mu.Unlock()
			t.Errorf("a network call left the machine: dial %s %s", network, addr)
			return nil, fmt.Errorf("no network in this test: %s", addr)
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	def := http.DefaultTransport.(*http.Transport)
	oldDef, oldShared := def.DialContext, core.SharedTransport.DialContext
	def.DialContext, core.SharedTransport.DialContext = guard, guard
	def.CloseIdleConnections()
	core.SharedTransport.CloseIdleConnections()
	t.Cleanup(func() { def.DialContext, core.SharedTransport.DialContext = oldDef, oldShared })
}

// Acceptance 2: every OpenID Connect preset, pointed at the fake by
// Configure alone, runs a whole dance offline with its ID token verified
// against the preset's own issuer and key set URL.
func TestConfigureOIDCPresetsOffline(t *testing.T) {
	noNetwork(t)
	openid := []string{"openid", "email", "profile"}
	for _, tc := range []struct {
		name   string
		cfg    any // a pointer to the preset's Config
		build  func(cfg any) (*dance.Blueprint, error)
		issuer string
	}{
		{"google", &contrib.GoogleConfig{Scopes: openid},
			func(c any) (*dance.Blueprint, error) { return contrib.Google(*c.(*contrib.GoogleConfig)) },
			"https://accounts.google.com"},
		{"azure", &contrib.AzureConfig{Scopes: openid},
			func(c any) (*dance.Blueprint, error) { return contrib.Azure(*c.(*contrib.AzureConfig)) },
			"https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"},
		{"linkedin", &contrib.LinkedInConfig{Scopes: openid},
			func(c any) (*dance.Blueprint, error) { return contrib.LinkedIn(*c.(*contrib.LinkedInConfig)) },
			"https://www.linkedin.com/oauth"},
		{"authentiq", &contrib.AuthentiqConfig{Scopes: openid},
			func(c any) (*dance.Blueprint, error) { return contrib.Authentiq(*c.(*contrib.AuthentiqConfig)) },
			"https://connect.authentiq.io/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := dancetest.NewProvider(dancetest.Config{})
			t.Cleanup(fake.Close)
			if err := fake.Configure(tc.cfg); err != nil {
				t.Fatal(err)
			}
			bp, err := tc.build(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if core.Inspect(bp).Issuer == "" {
				t.Fatalf("%s does not verify ID tokens with scope %v", tc.name, openid)
			}
			r := gin.New()
			r.Use(sessions.Sessions("session", store))
			bp.Register(r.Group("/login"))
			r.GET("/claims", bp.Required(), func(c *gin.Context) {
				claims, err := bp.Client(c).Claims()
				if err != nil {
					c.String(http.StatusInternalServerError, "no verified claims: %v", err)
					return
				}
				c.String(http.StatusOK, "%s %s", claims.String("iss"), claims.String("nonce"))
			})
			errs := 0
			bp.Hooks().OnError(func(*gin.Context, *dance.Blueprint, *dance.Error) { errs++ })

			browser, base := dancetest.Dance(t, r, "/login/"+tc.name, dancetest.Want{Stored: "/claims"})
			resp := browser.Get(base + "/claims")
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			iss, nonce, _ := strings.Cut(string(b), " ")
			if iss != tc.issuer || nonce == "" {
				t.Errorf("verified claims: iss %q nonce %q, want iss %q and a nonce", iss, nonce, tc.issuer)
			}
			if errs != 0 {
				t.Errorf("the error hooks ran %d times", errs)
			}
			if n := len(fake.RequestsTo("/token")); n != 1 {
				t.Errorf("%d token requests, want 1", n)
			}
			jwks, _ := url.Parse(core.Inspect(bp).JWKSURL)
			if len(fake.RequestsTo(jwks.Path)) == 0 {
				t.Errorf("the key set (%s) was never fetched from the fake", jwks.Path)
			}
		})
	}
}
