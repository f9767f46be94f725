package contrib_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

// oauth1App serves bp under /login, with handlers that call the API
// through the blueprint's client, and returns its URL.
func oauth1App(t *testing.T, bp *dance.Blueprint, userPath string) string {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r.Group("/login"))
	r.Use(bp.Middleware())
	r.GET("/me", func(c *gin.Context) {
		var user map[string]any
		if err := c.MustGet(bp.Name()).(*dance.Client).GetJSON(userPath, &user); err != nil {
			c.String(502, err.Error())
			return
		}
		c.JSON(200, user)
	})
	r.POST("/form", func(c *gin.Context) {
		cl := c.MustGet(bp.Name()).(*dance.Client)
		req, err := cl.NewRequest(http.MethodPost, "echo", strings.NewReader(url.Values{"a": {"b c"}}.Encode()))
		if err != nil {
			c.String(500, err.Error())
			return
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := cl.Do(req)
		if err != nil {
			c.String(502, err.Error())
			return
		}
		defer resp.Body.Close()
		var echo map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&echo)
		c.JSON(resp.StatusCode, echo)
	})
	app := httptest.NewServer(r)
	t.Cleanup(app.Close)
	return app.URL
}

// Acceptance 9: Twitter reads its credentials from the environment, and
// has Flask-Dance's endpoints: its calls, sent to a fake that checks the
// HMAC-SHA1 signatures with the environment's key and secret, go to
// api.twitter.com's.
func TestTwitterDefaults(t *testing.T) {
	p := dancetest.NewUnstartedOAuth1Provider(dancetest.OAuth1Config{ConsumerKey: "env-key", ConsumerSecret: "env-secret"})
	srv := httptest.NewTLSServer(p) // so that it checks signatures made for https://api.twitter.com
	defer srv.Close()
	t.Setenv("TWITTER_OAUTH_CLIENT_KEY", "env-key")
	t.Setenv("TWITTER_OAUTH_CLIENT_SECRET", "env-secret")
	o := observeAt(t, srv, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.Twitter(contrib.TwitterConfig{Options: o})
	})
	rt := p.RequestsTo(dancetest.OAuth1RequestToken)
	if len(rt) != 1 || !rt[0].Verified || rt[0].OAuth["oauth_consumer_key"] != "env-key" {
		t.Errorf("credentials not read from the environment: %+v", rt)
	}
	want := "https://api.twitter.com/oauth/request_token https://api.twitter.com/oauth/authorize https://api.twitter.com/oauth/access_token"
	if got := o.RequestToken.Endpoint() + " " + o.AuthURL() + " " + o.Token.Endpoint(); got != want {
		t.Errorf("endpoints = %s", got)
	}
	if o.BaseURL() != "https://api.twitter.com/1.1/" || o.Name != "twitter" {
		t.Errorf("base %s name %s", o.BaseURL(), o.Name)
	}
	if len(rt) == 1 && rt[0].OAuth["oauth_signature_method"] != "HMAC-SHA1" {
		t.Errorf("signature method %s", rt[0].OAuth["oauth_signature_method"])
	}
	t.Setenv("TWITTER_OAUTH_CLIENT_KEY", "")
	if _, err := contrib.Twitter(contrib.TwitterConfig{}); err == nil || !strings.Contains(err.Error(), "TWITTER_OAUTH_CLIENT_KEY") {
		t.Errorf("no key: err = %v", err)
	}
}

// Acceptance 9: the Twitter preset, with credentials from the environment,
// does a whole dance against the fake and calls verify_credentials.
func TestTwitterDanceAgainstFake(t *testing.T) {
	p := dancetest.NewOAuth1Provider(dancetest.OAuth1Config{})
	defer p.Close()
	t.Setenv("TWITTER_OAUTH_CLIENT_KEY", p.ConsumerKey())
	t.Setenv("TWITTER_OAUTH_CLIENT_SECRET", p.ConsumerSecret())
	bp, err := contrib.Twitter(contrib.TwitterConfig{
		OAuth1Endpoints: contrib.OAuth1Endpoints{
			RequestTokenURL: p.URL + "/oauth/request_token",
			AuthURL:         p.URL + "/oauth/authorize",
			AccessTokenURL:  p.URL + "/oauth/access_token",
		},
		Options: dance.Options{BaseURL: p.URL + "/1.1/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	app := oauth1App(t, bp, "account/verify_credentials.json")
	br := dancetest.NewBrowser(t)
	if resp := br.Dance(app + "/login/twitter"); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("dance ended with %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp := br.Get(app + "/me")
	defer resp.Body.Close()
	var user map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&user)
	if resp.StatusCode != 200 || user["screen_name"] != "twitterdev" {
		t.Fatalf("/me: %d %v", resp.StatusCode, user)
	}
	api := p.RequestsTo(dancetest.OAuth1API)
	if len(api) != 1 || !api[0].Verified || api[0].Path != "/1.1/account/verify_credentials.json" {
		t.Fatalf("API requests: %+v", api)
	}
}

// jiraDance builds the JIRA preset with the given RSA key against a fake
// that checks RSA-SHA1 with the matching public key, and does the dance.
func jiraDance(t *testing.T, rsaKey string, fromEnv bool) (*dancetest.OAuth1Provider, string, *dancetest.Browser) {
	t.Helper()
	_, key := dancetest.RSAKey()
	p := dancetest.NewOAuth1Provider(dancetest.OAuth1Config{RSAPublicKey: &key.PublicKey, User: map[string]any{"name": "jdoe", "displayName": "Jane Doe"}})
	t.Cleanup(p.Close)
	cfg := contrib.JIRAConfig{ConsumerKey: p.ConsumerKey(), RSAKey: rsaKey, Options: dance.Options{BaseURL: p.URL}}
	if fromEnv {
		t.Setenv("JIRA_OAUTH_CONSUMER_KEY", p.ConsumerKey())
		t.Setenv("JIRA_OAUTH_RSA_KEY", rsaKey)
		cfg.ConsumerKey, cfg.RSAKey = "", ""
	}
	bp, err := contrib.JIRA(cfg)
	if err != nil {
		t.Fatal(err)
	}
	app := oauth1App(t, bp, "rest/api/2/myself")
	br := dancetest.NewBrowser(t)
	if resp := br.Dance(app + "/login/jira"); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("dance ended with %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, ep := range []dancetest.OAuth1Endpoint{dancetest.OAuth1RequestToken, dancetest.OAuth1AccessToken} {
		reqs := p.RequestsTo(ep)
		if len(reqs) != 1 || !reqs[0].Verified || reqs[0].OAuth["oauth_signature_method"] != "RSA-SHA1" {
			t.Fatalf("%s: %+v", ep, reqs)
		}
		if !strings.HasPrefix(reqs[0].Path, "/plugins/servlet/oauth/") {
			t.Errorf("%s at %s", ep, reqs[0].Path)
		}
	}
	return p, app, br
}

// Acceptance 7 (JIRA) and 8: the key as text, as a path, and from the
// environment; API calls are RSA-signed and carry Content-Type:
// application/json unless they set their own.
func TestJIRA(t *testing.T) {
	pemText, _ := dancetest.RSAKey()
	path := filepath.Join(t.TempDir(), "jira.pem")
	if err := os.WriteFile(path, []byte(pemText), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		key     string
		fromEnv bool
	}{{"key as text", pemText, false}, {"key as path", path, false}, {"key from environment", path, true}} {
		t.Run(tc.name, func(t *testing.T) {
			p, app, br := jiraDance(t, tc.key, tc.fromEnv)
			resp := br.Get(app + "/me")
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("/me: %d", resp.StatusCode)
			}
			r, err := br.Post(app+"/form", "text/plain", nil)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != 200 {
				t.Fatalf("/form: %d", r.StatusCode)
			}
			api := p.RequestsTo(dancetest.OAuth1API)
			if len(api) != 2 {
				t.Fatalf("%d API requests, want 2", len(api))
			}
			if api[0].Path != "/rest/api/2/myself" || api[0].Header.Get("Content-Type") != "application/json" {
				t.Errorf("GET %s with Content-Type %q", api[0].Path, api[0].Header.Get("Content-Type"))
			}
			if ct := api[1].Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" || api[1].Form.Get("a") != "b c" {
				t.Errorf("a form POST was sent as %q, form %v", ct, api[1].Form)
			}
			for _, r := range api {
				if !r.Verified || r.OAuth["oauth_signature_method"] != "RSA-SHA1" {
					t.Errorf("%s %s: verified %v (%s)", r.Method, r.Path, r.Verified, r.Problem)
				}
			}
		})
	}
}

// Acceptance 8: a missing base URL, and an unreadable or invalid key, are
// clear construction errors that quote no key.
func TestJIRAConfigErrors(t *testing.T) {
	pemText, _ := dancetest.RSAKey()
	t.Setenv("JIRA_OAUTH_RSA_KEY", "")
	base := dance.Options{BaseURL: "https://jira.example.com"}
	for _, tc := range []struct {
		name, want string
		cfg        contrib.JIRAConfig
	}{
		{"no base URL", "BaseURL", contrib.JIRAConfig{ConsumerKey: "k", RSAKey: pemText}},
		{"no key", "JIRA_OAUTH_RSA_KEY", contrib.JIRAConfig{ConsumerKey: "k", Options: base}},
		{"unreadable path", "no such file", contrib.JIRAConfig{ConsumerKey: "k", RSAKey: filepath.Join(t.TempDir(), "missing.pem"), Options: base}},
		{"invalid PEM", "invalid", contrib.JIRAConfig{ConsumerKey: "k", RSAKey: strings.Replace(pemText, "\n", "\nAAAA", 3), Options: base}},
		{"not a private key", "PEM block", contrib.JIRAConfig{ConsumerKey: "k", RSAKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", Options: base}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := contrib.JIRA(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), pemText[40:80]) || strings.Contains(err.Error(), "missing.pem") {
				t.Errorf("error quotes the key or its path: %v", err)
			}
		})
	}
	// Endpoints sit under the base URL, path prefix included.
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		o.BaseURL = "https://example.com/jira"
		return contrib.JIRA(contrib.JIRAConfig{ConsumerKey: "k", RSAKey: pemText, Options: o})
	})
	if o.RequestToken.Endpoint() != "https://example.com/jira/plugins/servlet/oauth/request-token" ||
		o.AuthURL() != "https://example.com/jira/plugins/servlet/oauth/authorize" ||
		o.Token.Endpoint() != "https://example.com/jira/plugins/servlet/oauth/access-token" ||
		o.BaseURL() != "https://example.com/jira/" {
		t.Errorf("endpoints %s %s %s, base %s", o.RequestToken.Endpoint(), o.AuthURL(), o.Token.Endpoint(), o.BaseURL())
	}
}
