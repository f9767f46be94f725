package dancetest_test

import (
	"context"
	"fmt"
	"github.com/gin-dance/dance/internal/presets/constructors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/presets"
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
			var errs atomic.Int32
			reflect.ValueOf(tc.cfg).Elem().FieldByName("Hooks").Set(reflect.ValueOf(dance.Hooks{
				OnError: func(*gin.Context, *dance.Blueprint, *dance.Error) { errs.Add(1) },
			}))
			if err := fake.Configure(tc.cfg); err != nil {
				t.Fatal(err)
			}
			bp, err := tc.build(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			r := gin.New()
			r.Use(sessions.Sessions("session", store))
			bp.Register(r.Group("/login"))
			r.GET("/me", bp.Required(), func(c *gin.Context) { c.Status(http.StatusNoContent) })
			r.GET("/claims", bp.Required(), func(c *gin.Context) {
				claims, err := c.MustGet(bp.Name()).(*dance.Client).Claims()
				if err != nil || claims == nil {
					c.String(http.StatusInternalServerError, "no verified claims: %v", err)
					return
				}
				c.String(http.StatusOK, "%v %v", claims["iss"], claims["nonce"])
			})

			browser, base := dancetest.Dance(t, r, "/login/"+tc.name, dancetest.Want{Stored: "/me"})
			resp := browser.Get(base + "/claims")
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s does not verify ID tokens with scope %v: %s", tc.name, openid, b)
			}
			iss, nonce, _ := strings.Cut(string(b), " ")
			if iss != tc.issuer || nonce == "" {
				t.Errorf("verified claims: iss %q nonce %q, want iss %q and a nonce", iss, nonce, tc.issuer)
			}
			if n := errs.Load(); n != 0 {
				t.Errorf("the error hooks ran %d times", n)
			}
			if n := len(fake.RequestsTo("/token")); n != 1 {
				t.Errorf("%d token requests, want 1", n)
			}
			jwks, _ := url.Parse(presets.ByName(tc.name).JWKSURL)
			if len(fake.RequestsTo(jwks.Path)) == 0 {
				t.Errorf("the key set (%s) was never fetched from the fake", jwks.Path)
			}
		})
	}
}

// Acceptance (issue 27): every OAuth 2 preset with a profile mapping,
// pointed at the fake by Configure alone, gets the fake's user from
// Client.Profile after a whole dance: the fake answers the preset's
// identity endpoint, at the path the blueprint calls and in the
// provider's shape. Without personas the user is Config.User's; with
// them, the persona signed in as.
func TestConfigureServesEveryPresetProfile(t *testing.T) {
	gin.SetMode(gin.TestMode)
	noNetwork(t)
	user := dancetest.Persona{ID: "4242", Login: "hubot", Name: "Hu Bot", Email: "hubot@example.com"}
	persona := dancetest.Persona{ID: "1002", Login: "bob", Name: "Bob Builder", Email: "bob@example.org", Verified: true}
	tested := 0
	for _, desc := range presets.All {
		ctor := constructors.ByConfig[desc.Config]
		if ctor == nil {
			t.Errorf("presets.All has %s, which this test's constructors lack", desc.Config)
			continue
		}
		// Presets that Configure cannot point at the fake (OAuth 1: the
		// fake is dancetest.NewOAuth1Provider) or that have no profile
		// mapping.
		switch {
		case desc.OAuth1:
			t.Logf("%s: not tested (OAuth 1)", desc.Name)
			continue
		case desc.Profile == nil:
			t.Logf("%s: not tested (no profile mapping)", desc.Name)
			continue
		}
		fv := reflect.ValueOf(ctor)
		name := desc.Name
		tested++
		for _, withPersonas := range []bool{false, true} {
			who, sub := user, name+"/user"
			fc := dancetest.Config{User: map[string]any{"id": 4242, "login": "hubot", "name": "Hu Bot", "email": "hubot@example.com"}}
			if withPersonas {
				who, sub = persona, name+"/persona"
				fc.Personas = []dancetest.Persona{user, persona}
			}
			t.Run(sub, func(t *testing.T) {
				fake := dancetest.NewProvider(fc)
				t.Cleanup(fake.Close)
				cfg := reflect.New(fv.Type().In(0))
				if err := fake.Configure(cfg.Interface()); err != nil {
					t.Fatal(err)
				}
				out := fv.Call([]reflect.Value{cfg.Elem()})
				if err, _ := out[1].Interface().(error); err != nil {
					t.Fatal(err)
				}
				bp := out[0].Interface().(*dance.Blueprint)
				r := gin.New()
				r.Use(sessions.Sessions("session", store))
				bp.Register(r.Group("/login"))
				r.GET("/profile", bp.Middleware(), func(c *gin.Context) {
					p, err := c.MustGet(bp.Name()).(*dance.Client).Profile()
					if err != nil {
						c.String(http.StatusBadGateway, "Profile: %v", err)
						return
					}
					c.String(http.StatusOK, "%s|%s", p.ID, p.Name)
				})
				srv := httptest.NewServer(r)
				t.Cleanup(srv.Close)
				b := dancetest.NewBrowser(t)
				var resp *http.Response
				if withPersonas {
					resp = b.SignInAs(srv.URL+"/login/"+name, who.Login)
				} else {
					resp = b.Dance(srv.URL + "/login/" + name)
				}
				if resp.StatusCode != http.StatusFound {
					t.Fatalf("the callback answered %d", resp.StatusCode)
				}
				resp = b.Get(srv.URL + "/profile")
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				id, gotName, _ := strings.Cut(string(body), "|")
				if resp.StatusCode != http.StatusOK || id != who.ID {
					t.Fatalf("/profile: %d %q, want the ID %q", resp.StatusCode, body, who.ID)
				}
				// /user answers Config.User as it is, GitHub's shape:
				// Gitea's /user names the user full_name.
				if (desc.Profile.Name != "" || len(desc.Profile.NameParts) > 0) && sub != "gitea/user" && gotName != who.Name { // a mapping that reads a name
					t.Errorf("Profile.Name = %q, want %q", gotName, who.Name)
				}
			})
		}
	}
	if tested < 20 {
		t.Fatalf("%d presets tested; contrib has more", tested)
	}
}

// What Configure's identity endpoint leaves to the test: a path that
// Config.Paths sets answers as the test said, /user answers Config.User
// as it is (extra fields, a numeric id) to a token without a persona, and
// a ProfileURL in the Config moves the endpoint.
func TestConfigureIdentityKeepsTheTestsAnswers(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for _, tc := range []struct {
		name  string
		fake  dancetest.Config
		cfg   any
		build func(any) (*dance.Blueprint, error)
		ref   string // what /raw fetches
		want  string // in /raw's body
		id    string // Profile's ID
	}{
		{"paths win", dancetest.Config{Paths: map[string]any{"/oauth2/v2/userinfo": `{"id":"from-paths","name":"Paths"}`}},
			&contrib.GoogleConfig{}, func(c any) (*dance.Blueprint, error) { return contrib.Google(*c.(*contrib.GoogleConfig)) },
			"oauth2/v2/userinfo", `"from-paths"`, "from-paths"},
		{"user as is", dancetest.Config{User: map[string]any{"id": 7, "login": "hubot", "plan": "pro"}},
			&contrib.GitHubConfig{}, func(c any) (*dance.Blueprint, error) { return contrib.GitHub(*c.(*contrib.GitHubConfig)) },
			"user", `"id":7,"login":"hubot","plan":"pro"`, "7"},
		{"profile URL", dancetest.Config{User: map[string]any{"id": "g-1", "name": "Moved"}},
			&contrib.GoogleConfig{Endpoints: contrib.Endpoints{ProfileURL: "v9/whoami"}}, func(c any) (*dance.Blueprint, error) { return contrib.Google(*c.(*contrib.GoogleConfig)) },
			"v9/whoami", `"verified_email":false`, "g-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := dancetest.NewProvider(tc.fake)
			t.Cleanup(fake.Close)
			if err := fake.Configure(tc.cfg); err != nil {
				t.Fatal(err)
			}
			bp, err := tc.build(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			r := gin.New()
			r.Use(sessions.Sessions("session", store))
			bp.Register(r.Group("/login"))
			r.Use(bp.Middleware())
			r.GET("/raw", func(c *gin.Context) {
				cl := c.MustGet(bp.Name()).(*dance.Client)
				req, err := cl.NewRequest(http.MethodGet, tc.ref, nil)
				if err != nil {
					c.String(http.StatusInternalServerError, "%v", err)
					return
				}
				resp, err := cl.Do(req)
				if err != nil {
					c.String(http.StatusBadGateway, "%v", err)
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				c.String(resp.StatusCode, "%s", b)
			})
			r.GET("/id", func(c *gin.Context) {
				p, err := c.MustGet(bp.Name()).(*dance.Client).Profile()
				if err != nil {
					c.String(http.StatusBadGateway, "%v", err)
					return
				}
				c.String(http.StatusOK, "%s", p.ID)
			})
			browser, base := dancetest.Dance(t, r, "/login/"+bp.Name(), dancetest.Want{})
			for path, want := range map[string]string{"/raw": tc.want, "/id": tc.id} {
				resp := browser.Get(base + path)
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
					t.Errorf("%s: %d %s, want %s", path, resp.StatusCode, b, want)
				}
			}
		})
	}
}
