package devprovider_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-gonic/gin"
)

// TestDevProviderLogout: an app built with dance.NewOIDC against a stand-in
// (Google's, by discovery) logs out through the stand-in's end-session
// endpoint and comes back; and a visit to the end-session endpoint (a
// logout "elsewhere") sends a back-channel logout that logs the app's
// user out.
func TestDevProviderLogout(t *testing.T) {
	appSrv, provSrv := httptest.NewServer(nil), httptest.NewServer(nil)
	t.Cleanup(appSrv.Close)
	t.Cleanup(provSrv.Close)
	dp, err := devprovider.New(devprovider.Config{URL: provSrv.URL, BackChannelLogoutURL: appSrv.URL + "/{name}/backchannel-logout"})
	if err != nil {
		t.Fatal(err)
	}
	provSrv.Config.Handler = dp
	bp, err := dance.NewOIDC(context.Background(), dance.OAuth2Config{
		Name: "google", ClientID: "dev-client", ClientSecret: "dev-secret", Issuer: provSrv.URL + "/google",
	})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r)
	r.GET("/private", bp.Required(), func(c *gin.Context) { c.String(200, "in") })
	appSrv.Config.Handler = r
	status := func(b *dancetest.Browser, u string) int {
		resp := b.Get(u)
		resp.Body.Close()
		return resp.StatusCode
	}

	b := dancetest.NewBrowser(t)
	b.SignInAs(appSrv.URL+"/google", "alice")
	if s := status(b, appSrv.URL+"/private"); s != http.StatusOK {
		t.Fatalf("after sign-in: /private = %d", s)
	}
	resp := b.Logout(appSrv.URL+bp.LogoutURL(), "/bye")
	resp.Body.Close()
	end := b.Location(resp)
	if end.Path != "/google/end_session" {
		t.Fatalf("logout sent the browser to %s, want the stand-in's end-session endpoint", end.Path)
	}
	resp = b.Get(end.String())
	resp.Body.Close()
	back := b.Location(resp)
	resp = b.Get(back.String())
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/bye" {
		t.Fatalf("the way back = %d to %q, want 302 to /bye", resp.StatusCode, resp.Header.Get("Location"))
	}

	b.SignInAs(appSrv.URL+"/google", "bob")
	if s := status(b, appSrv.URL+"/private"); s != http.StatusOK {
		t.Fatalf("after the second sign-in: /private = %d", s)
	}
	elsewhere := dancetest.NewBrowser(t) // the user logs out at the provider, in another tab
	if s := status(elsewhere, provSrv.URL+"/google/end_session"); s != http.StatusOK {
		t.Fatalf("end-session page = %d", s)
	}
	if s := status(b, appSrv.URL+"/private"); s != http.StatusFound {
		t.Fatalf("after the back-channel logout: /private = %d, want 302 to login", s)
	}
}
