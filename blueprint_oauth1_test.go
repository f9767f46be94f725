package dance_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// newOAuth1Harness is newHarness for OAuth 1: an app with one blueprint
// named "twitter" against a fake OAuth 1 provider.
func newOAuth1Harness(t *testing.T, pcfg dancetest.OAuth1Config, edit func(*dance.OAuth1Config)) *harness {
	t.Helper()
	h := newBareHarness(t, "twitter")
	h.P1 = dancetest.NewOAuth1Provider(pcfg)
	t.Cleanup(h.P1.Close)
	cfg := h.P1.OAuth1Config("twitter")
	h.Options(&cfg.Options)
	if edit != nil {
		edit(&cfg)
	}
	bp, err := dance.NewOAuth1(cfg)
	if err != nil {
		t.Fatalf("NewOAuth1: %v", err)
	}
	h.Serve(bp, cfg.Storage)
	return h
}

func (h *harness) accessTokenPosts() int { return len(h.P1.RequestsTo(dancetest.OAuth1AccessToken)) }

// Acceptance 1.
func TestOAuth1LoginFetchesSignedRequestToken(t *testing.T) {
	h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
	auth := h.Login("/login/twitter")
	if got, want := auth.Scheme+"://"+auth.Host+auth.Path, h.P1.URL+"/oauth/authorize"; got != want {
		t.Fatalf("authorize URL = %s, want %s", got, want)
	}
	if auth.Query().Get("oauth_token") == "" {
		t.Fatal("authorize URL has no oauth_token")
	}
	reqs := h.P1.RequestsTo(dancetest.OAuth1RequestToken)
	if len(reqs) != 1 {
		t.Fatalf("%d request-token requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || !r.Verified {
		t.Fatalf("request-token request: %s, verified %v (%s)", r.Method, r.Verified, r.Problem)
	}
	if r.OAuth["oauth_consumer_key"] != h.P1.ConsumerKey() || r.OAuth["oauth_signature_method"] != "HMAC-SHA1" {
		t.Errorf("oauth params: key %q method %q", r.OAuth["oauth_consumer_key"], r.OAuth["oauth_signature_method"])
	}
	if got, want := r.OAuth["oauth_callback"], h.URL("/login/twitter/authorized"); got != want {
		t.Errorf("oauth_callback = %q, want %q", got, want)
	}
	if _, ok := r.OAuth["oauth_token"]; ok {
		t.Error("request-token request carries an oauth_token")
	}
}

// The fake provider really verifies: a wrong consumer secret makes the
// request-token signature invalid, and the login fails.
func TestOAuth1BadSignatureIsRejected(t *testing.T) {
	h := newOAuth1Harness(t, dancetest.OAuth1Config{}, func(c *dance.OAuth1Config) { c.ClientSecret = "not-the-secret" })
	resp, _ := h.Get(h.URL("/login/twitter"))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("got %d to %q, want 302 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	reqs := h.P1.RequestsTo(dancetest.OAuth1RequestToken)
	if len(reqs) != 1 || reqs[0].Verified || reqs[0].Problem != "signature_invalid" {
		t.Fatalf("provider saw %+v", reqs)
	}
	if errs := h.Errors(); len(errs) != 1 || errs[0].Code != "signature_invalid" || errs[0].Status != 401 {
		t.Fatalf("error hooks got %v", errs)
	}
}

// Acceptance 2.
func TestOAuth1CallbackExchangesAndStores(t *testing.T) {
	h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
	callback := h.Approve(h.Login("/login/twitter"))
	if callback.Path != "/login/twitter/authorized" {
		t.Fatalf("callback path %q", callback.Path)
	}
	resp, body := h.Get(callback.String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d to %q (%s)", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	reqs := h.P1.RequestsTo(dancetest.OAuth1AccessToken)
	if len(reqs) != 1 {
		t.Fatalf("%d access-token requests, want 1", len(reqs))
	}
	r := reqs[0]
	// Verified means signed with the consumer secret and the request-token
	// secret that the login kept in the session.
	if r.Method != http.MethodPost || !r.Verified {
		t.Fatalf("access-token request: %s, verified %v (%s)", r.Method, r.Verified, r.Problem)
	}
	cq := callback.Query()
	if r.OAuth["oauth_token"] != cq.Get("oauth_token") || r.OAuth["oauth_verifier"] != cq.Get("oauth_verifier") {
		t.Errorf("access-token request has the wrong oauth_token or oauth_verifier")
	}
	tok := h.StoredToken()
	if tok["oauth_token"] == nil || tok["oauth_token_secret"] == nil || tok["oauth_token"] == cq.Get("oauth_token") {
		t.Errorf("stored token = %v", keys(tok))
	}
	if tok["user_id"] != "2244994945" || tok["screen_name"] != "twitterdev" {
		t.Errorf("extra fields not kept: %v", keys(tok))
	}
	if _, ok := tok["access_token"]; ok {
		t.Error("an OAuth 1 token has an access_token")
	}
	// Authorized is true with both fields present.
	if resp, body := h.Get(h.URL("/private")); resp.StatusCode != 200 || body != "secret page" {
		t.Fatalf("/private: %d %q", resp.StatusCode, body)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Acceptance 3.
func TestOAuth1RequestTokenFailure(t *testing.T) {
	h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
	h.P1.FailEndpoint(dancetest.OAuth1RequestToken, 401, "oauth_problem=nonce_used")
	resp, _ := h.Get(h.URL("/login/twitter?next=/after"))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/after" {
		t.Fatalf("got %d to %q, want 302 to /after", resp.StatusCode, resp.Header.Get("Location"))
	}
	errs := h.Errors()
	if len(errs) != 1 {
		t.Fatalf("%d error hook calls, want 1", len(errs))
	}
	e := errs[0]
	if !errors.Is(e, dance.ErrTokenExchange) || e.Stage != dance.StageLogin || e.Status != 401 || e.Code != "nonce_used" {
		t.Errorf("error = %+v", e)
	}
	mustContain(t, e.Error(), "401")
	mustContain(t, e.Error(), "oauth_problem=nonce_used")
	mustContain(t, e.Error(), "request-token")
	if h.StoredToken() != nil {
		t.Fatal("token stored")
	}
	// No flow was kept: a callback now is refused.
	if resp, _ := h.Get(h.URL("/login/twitter/authorized?oauth_token=x&oauth_verifier=y")); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("callback after a failed login: %d, want 403", resp.StatusCode)
	}
}

// Acceptance 4.
func TestOAuth1AccessTokenFailure(t *testing.T) {
	h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
	h.P1.FailEndpoint(dancetest.OAuth1AccessToken, 401, "oauth_problem=token_rejected&oauth_problem_advice=go+away")
	resp, _ := h.Get(h.Approve(h.Login("/login/twitter?next=/after")).String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/after" {
		t.Fatalf("got %d to %q, want 302 to /after", resp.StatusCode, resp.Header.Get("Location"))
	}
	errs := h.Errors()
	if len(errs) != 1 {
		t.Fatalf("%d error hook calls, want 1", len(errs))
	}
	e := errs[0]
	if !errors.Is(e, dance.ErrTokenExchange) || e.Stage != dance.StageToken || e.Status != 401 || e.Code != "token_rejected" {
		t.Errorf("error = %+v", e)
	}
	mustContain(t, e.Error(), "401")
	mustContain(t, e.Error(), "oauth_problem=token_rejected")
	mustContain(t, e.Error(), "access-token")
	if h.StoredToken() != nil {
		t.Fatal("token stored")
	}
}

// A long or binary error body is cut short and made printable.
func TestOAuth1ErrorBodyIsTruncated(t *testing.T) {
	h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
	h.P1.FailEndpoint(dancetest.OAuth1RequestToken, 500, "oauth_problem=x\n\x00"+strings.Repeat("y", 5000))
	h.Get(h.URL("/login/twitter"))
	errs := h.Errors()
	if len(errs) != 1 || errs[0].Status != 500 {
		t.Fatalf("error hooks got %v", errs)
	}
	if d := errs[0].Description; len(d) > 210 || strings.ContainsAny(d, "\n\x00") || !strings.HasPrefix(d, "oauth_problem=x") {
		t.Fatalf("description %d bytes: %q…", len(d), d[:min(len(d), 40)])
	}
}

// Acceptance 5.
func TestOAuth1Denied(t *testing.T) {
	h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
	h.P1.Deny(true)
	callback := h.Approve(h.Login("/login/twitter?next=/after"))
	if callback.Query().Get("denied") == "" {
		t.Fatalf("the fake did not deny: %s", callback.Path)
	}
	resp, _ := h.Get(callback.String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/after" {
		t.Fatalf("got %d to %q, want 302 to /after", resp.StatusCode, resp.Header.Get("Location"))
	}
	if errs := h.Errors(); len(errs) != 1 || !errors.Is(errs[0], dance.ErrDenied) || errs[0].Stage != dance.StageAuthorize {
		t.Fatalf("error hooks got %v", errs)
	}
	if h.accessTokenPosts() != 0 || h.StoredToken() != nil {
		t.Fatal("something was fetched or stored")
	}
	// The denied login is used up: its token no longer completes.
	q := url.Values{"oauth_token": {callback.Query().Get("denied")}, "oauth_verifier": {"v"}}
	if resp, _ := h.Get(h.URL("/login/twitter/authorized?" + q.Encode())); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("callback after denial: %d, want 403", resp.StatusCode)
	}
}

// Acceptance 6.
func TestOAuth1ForeignOrReplayedTokenIsForbidden(t *testing.T) {
	forbidden := func(t *testing.T, h *harness, resp *http.Response, wantPosts int) {
		t.Helper()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
		if h.accessTokenPosts() != wantPosts {
			t.Fatalf("%d access-token requests, want %d", h.accessTokenPosts(), wantPosts)
		}
	}
	t.Run("another session's token", func(t *testing.T) {
		h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
		h.Login("/login/twitter") // this session's own login
		// The attacker's own login, approved at the provider.
		other := dancetest.NewBrowser(t)
		resp := other.Get(h.URL("/login/twitter"))
		resp.Body.Close()
		resp = other.Get(other.Location(resp).String())
		resp.Body.Close()
		foreign := other.Location(resp)
		resp, _ = h.Get(foreign.String())
		forbidden(t, h, resp, 0)
		mustContain(t, h.Logs.String(), "request token")
		if errs := h.Errors(); len(errs) != 1 || !errors.Is(errs[0], dance.ErrStateMismatch) {
			t.Fatalf("error hooks got %v", errs)
		}
		if h.StoredToken() != nil {
			t.Fatal("token stored")
		}
	})
	t.Run("no login in this session", func(t *testing.T) {
		h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
		resp, _ := h.Get(h.URL("/login/twitter/authorized?oauth_token=abc&oauth_verifier=def"))
		forbidden(t, h, resp, 0)
	})
	t.Run("replay with the new cookie", func(t *testing.T) {
		h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
		cb := h.Approve(h.Login("/login/twitter"))
		if resp, _ := h.Get(cb.String()); resp.StatusCode != http.StatusFound {
			t.Fatalf("first callback: %d", resp.StatusCode)
		}
		resp, _ := h.Get(cb.String())
		forbidden(t, h, resp, 1)
	})
	t.Run("replay with the old cookie", func(t *testing.T) {
		h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
		cb := h.Approve(h.Login("/login/twitter"))
		appURL, _ := url.Parse(h.App.URL)
		oldCookies := h.Browser.Jar.Cookies(appURL)
		if resp, _ := h.Get(cb.String()); resp.StatusCode != http.StatusFound {
			t.Fatalf("first callback: %d", resp.StatusCode)
		}
		attacker := dancetest.NewBrowser(t)
		attacker.Jar.SetCookies(appURL, oldCookies)
		resp := attacker.Get(cb.String())
		resp.Body.Close()
		forbidden(t, h, resp, 1)
	})
	t.Run("expired", func(t *testing.T) {
		h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
		restore := h.Clock.Set(-11 * time.Minute)
		auth := h.Login("/login/twitter")
		restore()
		resp, _ := h.Get(h.Approve(auth).String())
		forbidden(t, h, resp, 0)
		mustContain(t, h.Logs.String(), "expired")
	})
	t.Run("missing verifier", func(t *testing.T) {
		h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
		cb := h.Approve(h.Login("/login/twitter"))
		q := cb.Query()
		q.Del("oauth_verifier")
		resp, body := h.Get(h.URL("/login/twitter/authorized?" + q.Encode()))
		if resp.StatusCode != http.StatusBadRequest || h.accessTokenPosts() != 0 {
			t.Fatalf("status %d (%q), %d access-token requests", resp.StatusCode, body, h.accessTokenPosts())
		}
		mustContain(t, h.Logs.String(), "oauth_verifier")
	})
}

// Acceptance 7: the client signs API calls with the stored token, covering
// the query and a form body, and the fake verifies each.
func TestOAuth1ClientSignsAPICalls(t *testing.T) {
	h := newOAuth1Harness(t, dancetest.OAuth1Config{}, nil)
	h.Router.POST("/tweet", func(c *gin.Context) {
		form := url.Values{"status": {"hello, world & ünïcode!"}, "extra": {"~*'()"}}
		cl := apptest.Client(c, h.BP)
		req, err := cl.NewRequest(http.MethodPost, "echo?via=dance&note=a+b%2Fc", strings.NewReader(form.Encode()))
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
	h.Router.GET("/me-repeated", func(c *gin.Context) {
		var user map[string]any
		if err := apptest.Client(c, h.BP).GetJSON("user?x=1&x=2", &user); err != nil {
			c.String(502, err.Error())
		}
	})
	h.Router.GET("/plant-bad", func(c *gin.Context) {
		tok, _ := apptest.Client(c, h.BP).Token()
		tok.OAuthTokenSecret = "wrong"
		_ = apptest.Client(c, h.BP).SetToken(tok)
	})
	h.Browser.Dance(h.URL("/login/twitter"))
	stored := h.StoredToken()

	resp, body := h.Get(h.URL("/me"))
	if resp.StatusCode != 200 || !strings.Contains(body, `"screen_name":"twitterdev"`) {
		t.Fatalf("/me: %d %s", resp.StatusCode, body)
	}
	resp, err := h.Browser.PostForm(h.URL("/tweet"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var echo struct {
		Form  url.Values
		Query url.Values
	}
	_ = json.NewDecoder(resp.Body).Decode(&echo)
	resp.Body.Close()
	if resp.StatusCode != 200 || echo.Form.Get("status") != "hello, world & ünïcode!" || echo.Query.Get("note") != "a b/c" {
		t.Fatalf("/tweet: %d, form %v, query %v", resp.StatusCode, echo.Form, echo.Query)
	}
	api := h.P1.RequestsTo(dancetest.OAuth1API)
	if len(api) != 2 {
		t.Fatalf("%d API requests, want 2", len(api))
	}
	for _, r := range api {
		if !r.Verified || r.OAuth["oauth_token"] != stored["oauth_token"] {
			t.Errorf("%s %s: verified %v (%s), signed with the stored token: %v", r.Method, r.Path, r.Verified, r.Problem, r.OAuth["oauth_token"] == stored["oauth_token"])
		}
	}
	// A repeated parameter, which dghubble/oauth1 cannot sign, is a clear
	// error before anything is sent.
	resp, body = h.Get(h.URL("/me-repeated"))
	if resp.StatusCode != 502 || !strings.Contains(body, `repeated parameter "x"`) || len(h.P1.RequestsTo(dancetest.OAuth1API)) != 2 {
		t.Fatalf("/me-repeated: %d %s", resp.StatusCode, body)
	}
	// A wrong token secret gives a signature the fake refuses.
	h.Get(h.URL("/plant-bad"))
	resp, body = h.Get(h.URL("/me"))
	if resp.StatusCode != 502 || !strings.Contains(body, "401") {
		t.Fatalf("/me with a bad secret: %d %s", resp.StatusCode, body)
	}
}

// RSA-SHA1 through the generic blueprint: the dance and the API calls are
// signed with the private key and verified with the public one.
func TestOAuth1RSASHA1(t *testing.T) {
	pemText, key := dancetest.RSAKey()
	h := newOAuth1Harness(t, dancetest.OAuth1Config{RSAPublicKey: &key.PublicKey}, func(c *dance.OAuth1Config) {
		c.SignatureMethod = "RSA-SHA1"
		c.RSAKey = pemText
		c.ClientSecret = ""
	})
	if resp := h.Browser.Dance(h.URL("/login/twitter")); resp.StatusCode != http.StatusFound || h.StoredToken() == nil {
		t.Fatalf("dance: %d, errors %v", resp.StatusCode, h.Errors())
	}
	if resp, body := h.Get(h.URL("/me")); resp.StatusCode != 200 {
		t.Fatalf("/me: %d %s", resp.StatusCode, body)
	}
	for _, r := range h.P1.Requests() {
		if r.Path != "/oauth/authorize" && (!r.Verified || r.OAuth["oauth_signature_method"] != "RSA-SHA1") {
			t.Errorf("%s: verified %v, method %q", r.Path, r.Verified, r.OAuth["oauth_signature_method"])
		}
	}

	// Another key's signature is refused.
	other, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	otherPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)}))
	h2 := newOAuth1Harness(t, dancetest.OAuth1Config{RSAPublicKey: &key.PublicKey}, func(c *dance.OAuth1Config) {
		c.SignatureMethod, c.RSAKey = "RSA-SHA1", otherPEM
	})
	h2.Get(h2.URL("/login/twitter"))
	if errs := h2.Errors(); len(errs) != 1 || errs[0].Code != "signature_invalid" {
		t.Fatalf("error hooks got %v", errs)
	}
}

// The RSA key may be PEM text (PKCS #1 or #8) or a path; bad keys are a
// construction error that quotes neither the key nor the value given.
func TestOAuth1RSAKeyLoading(t *testing.T) {
	pemText, key := dancetest.RSAKey()
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	pkcs8PEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(path, []byte(pemText), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{pemText, pkcs8PEM, path} {
		got, err := dance.LoadRSAKey(s)
		if err != nil || !got.Equal(key) {
			t.Errorf("LoadRSAKey: %v", err)
		}
	}
	body := pemText[strings.Index(pemText, "\n")+1 : len(pemText)-40]
	for name, s := range map[string]string{
		"missing file":  filepath.Join(dir, "nope.pem"),
		"mangled key":   body, // no PEM header: taken as a path
		"truncated PEM": pemText[:len(pemText)/2],
		"corrupt PEM":   strings.Replace(pemText, body[10:30], strings.Repeat("A", 20), 1),
		"not RSA":       "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	} {
		t.Run(name, func(t *testing.T) {
			p := dancetest.NewOAuth1Provider(dancetest.OAuth1Config{})
			defer p.Close()
			cfg := p.OAuth1Config("x")
			cfg.SignatureMethod, cfg.RSAKey = "RSA-SHA1", s
			_, err := dance.NewOAuth1(cfg)
			if err == nil {
				t.Fatal("no error")
			}
			mustContain(t, err.Error(), "RSAKey")
			if strings.Contains(err.Error(), body[:20]) || strings.Contains(err.Error(), "nope.pem") {
				t.Errorf("error quotes the key or the path: %v", err)
			}
		})
	}
}

func TestOAuth1ConfigErrors(t *testing.T) {
	p := dancetest.NewOAuth1Provider(dancetest.OAuth1Config{})
	defer p.Close()
	t.Setenv("X_OAUTH_CLIENT_KEY", "")
	t.Setenv("X_OAUTH_RSA_KEY", "")
	for name, edit := range map[string]func(*dance.OAuth1Config){
		"no key":        func(c *dance.OAuth1Config) { c.ClientKey = "" },
		"plaintext":     func(c *dance.OAuth1Config) { c.SignatureMethod = "PLAINTEXT" },
		"no RSA key":    func(c *dance.OAuth1Config) { c.SignatureMethod = "RSA-SHA1" },
		"no access URL": func(c *dance.OAuth1Config) { c.AccessTokenURL = "" },
		"relative, no base": func(c *dance.OAuth1Config) {
			c.BaseURL = ""
		},
	} {
		cfg := p.OAuth1Config("x")
		edit(&cfg)
		if _, err := dance.NewOAuth1(cfg); err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), p.ConsumerSecret()) {
			t.Errorf("%s: error quotes the secret", name)
		}
	}
	// Absolute endpoints need no base URL, and the key may come from the
	// environment: a dance with them reaches each endpoint, signed with
	// the key from the environment, and stores an OAuth 1 token.
	t.Setenv("X_OAUTH_CLIENT_KEY", "from-env")
	h := newBareHarness(t, "x")
	h.P1 = dancetest.NewOAuth1Provider(dancetest.OAuth1Config{ConsumerKey: "from-env"})
	t.Cleanup(h.P1.Close)
	cfg := h.P1.OAuth1Config("x")
	h.Options(&cfg.Options)
	cfg.ClientKey, cfg.BaseURL = "", ""
	cfg.RequestTokenURL, cfg.AuthURL, cfg.AccessTokenURL = h.P1.URL+"/oauth/request_token", h.P1.URL+"/oauth/authorize", h.P1.URL+"/oauth/access_token"
	bp, err := dance.NewOAuth1(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.Serve(bp, nil)
	if auth := h.Login("/login/x"); auth.Scheme+"://"+auth.Host+auth.Path != h.P1.URL+"/oauth/authorize" || auth.Query().Get("oauth_token") == "" || auth.Query().Has("client_id") {
		t.Errorf("authorize URL = %s", auth)
	}
	if resp := h.Browser.Dance(h.URL("/login/x")); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance: %d, errors %v", resp.StatusCode, h.Errors())
	}
	for _, ep := range []dancetest.OAuth1Endpoint{dancetest.OAuth1RequestToken, dancetest.OAuth1AccessToken} {
		reqs := h.P1.RequestsTo(ep)
		if len(reqs) == 0 {
			t.Fatalf("no %s request", ep)
		}
		for _, r := range reqs {
			if !r.Verified || r.OAuth["oauth_consumer_key"] != "from-env" {
				t.Errorf("%s: verified %v (%s), consumer key %q", ep, r.Verified, r.Problem, r.OAuth["oauth_consumer_key"])
			}
		}
	}
	if tok := h.StoredToken(); tok["oauth_token"] == nil || tok["oauth_token"] == "" || tok["access_token"] != nil && tok["access_token"] != "" {
		t.Errorf("stored token %v, want an OAuth 1 token", tok)
	}
}

// Acceptance 11: nothing sensitive in logs, error strings or responses,
// across every OAuth 1 path.
func TestOAuth1NoSecretsInLogsOrErrors(t *testing.T) {
	h := newOAuth1Harness(t, dancetest.OAuth1Config{}, func(c *dance.OAuth1Config) { c.Timeout = 200 * time.Millisecond })
	var errTexts []string
	h.Hooks.OnError(func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { errTexts = append(errTexts, e.Error()) })
	var bodies []string
	get := func(u string) {
		_, body := h.Get(u)
		bodies = append(bodies, body)
	}

	h.Browser.Dance(h.URL("/login/twitter")) // success
	get(h.URL("/me"))                        // API call
	get(h.URL("/private"))                   // required
	cb := h.Approve(h.Login("/login/twitter"))
	get(cb.String()) // replay
	get(cb.String())
	cb = h.Approve(h.Login("/login/twitter")) // wrong token
	q := cb.Query()
	q.Set("oauth_token", q.Get("oauth_token")+"x")
	get(h.URL("/login/twitter/authorized?" + q.Encode()))
	cb = h.Approve(h.Login("/login/twitter")) // missing verifier
	q = cb.Query()
	q.Del("oauth_verifier")
	get(h.URL("/login/twitter/authorized?" + q.Encode()))
	h.P1.FailEndpoint(dancetest.OAuth1RequestToken, 401, "oauth_problem=nonce_used")
	get(h.URL("/login/twitter"))
	h.P1.FailEndpoint(dancetest.OAuth1RequestToken, 0, "")
	h.P1.FailEndpoint(dancetest.OAuth1AccessToken, 401, "oauth_problem=token_rejected")
	get(h.Approve(h.Login("/login/twitter")).String())
	h.P1.FailEndpoint(dancetest.OAuth1AccessToken, 0, "")
	// A 200 that the client cannot use still holds a token secret.
	const leaked = "rts-unconfirmed-secret-value"
	h.P1.FailEndpoint(dancetest.OAuth1RequestToken, 200, "oauth_token=rt-unconfirmed&oauth_token_secret="+leaked)
	get(h.URL("/login/twitter"))
	h.P1.FailEndpoint(dancetest.OAuth1RequestToken, 0, "")
	h.P1.Deny(true)
	get(h.Approve(h.Login("/login/twitter")).String())

	mustContain(t, strings.Join(errTexts, "\n"), "oauth_callback_confirmed")
	if len(errTexts) < 7 {
		t.Fatalf("only %d errors produced; the scenario is broken", len(errTexts))
	}
	logs := h.Logs.String()
	if !strings.Contains(logs, "dance:") {
		t.Fatal("no debug logs captured")
	}
	secrets := append(h.P1.Secrets(), leaked)
	if len(secrets) < 20 {
		t.Fatalf("only %d secrets collected", len(secrets))
	}
	for _, s := range secrets {
		if len(s) < 8 {
			continue
		}
		if strings.Contains(logs, s) {
			t.Errorf("log contains a secret (%d chars)", len(s))
		}
		for _, e := range append(errTexts, bodies...) {
			if strings.Contains(e, s) {
				t.Errorf("error text or response contains a secret: %q", e[:min(len(e), 60)])
			}
		}
	}
}
