package devprovider_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-gonic/gin"
)

// TestDevProviderDPoP: a DPoP blueprint against the development provider
// (with its nonce) gets a DPoP-bound token, calls the API with it, and
// refreshes it, every proof checked by the stand-in.
func TestDevProviderDPoP(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{DPoPNonce: true})
	var stored *dance.Token
	bp, srv := app(t, dance.Hooks{
		OnAuthorized: func(_ *gin.Context, _ *dance.Blueprint, tok *dance.Token) (bool, error) {
			stored = tok.Clone()
			return true, nil
		},
	}, func(o dance.Options) (*dance.Blueprint, error) {
		o.BaseURL = dev.URL + "/github/"
		return dance.NewOAuth2(dance.OAuth2Config{
			Name: "github", ClientID: "dev-id", ClientSecret: "dev-secret",
			AuthURL: "login/oauth/authorize", TokenURL: "login/oauth/access_token", RefreshURL: "login/oauth/access_token",
			DPoP: true, Options: o,
		})
	})
	b := dancetest.NewBrowser(t)
	if resp := b.SignInAs(srv.URL+bp.LoginURL(), "alice"); resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %d", resp.StatusCode)
	}
	if stored == nil || stored.TokenType != "DPoP" {
		t.Fatalf("token %+v, want a DPoP-bound one", stored)
	}
	for _, step := range []string{"call", "expire", "call after refresh"} {
		if step == "expire" {
			b.Get(srv.URL + "/expire").Body.Close()
			continue
		}
		resp := b.Get(srv.URL + "/api?ref=user")
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", step, resp.StatusCode, body)
		}
	}
}
