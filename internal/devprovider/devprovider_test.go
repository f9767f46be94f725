package devprovider_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-gonic/gin"
)

// app is a Gin app with one preset blueprint and a /profile route.
func app(t *testing.T, bp *dance.Blueprint) *httptest.Server {
	bp.Hooks().OnError(func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { t.Logf("dance error: %v", e) })
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r)
	r.GET("/profile", func(c *gin.Context) {
		p, err := bp.Client(c).Profile()
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		c.JSON(http.StatusOK, p)
	})
	r.GET("/expire", func(c *gin.Context) {
		cl := bp.Client(c)
		if tok, err := cl.Token(); err == nil && tok != nil {
			tok.ExpiresAt = time.Now().Add(-time.Hour)
			_ = cl.SetToken(tok)
		}
	})
	r.GET("/revoke", func(c *gin.Context) {
		if err := bp.Client(c).Revoke(); err != nil {
			c.String(http.StatusBadGateway, err.Error())
		}
	})
	r.GET("/api", func(c *gin.Context) {
		resp, err := bp.Client(c).Get(c.Query("ref"))
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		defer resp.Body.Close()
		c.DataFromReader(resp.StatusCode, resp.ContentLength, resp.Header.Get("Content-Type"), resp.Body, nil)
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// TestDevProviderProfileEveryPreset: for every preset with an identity
// API, a dance through the development provider's sign-in page, picking
// the second persona, gives a Client.Profile() that is that persona.
func TestDevProviderProfileEveryPreset(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	who := devprovider.DefaultPersonas[1]
	tested := 0
	for _, ctor := range presets.Constructors {
		bp, err := presets.Build(ctor, dance.Options{}, func(cfg reflect.Value) {
			credentials(cfg)
			cfg.FieldByName("Dev").Set(reflect.ValueOf(dev))
		})
		if err != nil {
			t.Fatalf("%T in development mode: %v", ctor, err)
		}
		name := bp.Name()
		d := describe(name)
		if d.OAuth1 || d.Profile == nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			srv := app(t, bp)
			b := dancetest.NewBrowser(t)
			if resp := b.SignInAs(srv.URL+bp.LoginURL(), who.Login); resp.StatusCode != http.StatusFound {
				t.Fatalf("callback answered %d", resp.StatusCode)
			}
			resp := b.Get(srv.URL + "/profile")
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("Profile: %d %s", resp.StatusCode, body)
			}
			var p dance.Profile
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			if p.ID != who.UserID() {
				t.Errorf("ID = %q, want %q", p.ID, who.UserID())
			}
			if (d.Profile.Name != "" || len(d.Profile.NameParts) > 0) && p.Name != who.Name {
				t.Errorf("Name = %q, want %q", p.Name, who.Name)
			}
			if d.Profile.Email != "" && p.Email != who.Email {
				t.Errorf("Email = %q, want %q", p.Email, who.Email)
			}
			wantLogin := who.Login
			switch d.Profile.Login { // one field for both
			case d.Profile.ID:
				wantLogin = who.UserID() // Spotify's id
			case d.Profile.Name:
				wantLogin = who.Name // OpenStreetMap's display_name
			}
			if d.Profile.Login != "" && p.Login != wantLogin {
				t.Errorf("Login = %q, want %q", p.Login, wantLogin)
			}
			if d.Profile.Verified != "" && (p.EmailVerified == nil || *p.EmailVerified != who.Verified) {
				t.Errorf("EmailVerified = %v, want %v", p.EmailVerified, who.Verified)
			}
		})
		tested++
	}
	want := 0
	for _, d := range core.DescribedPresets() {
		if d.Profile != nil {
			want++
		}
	}
	if tested != want || tested < 20 {
		t.Fatalf("%d presets tested, of %d with an identity API", tested, want)
	}
}

// credentials sets an OAuth 2 preset's client ID and secret, or an OAuth 1
// preset's key and secret.
func credentials(cfg reflect.Value) {
	for _, f := range []string{"ClientID", "ClientSecret", "AppKey", "AppSecret", "Key", "Secret", "APIKey", "APISecret", "ConsumerKey"} {
		if v := cfg.FieldByName(f); v.IsValid() {
			v.SetString("dev-" + f)
		}
	}
}

func describe(name string) core.Preset {
	for _, d := range core.DescribedPresets() {
		if d.Name == name {
			return d
		}
	}
	return core.Preset{}
}

// TestDevProviderDenyAndFixedClient: Deny on the sign-in page sends the
// user back with access_denied and stores nothing; with fixed credentials,
// another client ID is refused at the authorize endpoint.
func TestDevProviderDenyAndFixedClient(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{ClientID: "dev-app", ClientSecret: "dev-secret"})
	bp, err := contrib.GitHub(contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}})
	if err != nil {
		t.Fatal(err)
	}
	srv := app(t, bp)
	b := dancetest.NewBrowser(t)
	b.SignInAs(srv.URL+bp.LoginURL(), "")
	if resp := b.Get(srv.URL + "/profile"); resp.StatusCode == http.StatusOK {
		t.Error("a token was stored after Deny")
	}
	if resp := b.SignInAs(srv.URL+bp.LoginURL(), "alice"); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance with the fixed credentials answered %d", resp.StatusCode)
	}
	otherDev := &contrib.DevProvider{URL: dev.URL, ClientID: "someone-else", ClientSecret: "x"}
	other, err := contrib.GitHub(contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: otherDev}})
	if err != nil {
		t.Fatal(err)
	}
	srv2 := app(t, other)
	resp := b.Get(srv2.URL + other.LoginURL())
	resp.Body.Close()
	resp = b.Get(b.Location(resp).String())
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown client at the authorize endpoint: %d, want 400", resp.StatusCode)
	}
}

// TestDevProviderRefreshAndRevoke: through the development provider, an
// expired token of a refreshable preset (Strava) is refreshed, with a
// rotated refresh token; GitHub's grant deletion and Google's RFC 7009
// revocation succeed, and the user is logged out.
func TestDevProviderRefreshAndRevoke(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	ep := contrib.Endpoints{Dev: dev}
	for _, tc := range []struct {
		name  string
		build func() (*dance.Blueprint, error)
	}{
		{"strava", func() (*dance.Blueprint, error) { return contrib.Strava(contrib.StravaConfig{Endpoints: ep}) }},
		{"github", func() (*dance.Blueprint, error) { return contrib.GitHub(contrib.GitHubConfig{Endpoints: ep}) }},
		{"google", func() (*dance.Blueprint, error) { return contrib.Google(contrib.GoogleConfig{Endpoints: ep}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bp, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			refreshed := 0
			bp.Hooks().OnTokenRefreshed(func(_ *gin.Context, _ *dance.Blueprint, old, tok *dance.Token) {
				if tok.RefreshToken != "" && tok.RefreshToken != old.RefreshToken {
					refreshed++
				}
			})
			srv := app(t, bp)
			b := dancetest.NewBrowser(t)
			if resp := b.SignInAs(srv.URL+bp.LoginURL(), "alice"); resp.StatusCode != http.StatusFound {
				t.Fatalf("callback: %d", resp.StatusCode)
			}
			if tc.name == "strava" {
				b.Get(srv.URL + "/expire").Body.Close()
				if resp := b.Get(srv.URL + "/profile"); resp.StatusCode != http.StatusOK || refreshed != 1 {
					t.Fatalf("after expiry: profile %d, %d rotated refreshes (want 200, 1)", resp.StatusCode, refreshed)
				}
				return
			}
			if resp := b.Get(srv.URL + "/revoke"); resp.StatusCode != http.StatusOK {
				body, _ := io.ReadAll(resp.Body)
				t.Fatalf("revoke: %d %s", resp.StatusCode, body)
			}
			if resp := b.Get(srv.URL + "/profile"); resp.StatusCode == http.StatusOK {
				t.Fatal("still logged in after revoking")
			}
		})
	}
}
