package contrib_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-gonic/gin"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// appleApp serves an app with the Apple blueprint that build makes (given
// the app's hooks), its session cookie SameSite=Lax, and /profile.
func appleApp(t *testing.T, hooks dance.Hooks, build func(dance.Options) (*dance.Blueprint, error)) (*dance.Blueprint, string) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	bp, err := build(dance.Options{Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))
	store.Options(sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	r := gin.New()
	r.Use(sessions.Sessions("s", store))
	bp.Register(r.Group("/login"))
	r.GET("/profile", bp.Middleware(), func(c *gin.Context) {
		p, err := c.MustGet("apple").(*dance.Client).Profile()
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		c.JSON(http.StatusOK, p)
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return bp, srv.URL
}

// TestPresetAppleThroughDevProvider: Sign in with Apple through the
// development provider, with no key (development mode needs none): the
// answer is a form_post, relayed by the callback; the ID token is
// verified; the first answer's "user" reaches the authorized hook and the
// profile's name, a second login has none; the profile has the ID,
// e-mail and verification from the ID token.
func TestPresetAppleThroughDevProvider(t *testing.T) {
	dev := devprovider.Start(t, devprovider.Config{})
	var mu sync.Mutex
	var users []string
	hooks := dance.Hooks{OnAuthorized: func(_ *gin.Context, _ *dance.Blueprint, tok *dance.Token) (bool, error) {
		u, _ := tok.Extra["user"].(string)
		mu.Lock()
		users = append(users, u)
		mu.Unlock()
		return true, nil
	}}
	_, base := appleApp(t, hooks, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.Apple(contrib.AppleConfig{Endpoints: contrib.Endpoints{Dev: dev}, Options: o})
	})
	who := devprovider.DefaultPersonas[1]
	for i := range 2 {
		b := dancetest.NewBrowser(t)
		if resp := b.SignInAs(base+"/login/apple", who.Login); resp.StatusCode != http.StatusFound {
			t.Fatalf("login %d: the callback answered %d", i, resp.StatusCode)
		}
		resp := b.Get(base + "/profile")
		var p dance.Profile
		_ = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		wantName := who.Name
		if i == 1 {
			wantName = "" // Apple sends the name once
		}
		if resp.StatusCode != http.StatusOK || p.ID != who.UserID() || p.Email != who.Email || p.Name != wantName ||
			p.EmailVerified == nil || *p.EmailVerified != who.Verified {
			t.Fatalf("login %d: profile %d %+v", i, resp.StatusCode, p)
		}
	}
	if len(users) != 2 || !strings.Contains(users[0], `"firstName":"Bob"`) || users[1] != "" {
		t.Fatalf("the authorized hook saw users %q", users)
	}
}

// TestPresetAppleClientSecretSent: against a fake with Apple's endpoints,
// the login asks for response_mode=form_post and the scopes openid, name
// and email, and the token request carries the client_id and, as
// client_secret, a JWT signed with the app's key, in the form.
func TestPresetAppleClientSecretSent(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	text := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	fake := dancetest.NewProvider(dancetest.Config{AnyClient: true})
	t.Cleanup(fake.Close)
	bp, base := appleApp(t, dance.Hooks{}, func(o dance.Options) (*dance.Blueprint, error) {
		o.BaseURL = fake.URL + "/"
		return contrib.Apple(contrib.AppleConfig{
			ClientID: "com.example.web", TeamID: "TEAM123456", KeyID: "KEY1234567", PrivateKey: text,
			Scopes:    []string{"name", "email"}, // openid is added
			Endpoints: contrib.Endpoints{AuthURL: fake.URL + "/authorize", TokenURL: fake.URL + "/token"},
			Options:   o,
		})
	})
	b := dancetest.NewBrowser(t)
	resp := b.Get(base + bp.LoginURL())
	resp.Body.Close()
	q := b.Location(resp).Query()
	if q.Get("response_mode") != "form_post" || q.Get("scope") != "name email openid" || q.Get("nonce") == "" {
		t.Fatalf("authorization request %v", q)
	}
	b.Dance(base + bp.LoginURL()) // the token request; the fake's ID token's issuer is not Apple's
	reqs := fake.RequestsTo("/token")
	if len(reqs) == 0 {
		t.Fatal("no token request")
	}
	form := reqs[0].Form
	if form.Get("client_id") != "com.example.web" || reqs[0].ClientAuth() != "params" {
		t.Fatalf("token request: client auth %q, form %v", reqs[0].ClientAuth(), form)
	}
	tok, err := jwt.ParseSigned(form.Get("client_secret"), []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatalf("client_secret is not a JWT: %v", err)
	}
	var c jwt.Claims
	if err := tok.Claims(&key.PublicKey, &c); err != nil || c.Issuer != "TEAM123456" || c.Subject != "com.example.web" {
		t.Fatalf("client_secret claims %+v, %v", c, err)
	}
}
