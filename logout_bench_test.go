package dance_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// BenchmarkTokenLoadBackChannel measures what back-channel logout adds to
// a request that loads the user's token: off (the path "-", as for a
// blueprint that does not verify ID tokens), on with no logout received
// yet, and on after a logout of another user (the stored ID token's
// claims are then read on each load).
func BenchmarkTokenLoadBackChannel(b *testing.B) {
	p := dancetest.NewProvider(dancetest.Config{})
	defer p.Close()
	enc := base64.RawURLEncoding.EncodeToString
	tok := dancetest.Token("at-bench")
	tok.Extra = map[string]any{"id_token": enc([]byte(`{"alg":"ES256"}`)) + "." +
		enc([]byte(`{"iss":"`+p.Issuer()+`","sub":"583231","sid":"s1","iat":1700000000}`)) + ".sig"}
	for _, c := range []struct {
		name   string
		path   string
		logout bool
	}{{"off", "-", false}, {"on, no logout yet", "", false}, {"on, after a logout", "", true}} {
		b.Run(c.name, func(b *testing.B) {
			cfg := dance.OAuth2Config{Name: "oidc", ClientID: p.ClientID(), ClientSecret: p.ClientSecret(), Issuer: p.Issuer()}
			cfg.BackChannelLogoutPath = c.path
			bp, err := dance.NewOIDC(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))
			r := gin.New()
			r.Use(sessions.Sessions("s", store))
			bp.Register(r)
			r.Use(bp.Middleware())
			r.GET("/t", func(c *gin.Context) {
				if t, err := apptest.Client(c, bp).Token(); err != nil || t == nil {
					c.Status(500)
				}
			})
			if c.logout {
				app := httptest.NewServer(r)
				defer app.Close()
				resp, err := p.BackChannelLogout(app.URL+"/oidc/backchannel-logout", p.LogoutToken(map[string]any{"sub": "someone-else", "sid": nil}))
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("logout: %v %v", resp, err)
				}
				resp.Body.Close()
			}
			ck := dancetest.SessionCookie(b, store, "s", bp, tok)
			req := httptest.NewRequest(http.MethodGet, "/t", nil)
			req.AddCookie(ck)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				w := httptest.NewRecorder()
				r.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
