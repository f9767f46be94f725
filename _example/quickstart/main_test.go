package main

import (
	"bytes"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The quickstart's flow through the consent page, as a person clicks it.
func TestQuickstartOffline(t *testing.T) {
	gin.SetMode(gin.TestMode)
	fake := dancetest.NewProvider(dancetest.Config{Consent: true})
	defer fake.Close()
	app, err := newApp(fakeGitHub(fake), []byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Engine)
	defer srv.Close()
	br := dancetest.NewBrowser(t)

	if page := body(t, br.Get(srv.URL+"/")); !strings.Contains(page, `href="/login/github"`) {
		t.Fatalf("home page has no login link:\n%s", page)
	}

	consent := click(t, br, srv.URL+"/login/github", fake, "authorize")
	if consent == nil {
		return
	}
	resp := br.Get(consent.String()) // the callback
	body(t, resp)
	if loc := br.Location(resp); loc.Path != "/" {
		t.Fatalf("after the dance: redirect to %s", loc)
	}
	if page := body(t, br.Get(srv.URL+"/")); !strings.Contains(page, "You are @octocat on GitHub") {
		t.Fatalf("home page after login:\n%s", page)
	}
	// Log out.
	resp, err = br.PostForm(srv.URL+"/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp)
	if page := body(t, br.Get(srv.URL+"/")); strings.Contains(page, "You are @") {
		t.Fatal("still logged in after logout")
	}

	// Deny: the error hook's message is shown.
	cb := click(t, br, srv.URL+"/login/github", fake, "deny")
	body(t, br.Get(cb.String()))
	if page := body(t, br.Get(srv.URL+"/")); !strings.Contains(page, "Login with GitHub failed: The user denied the request.") {
		t.Fatalf("home page after deny:\n%s", page)
	}
}

// click starts the login, opens the consent page, and presses a button;
// it returns the callback URL the provider redirects to.
func click(t *testing.T, br *dancetest.Browser, login string, fake *dancetest.Provider, button string) *url.URL {
	t.Helper()
	resp := br.Get(login)
	body(t, resp)
	page := body(t, br.Get(br.Location(resp).String()))
	if !strings.Contains(page, `id="authorize"`) || !strings.Contains(page, `id="deny"`) {
		t.Fatalf("no consent page:\n%s", page)
	}
	m := regexp.MustCompile(`name="query" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("consent form has no query")
	}
	q := html.UnescapeString(m[1])
	resp, err := br.PostForm(fake.URL+"/authorize", url.Values{"query": {q}, "decision": {button}})
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp)
	return br.Location(resp)
}

var testKeys = [][]byte{[]byte("0123456789abcdef0123456789abcdef"), []byte("0123456789abcdef0123456789abcdef")}

// realGitHub is the quickstart configured for github.com, as in
// production; API calls are replayed from a cassette.
func realGitHub(t *testing.T) *app {
	t.Helper()
	return realGitHubVia(t, nil)
}

// realGitHubVia is realGitHub with its HTTP client, as an app gives it in
// Options (nil: the default).
func realGitHubVia(t *testing.T, hc *http.Client) *app {
	t.Helper()
	gin.SetMode(gin.TestMode)
	a, err := newApp(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret", Options: dance.Options{HTTPClient: hc}}, testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestUnauthorizedIsSentToLogin(t *testing.T) {
	a := realGitHub(t)
	w := httptest.NewRecorder()
	a.Engine.ServeHTTP(w, httptest.NewRequest("GET", "/me", nil))
	if w.Code != http.StatusFound || w.Header().Get("Location") != "/login/github?next=%2Fme" {
		t.Fatalf("got %d to %q", w.Code, w.Header().Get("Location"))
	}
}

// The home page of a logged-in user, with GitHub's answer replayed from
// testdata/cassettes/TestAuthorizedHomeFromCassette.yaml. (The committed
// cassette was recorded with GITHUB_OAUTH_ACCESS_TOKEN set and a fake
// provider standing in for api.github.com, since this machine cannot reach
// GitHub.)
func TestAuthorizedHomeFromCassette(t *testing.T) {
	a := realGitHubVia(t, dancetest.Cassette(t, "github"))
	req := dancetest.AuthorizedRequest(t, "GET", "/", a.Store, sessionName, a.GitHub, dancetest.Token(dancetest.AccessToken("github")))
	w := httptest.NewRecorder()
	a.Engine.ServeHTTP(w, req)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "You are @octocat on GitHub") {
		t.Fatalf("got %d:\n%s", w.Code, w.Body.String())
	}
}

// The whole dance, with the preset pointed at the fake in one call.
func TestFullDanceAgainstFake(t *testing.T) {
	gin.SetMode(gin.TestMode)
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	var cfg contrib.GitHubConfig
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	browser, base := dancetest.Dance(t, a.Engine, "/login/github", dancetest.Want{Stored: "/me"})
	if page := body(t, browser.Get(base+"/")); !strings.Contains(page, "You are @octocat on GitHub") {
		t.Fatalf("home page:\n%s", page)
	}
}

// An expired token without a refresh token (GitHub's, unless the app opts
// in to expiring tokens): the user is shown the login link again, Required
// sends them to log in, and GitHub is not called with the stale token.
func TestExpiredTokenAsksToLogInAgain(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	a := realGitHubVia(t, fake.StandIn()) // any call would reach the fake
	tok := dancetest.ExpiredToken(fake.IssueToken())
	tok.RefreshToken = ""

	w := httptest.NewRecorder()
	a.Engine.ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", a.Store, sessionName, a.GitHub, tok))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `href="/login/github"`) || strings.Contains(w.Body.String(), "You are @") {
		t.Fatalf("home with an expired token: %d\n%s", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	a.Engine.ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/me", a.Store, sessionName, a.GitHub, tok))
	if w.Code != http.StatusFound || w.Header().Get("Location") != "/login/github?next=%2Fme" {
		t.Fatalf("/me with an expired token: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if n := len(fake.RequestsTo("/user")); n != 0 {
		t.Fatalf("the provider was called %d times with an expired token", n)
	}
}

// The app's access log shows the callback route but not its code or
// state (ginlog.Logger in place of gin.Logger).
func TestAccessLogLeavesOutCodeAndState(t *testing.T) {
	var logs bytes.Buffer
	gin.DefaultWriter = &logs
	t.Cleanup(func() { gin.DefaultWriter = os.Stdout })
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	var cfg contrib.GitHubConfig
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	dancetest.Dance(t, a.Engine, "/login/github", dancetest.Want{Stored: "/me"})
	out := logs.String()
	if !strings.Contains(out, "/login/github/authorized") || strings.Contains(out, "code=") || strings.Contains(out, "state=") {
		t.Fatalf("access log:\n%s", out)
	}
}
