package oauth2x

import (
	"crypto/rand"
	"encoding/base64"
	"maps"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// authURLCase is a configuration whose authorization URL the template
// must write exactly as x/oauth2 does.
type authURLCase struct {
	name         string
	cfg          oauth2.Config
	params       map[string]string
	pkce, openid bool
}

func authURLCases() []authURLCase {
	base := func(name string, mod func(*authURLCase)) authURLCase {
		c := authURLCase{name: name, pkce: true, cfg: oauth2.Config{
			ClientID: "id", RedirectURL: "https://app.example/login/x/authorized",
			Endpoint: oauth2.Endpoint{AuthURL: "https://p.example/authorize", TokenURL: "https://p.example/token"},
		}}
		mod(&c)
		return c
	}
	return []authURLCase{
		base("plain", func(*authURLCase) {}),
		base("scopes", func(c *authURLCase) { c.cfg.Scopes = []string{"read:user", "user:email"} }),
		base("no PKCE", func(c *authURLCase) { c.pkce = false }),
		base("OpenID", func(c *authURLCase) { c.cfg.Scopes = []string{"openid", "email"}; c.openid = true }),
		base("OpenID without PKCE", func(c *authURLCase) { c.openid, c.pkce = true, false }),
		base("params", func(c *authURLCase) {
			c.params = map[string]string{"access_type": "offline", "prompt": "select_account consent", "zz": "ü&=#?", "a b": "/"}
		}),
		base("query in AuthURL", func(c *authURLCase) { c.cfg.Endpoint.AuthURL = "https://p.example/authorize?tenant=t&x=%2F" }),
		base("odd client ID", func(c *authURLCase) { c.cfg.ClientID = "id with space&state=evil" }),
		base("a parameter named state", func(c *authURLCase) { c.params = map[string]string{"statex": "1", "nonce0": "2"} }),
		base("redirect URL with a stand-in host", func(c *authURLCase) {
			c.cfg.RedirectURL = "http://" + authHoles[holeState] + "/login/x/authorized"
		}),
		// A parameter that holds a hole's stand-in: no template, and
		// x/oauth2 writes the URL.
		base("stand-in in a parameter", func(c *authURLCase) { c.params = map[string]string{"p": authHoles[holeState]} }),
		base("stand-in in the client ID", func(c *authURLCase) { c.cfg.ClientID = authHoles[holeChallenge] }),
	}
}

// options are the configured parameters as x/oauth2 options, sorted.
func options(params map[string]string) []oauth2.AuthCodeOption {
	var opts []oauth2.AuthCodeOption
	for _, k := range slices.Sorted(maps.Keys(params)) {
		opts = append(opts, oauth2.SetAuthURLParam(k, params[k]))
	}
	return opts
}

// random is a login value as dance makes them: 32 bytes, base64url.
func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkAgainstOAuth2 fills the template of tc (when one is made) with
// fresh values and compares it with x/oauth2's AuthCodeURL, byte for byte.
// It reports whether a template was made.
func checkAgainstOAuth2(t *testing.T, tc authURLCase) bool {
	t.Helper()
	params := options(tc.params)
	tmpl := NewTemplate(&tc.cfg, params, tc.pkce, tc.openid)
	if tmpl == nil {
		return false
	}
	for range 3 {
		state, challenge, nonce := random(), "", ""
		if tc.pkce {
			challenge = random()
		}
		if tc.openid {
			nonce = random()
		}
		got := tmpl.Fill(state, challenge, nonce)
		if want := tc.cfg.AuthCodeURL(state, AuthOptions(params, challenge, nonce)...); got != want {
			t.Fatalf("login URL\n%s\nwant x/oauth2's\n%s", got, want)
		}
	}
	return true
}

// TestAuthTemplateMatchesOAuth2 checks that every login URL written from
// a template is the one that x/oauth2's AuthCodeURL writes for the same
// values, byte for byte, and that no template is made where a stand-in
// could be taken for a value.
func TestAuthTemplateMatchesOAuth2(t *testing.T) {
	for _, tc := range authURLCases() {
		t.Run(tc.name, func(t *testing.T) {
			made := checkAgainstOAuth2(t, tc)
			noTemplate := strings.HasPrefix(tc.name, "stand-in") || strings.Contains(tc.name, "stand-in host")
			if made == noTemplate {
				t.Fatalf("template made: %v, want %v", made, !noTemplate)
			}
		})
	}
}

// FuzzAuthTemplate: for any client ID, redirect URL, scope and parameter,
// a template writes the URL that x/oauth2 writes.
func FuzzAuthTemplate(f *testing.F) {
	f.Add("id", "https://app.example/cb", "read:user", "prompt", "consent", false)
	f.Add("id&x", "http://dance.state.hole/cb", "openid email", "dance.state.hole", "dance.nonce.hole", true)
	f.Fuzz(func(t *testing.T, clientID, redirectURL, scope, key, value string, noPKCE bool) {
		scopes := strings.Fields(scope)
		tc := authURLCase{
			cfg: oauth2.Config{
				ClientID: clientID, RedirectURL: redirectURL, Scopes: scopes,
				Endpoint: oauth2.Endpoint{AuthURL: "https://p.example/authorize"},
			},
			params: map[string]string{key: value},
			pkce:   !noPKCE, openid: slices.Contains(scopes, "openid"),
		}
		checkAgainstOAuth2(t, tc)
	})
}
