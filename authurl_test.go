package dance

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// authURLCase is a configuration whose authorization URL the template
// must write exactly as x/oauth2 does.
type authURLCase struct {
	name string
	cfg  OAuth2Config
}

func authURLCases() []authURLCase {
	base := func(mod func(*OAuth2Config)) OAuth2Config {
		c := OAuth2Config{Name: "x", ClientID: "id", AuthURL: "https://p.example/authorize", TokenURL: "https://p.example/token"}
		mod(&c)
		return c
	}
	return []authURLCase{
		{"plain", base(func(*OAuth2Config) {})},
		{"scopes", base(func(c *OAuth2Config) { c.Scopes = []string{"read:user", "user:email"} })},
		{"no PKCE", base(func(c *OAuth2Config) { c.DisablePKCE = true })},
		{"OpenID", base(func(c *OAuth2Config) { c.Scopes = []string{"openid", "email"} })},
		{"OpenID without PKCE", base(func(c *OAuth2Config) { c.Scopes = []string{"openid"}; c.DisablePKCE = true })},
		{"params", base(func(c *OAuth2Config) {
			c.AuthParams = map[string]string{"access_type": "offline", "prompt": "select_account consent", "zz": "ü&=#?", "a b": "/"}
		})},
		{"query in AuthURL", base(func(c *OAuth2Config) { c.AuthURL = "https://p.example/authorize?tenant=t&x=%2F" })},
		{"odd client ID", base(func(c *OAuth2Config) { c.ClientID = "id with space&state=evil" })},
		{"a parameter named state", base(func(c *OAuth2Config) { c.AuthParams = map[string]string{"statex": "1", "nonce0": "2"} })},
		// A parameter that holds a hole's stand-in: no template, and
		// x/oauth2 writes the URL.
		{"stand-in in a parameter", base(func(c *OAuth2Config) { c.AuthParams = map[string]string{"p": authHoles[holeState]} })},
		{"stand-in in the client ID", base(func(c *OAuth2Config) { c.ClientID = authHoles[holeChallenge] })},
	}
}

// TestAuthTemplateMatchesOAuth2 checks that every login URL is the one
// that x/oauth2's AuthCodeURL writes for the same values, byte for byte,
// with the template and without it.
func TestAuthTemplateMatchesOAuth2(t *testing.T) {
	for _, tc := range authURLCases() {
		t.Run(tc.name, func(t *testing.T) {
			bp, err := NewOAuth2(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			f := bp.proto.(*oauth2Flow)
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest(http.MethodGet, "https://app.example/login/x", nil)
			fallback := strings.HasPrefix(tc.name, "stand-in")
			if rc := f.config(c, bp); (rc.auth == nil) != fallback {
				t.Fatalf("template made: %v, want %v", rc.auth != nil, !fallback)
			}
			for range 3 {
				got, fl, challenge := loginURLAsOAuth2(t, c, bp)
				q := mustQuery(t, got)
				if q.Get("state") != fl.State || q.Get("code_challenge") != challenge || q.Get("nonce") != fl.Nonce {
					t.Fatalf("login URL %s does not carry the flow's values %+v", got, fl)
				}
				if f.pkce && q.Get("code_challenge_method") != "S256" {
					t.Fatalf("login URL %s: no S256 method", got)
				}
			}
		})
	}
}

// TestDerivedStateAndNonce checks the state and nonce made from the PKCE
// verifier: distinct from each other, from the verifier and from the S256
// challenge, and different for every login.
func TestDerivedStateAndNonce(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		fl := &flow{Verifier: newState()}
		deriveFromVerifier(fl, true)
		vals := []string{fl.Verifier, fl.State, fl.Nonce, s256Challenge(fl.Verifier)}
		for _, v := range vals {
			if len(v) != 43 || strings.ContainsAny(v, "+/=") {
				t.Fatalf("value %q is not 32 bytes of base64url", v)
			}
			if seen[v] {
				t.Fatalf("value %q made twice (flow %+v)", v, fl)
			}
			seen[v] = true
		}
	}
}

// loginURLAsOAuth2 starts a login of bp and checks that its URL is the
// one x/oauth2's AuthCodeURL writes for the flow's values; it returns the
// URL, the flow and the PKCE challenge ("" without PKCE).
func loginURLAsOAuth2(t *testing.T, c *gin.Context, bp *Blueprint) (string, *flow, string) {
	t.Helper()
	f := bp.proto.(*oauth2Flow)
	fl := &flow{}
	got, fail := f.begin(c, bp, fl)
	if fail != nil {
		t.Fatal(fail.err)
	}
	challenge := ""
	if f.pkce {
		challenge = s256Challenge(fl.Verifier)
	}
	if want := f.config(c, bp).AuthCodeURL(fl.State, f.authOptions(challenge, fl.Nonce, false)...); got != want {
		t.Fatalf("login URL\n%s\nwant x/oauth2's\n%s", got, want)
	}
	return got, fl, challenge
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// FuzzAuthTemplate: for any client ID, scope and parameter, the login URL
// is the one that x/oauth2 writes.
func FuzzAuthTemplate(f *testing.F) {
	f.Add("id", "read:user", "prompt", "consent", false)
	f.Add("id&x", "openid email", "dance.state.hole", "dance.nonce.hole", true)
	f.Fuzz(func(t *testing.T, clientID, scope, key, value string, noPKCE bool) {
		if clientID == "" || key == "" {
			return
		}
		cfg := OAuth2Config{
			Name: "x", ClientID: clientID, AuthURL: "https://p.example/authorize", TokenURL: "https://p.example/token",
			Scopes: strings.Fields(scope), AuthParams: map[string]string{key: value}, DisablePKCE: noPKCE,
		}
		bp, err := NewOAuth2(cfg)
		if err != nil {
			return
		}
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "https://app.example/login/x", nil)
		loginURLAsOAuth2(t, c, bp)
	})
}

// TestAuthTemplateHostWithStandIn checks that a request whose Host holds
// a stand-in (a browser picks the Host header when no PublicURL is set)
// gets no template, and a login URL whose state is the flow's.
func TestAuthTemplateHostWithStandIn(t *testing.T) {
	bp, err := NewOAuth2(authURLCases()[0].cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{authHoles[holeState], authHoles[holeChallenge] + ":8080", "app.example"} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "http://"+host+"/login/x", nil)
		got, fl, _ := loginURLAsOAuth2(t, c, bp)
		if q := mustQuery(t, got); q.Get("state") != fl.State || !strings.Contains(q.Get("redirect_uri"), host) {
			t.Errorf("host %s: login URL %s", host, got)
		}
		if rc := bp.proto.(*oauth2Flow).config(c, bp); (rc.auth == nil) != strings.HasPrefix(host, "dance.") {
			t.Errorf("host %s: template made: %v", host, rc.auth != nil)
		}
	}
}
