package main

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

var testKeys = [][]byte{[]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef0123456789abcdef")}

func body(t *testing.T, r io.ReadCloser) string {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func offline(t *testing.T) (*dancetest.Provider, string, *dancetest.Browser) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	fake := dancetest.NewProvider(dancetest.Config{Consent: true})
	t.Cleanup(fake.Close)
	cfg, userURL := fakeConfig(fake)
	a, err := newApp(cfg, userURL, testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Engine)
	t.Cleanup(srv.Close)
	return fake, srv.URL, dancetest.NewBrowser(t)
}

// click starts the login, opens the consent page, and presses a button;
// it returns the authorization URL and the callback URL.
func click(t *testing.T, br *dancetest.Browser, base string, fake *dancetest.Provider, button string) (*url.URL, *url.URL) {
	t.Helper()
	resp := br.Get(base + "/login/oauth-example")
	body(t, resp.Body)
	authz := br.Location(resp)
	page := body(t, br.Get(authz.String()).Body)
	m := regexp.MustCompile(`name="query" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `id="deny"`) {
		t.Fatalf("no consent page:\n%s", page)
	}
	resp, err := br.PostForm(fake.URL+"/authorize", url.Values{"query": {html.UnescapeString(m[1])}, "decision": {button}})
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp.Body)
	return authz, br.Location(resp)
}

// The generic blueprint's whole dance: relative endpoints resolved against
// the base URL, PKCE, the token exchange, and the custom profile mapping
// greeting the user; a reload keeps the login, logging out ends it.
func TestCustomAuthorize(t *testing.T) {
	fake, base, br := offline(t)
	authz, cb := click(t, br, base, fake, "authorize")
	if got := authz.Scheme + "://" + authz.Host + authz.Path; got != fake.URL+"/authorize" {
		t.Fatalf("authorization URL %s, want the fake's /authorize", got)
	}
	if q := authz.Query(); q.Get("scope") != "read:user" || q.Get("code_challenge_method") != "S256" {
		t.Fatalf("authorization request: scope=%q code_challenge_method=%q", q.Get("scope"), q.Get("code_challenge_method"))
	}
	resp := br.Get(cb.String())
	body(t, resp.Body)
	if loc := br.Location(resp); loc.Path != "/" {
		t.Fatalf("after the dance: redirect to %s", loc)
	}
	if n := len(fake.RequestsTo("/token")); n != 1 {
		t.Fatalf("%d token requests", n)
	}
	for range 2 { // the second time is the reload
		page := body(t, br.Get(base+"/").Body)
		if !strings.Contains(page, "You are octocat at OAuth Example") || !strings.Contains(page, "The Octocat") {
			t.Fatalf("home page after login:\n%s", page)
		}
	}
	resp, err := br.PostForm(base+"/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp.Body)
	if page := body(t, br.Get(base+"/").Body); strings.Contains(page, "You are") {
		t.Fatal("still logged in after logout")
	}
}

// Deny: the error hook's message, no token exchange, no login.
func TestCustomDeny(t *testing.T) {
	fake, base, br := offline(t)
	_, cb := click(t, br, base, fake, "deny")
	body(t, br.Get(cb.String()).Body)
	page := body(t, br.Get(base+"/").Body)
	if !strings.Contains(page, "Login with OAuth Example failed: The user denied the request.") || strings.Contains(page, "You are") {
		t.Fatalf("home page after deny:\n%s", page)
	}
	if n := len(fake.RequestsTo("/token")); n != 0 {
		t.Fatalf("%d token requests after a denial", n)
	}
}

// With credentials in the environment, the blueprint is built from it,
// with the docs' relative endpoints resolved against the base URL.
func TestCustomFromEnvironment(t *testing.T) {
	gin.SetMode(gin.TestMode)
	env := map[string]string{
		"OAUTH_EXAMPLE_BASE_URL": "https://oauth-example.com/",
		"OAUTH_EXAMPLE_SCOPES":   "profile email",
	}
	t.Setenv("OAUTH_EXAMPLE_OAUTH_CLIENT_ID", "my-key-here")
	t.Setenv("OAUTH_EXAMPLE_OAUTH_CLIENT_SECRET", "my-secret-here")
	cfg, userURL := envConfig(func(k string) string { return env[k] })
	// The token request goes nowhere: the test only looks at its URL.
	var tokenURL string
	cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		tokenURL = r.URL.String()
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	})}
	a, err := newApp(cfg, userURL, testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Engine)
	defer srv.Close()
	br := dancetest.NewBrowser(t)
	resp := br.Get(srv.URL + "/login/oauth-example")
	body(t, resp.Body)
	loc := br.Location(resp)
	if resp.StatusCode != http.StatusFound || loc == nil || loc.Host != "oauth-example.com" || loc.Path != "/login/authorize" {
		t.Fatalf("got %d to %v", resp.StatusCode, loc)
	}
	q := loc.Query()
	if q.Get("client_id") != "my-key-here" || q.Get("scope") != "profile email" {
		t.Fatalf("authorization request %v", q)
	}
	body(t, br.Get(srv.URL+"/login/oauth-example/authorized?code=c&state="+url.QueryEscape(q.Get("state"))).Body)
	if tokenURL != "https://oauth-example.com/login/access_token" {
		t.Fatalf("token URL %q", tokenURL)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
