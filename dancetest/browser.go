package dancetest

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
)

// Browser is an HTTP client with a cookie jar that does not follow
// redirects, so a test can look at every step of the dance.
type Browser struct {
	*http.Client
	t testing.TB
}

// NewBrowser returns a browser with an empty cookie jar.
func NewBrowser(t testing.TB) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{t: t, Client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Get fetches rawURL and fails the test on a transport error. The body is
// left open for the caller.
func (b *Browser) Get(rawURL string) *http.Response {
	b.t.Helper()
	resp, err := b.Client.Get(rawURL)
	if err != nil {
		b.t.Fatalf("GET %s: %v", redact(rawURL), err)
	}
	return resp
}

// Location returns the Location of a redirect, resolved against its
// request, and fails the test when resp is not a redirect.
func (b *Browser) Location(resp *http.Response) *url.URL {
	b.t.Helper()
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		b.t.Fatalf("%s %s: got status %d, want a redirect", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode)
	}
	u, err := resp.Location()
	if err != nil {
		b.t.Fatalf("bad Location: %v", err)
	}
	return u
}

// Dance drives a whole dance from loginURL (absolute, on the app) against
// a provider that approves at once: login, the provider's redirect, and the
// callback. It returns the callback's response (body closed).
func (b *Browser) Dance(loginURL string) *http.Response {
	b.t.Helper()
	resp := b.Get(loginURL)
	resp.Body.Close()
	authorize := b.Location(resp)
	resp = b.Get(authorize.String())
	resp.Body.Close()
	callback := b.Location(resp)
	resp = b.Get(callback.String())
	resp.Body.Close()
	return resp
}

func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(bad URL)"
	}
	u.RawQuery = ""
	return u.String()
}
