package main

import (
	"html"
	"io"
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

// offline starts the example against a fake OAuth 1 provider with a
// consent page, as main does without credentials.
func offline(t *testing.T) (*dancetest.OAuth1Provider, string, *dancetest.Browser) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	fake := dancetest.NewOAuth1Provider(dancetest.OAuth1Config{Consent: true})
	t.Cleanup(fake.Close)
	a, err := newApp(fakeTwitter(fake), testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Engine)
	t.Cleanup(srv.Close)
	return fake, srv.URL, dancetest.NewBrowser(t)
}

// click starts the login, opens the fake's consent page, and presses a
// button; it returns the callback URL the provider redirects to.
func click(t *testing.T, br *dancetest.Browser, base string, button string) *url.URL {
	t.Helper()
	resp := br.Get(base + "/login/twitter")
	body(t, resp.Body)
	consent := br.Location(resp)
	page := body(t, br.Get(consent.String()).Body)
	if !strings.Contains(page, `id="authorize"`) || !strings.Contains(page, `id="deny"`) {
		t.Fatalf("no consent page:\n%s", page)
	}
	m := regexp.MustCompile(`name="oauth_token" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("consent form has no oauth_token")
	}
	resp, err := br.PostForm(consent.Scheme+"://"+consent.Host+consent.Path, url.Values{"oauth_token": {html.UnescapeString(m[1])}, "decision": {button}})
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp.Body)
	return br.Location(resp)
}

// Authorize on the consent page: greeted by screen name, through signed
// API calls that the fake verified; a reload keeps the login; logging out
// ends it.
func TestTwitterAuthorize(t *testing.T) {
	fake, base, br := offline(t)
	if page := body(t, br.Get(base+"/").Body); !strings.Contains(page, `href="/login/twitter"`) {
		t.Fatalf("home page has no login link:\n%s", page)
	}
	cb := click(t, br, base, "authorize")
	resp := br.Get(cb.String())
	body(t, resp.Body)
	if loc := br.Location(resp); loc.Path != "/" {
		t.Fatalf("after the dance: redirect to %s", loc)
	}
	for range 2 { // the second time is the reload
		if page := body(t, br.Get(base+"/").Body); !strings.Contains(page, "You are @twitterdev on Twitter") {
			t.Fatalf("home page after login:\n%s", page)
		}
	}
	api := fake.RequestsTo(dancetest.OAuth1API)
	if len(api) != 2 {
		t.Fatalf("%d API calls, want 2", len(api))
	}
	for _, r := range api {
		if !r.Verified || r.Path != "/1.1/account/verify_credentials.json" {
			t.Fatalf("API call to %s: verified=%v problem=%q", r.Path, r.Verified, r.Problem)
		}
	}
	resp, err := br.PostForm(base+"/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp.Body)
	if page := body(t, br.Get(base+"/").Body); strings.Contains(page, "You are @") {
		t.Fatal("still logged in after logout")
	}
}

// Deny on the consent page: Twitter's ?denied= comes back, the error hook's
// message is shown once, and no token is stored.
func TestTwitterDeny(t *testing.T) {
	fake, base, br := offline(t)
	cb := click(t, br, base, "deny")
	if !cb.Query().Has("denied") {
		t.Fatalf("callback %s has no denied parameter", cb.Path)
	}
	body(t, br.Get(cb.String()).Body)
	page := body(t, br.Get(base+"/").Body)
	if !strings.Contains(page, "Login with Twitter failed: you did not authorize this app.") || strings.Contains(page, "You are @") {
		t.Fatalf("home page after deny:\n%s", page)
	}
	if n := len(fake.RequestsTo(dancetest.OAuth1AccessToken)); n != 0 {
		t.Fatalf("%d access-token requests after a denial", n)
	}
	if page := body(t, br.Get(base+"/").Body); strings.Contains(page, "failed") {
		t.Fatal("the flash message is shown twice")
	}
}
