package devprovider_test

import (
	"encoding/json"
	"github.com/gin-dance/dance/internal/presets/constructors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-gonic/gin"
)

// app builds a blueprint with build, given Options with hooks (and an
// error hook that logs, when hooks has none), and serves it in a Gin app
// with routes that use its client: /profile, /expire, /revoke and /api.
func app(t *testing.T, hooks dance.Hooks, build func(dance.Options) (*dance.Blueprint, error)) (*dance.Blueprint, *httptest.Server) {
	t.Helper()
	if hooks.OnError == nil {
		hooks.OnError = func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { t.Logf("dance error: %v", e) }
	}
	bp, err := build(dance.Options{Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r)
	r.Use(bp.Middleware())
	client := func(c *gin.Context) *dance.Client { return c.MustGet(bp.Name()).(*dance.Client) }
	r.GET("/profile", func(c *gin.Context) {
		p, err := client(c).Profile()
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		c.JSON(http.StatusOK, p)
	})
	r.GET("/expire", func(c *gin.Context) {
		cl := client(c)
		if tok, err := cl.Token(); err == nil && tok != nil {
			tok.ExpiresAt = time.Now().Add(-time.Hour)
			_ = cl.SetToken(tok)
		}
	})
	r.GET("/revoke", func(c *gin.Context) {
		if err := client(c).Revoke(); err != nil {
			c.String(http.StatusBadGateway, err.Error())
		}
	})
	r.GET("/api", func(c *gin.Context) {
		req, err := client(c).NewRequest(http.MethodGet, c.Query("ref"), nil)
		if err != nil {
			c.String(http.StatusBadRequest, err.Error())
			return
		}
		resp, err := client(c).Do(req)
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		defer resp.Body.Close()
		c.DataFromReader(resp.StatusCode, resp.ContentLength, resp.Header.Get("Content-Type"), resp.Body, nil)
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return bp, srv
}

// TestDevProviderProfileEveryPreset: for every preset with an identity
// API, a dance through the development provider's sign-in page, picking
// the second persona, gives a Client.Profile() that is that persona.
func TestDevProviderProfileEveryPreset(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	who := devprovider.DefaultPersonas[1]
	tested := 0
	for _, d := range presets.All {
		if d.OAuth1 || d.Profile == nil {
			continue
		}
		ctor := constructors.ByConfig[d.Config]
		if ctor == nil {
			t.Errorf("presets.All has %s, which this test's constructors lack", d.Config)
			continue
		}
		name := d.Name
		t.Run(name, func(t *testing.T) {
			bp, srv := app(t, dance.Hooks{}, func(o dance.Options) (*dance.Blueprint, error) {
				return build(ctor, o, dev)
			})
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
			case d.Profile.Email:
				wantLogin = who.Email // HubSpot's user
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
	for _, d := range presets.All {
		if d.Profile != nil && !d.OAuth1 { // OAuth 1's (Tumblr's) have their own test
			want++
		}
	}
	if tested != want || tested < 20 {
		t.Fatalf("%d presets tested, of %d with an identity API", tested, want)
	}
}

// build builds the preset ctor in development mode at dev, with
// placeholder credentials (an OAuth 2 preset's client ID and secret, or an
// OAuth 1 preset's key and secret) and the options o.
func build(ctor any, o dance.Options, dev *contrib.DevProvider) (*dance.Blueprint, error) {
	fv := reflect.ValueOf(ctor)
	cfg := reflect.New(fv.Type().In(0)).Elem()
	for _, f := range []string{"ClientID", "ClientSecret", "AppKey", "AppSecret", "Key", "Secret", "APIKey", "APISecret", "ConsumerKey", "ConsumerSecret"} {
		if v := cfg.FieldByName(f); v.IsValid() {
			v.SetString("dev-" + f)
		}
	}
	cfg.FieldByName("Options").Set(reflect.ValueOf(o))
	cfg.FieldByName("Dev").Set(reflect.ValueOf(dev))
	out := fv.Call([]reflect.Value{cfg})
	bp, _ := out[0].Interface().(*dance.Blueprint)
	err, _ := out[1].Interface().(error)
	return bp, err
}

// TestDevProviderDenyAndFixedClient: Deny on the sign-in page sends the
// user back with access_denied and stores nothing; with fixed credentials,
// another client ID is refused at the authorize endpoint.
func TestDevProviderDenyAndFixedClient(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{ClientID: "dev-app", ClientSecret: "dev-secret"})
	bp, srv := app(t, dance.Hooks{}, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.GitHub(contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}, Options: o})
	})
	b := dancetest.NewBrowser(t)
	b.SignInAs(srv.URL+bp.LoginURL(), "")
	if resp := b.Get(srv.URL + "/profile"); resp.StatusCode == http.StatusOK {
		t.Error("a token was stored after Deny")
	}
	if resp := b.SignInAs(srv.URL+bp.LoginURL(), "alice"); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance with the fixed credentials answered %d", resp.StatusCode)
	}
	otherDev := &contrib.DevProvider{URL: dev.URL, ClientID: "someone-else", ClientSecret: "x"}
	other, srv2 := app(t, dance.Hooks{}, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.GitHub(contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: otherDev}, Options: o})
	})
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
		build func(dance.Options) (*dance.Blueprint, error)
	}{
		{"strava", func(o dance.Options) (*dance.Blueprint, error) {
			return contrib.Strava(contrib.StravaConfig{Endpoints: ep, Options: o})
		}},
		{"github", func(o dance.Options) (*dance.Blueprint, error) {
			return contrib.GitHub(contrib.GitHubConfig{Endpoints: ep, Options: o})
		}},
		{"google", func(o dance.Options) (*dance.Blueprint, error) {
			return contrib.Google(contrib.GoogleConfig{Endpoints: ep, Options: o})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var refreshed atomic.Int32
			bp, srv := app(t, dance.Hooks{
				OnTokenRefreshed: func(_ *gin.Context, _ *dance.Blueprint, old, tok *dance.Token) {
					if tok.RefreshToken != "" && tok.RefreshToken != old.RefreshToken {
						refreshed.Add(1)
					}
				},
			}, tc.build)
			b := dancetest.NewBrowser(t)
			if resp := b.SignInAs(srv.URL+bp.LoginURL(), "alice"); resp.StatusCode != http.StatusFound {
				t.Fatalf("callback: %d", resp.StatusCode)
			}
			if tc.name == "strava" {
				b.Get(srv.URL + "/expire").Body.Close()
				if resp := b.Get(srv.URL + "/profile"); resp.StatusCode != http.StatusOK || refreshed.Load() != 1 {
					t.Fatalf("after expiry: profile %d, %d rotated refreshes (want 200, 1)", resp.StatusCode, refreshed.Load())
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
