package dancetest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
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

// Want says how a dance must end, for [Browser.Dance] and [Dance]. A
// dance that the app treats as failed often looks like a success from the
// browser: the error hooks, or an authorized hook that refuses a link,
// redirect home just as a good login does. So say where the app's error
// hooks send the user, and name a page that only a stored token opens.
type Want struct {
	// ErrorPath is the path (or the start of the path) that the app's
	// error hooks redirect to, such as "/login-failed". The dance fails
	// the test if the callback sends the browser there.
	ErrorPath string
	// Stored is a path of the app that answers 2xx only when the token
	// was stored, typically a route behind bp.Required() (which otherwise
	// redirects to the login). After the callback the browser fetches it;
	// any other answer fails the test.
	Stored string
}

// Dance drives a whole dance from loginURL (absolute, on the app) against
// a provider that approves at once: login, the provider's redirect, and the
// callback. It returns the callback's response (body closed).
//
// With a [Want], it also fails the test unless the dance succeeded: the
// callback redirects, neither back to the login nor to Want.ErrorPath, and
// Want.Stored (when set) then answers 2xx. Without one, it only drives the
// dance, so that a test can look at how a dance fails.
func (b *Browser) Dance(loginURL string, want ...Want) *http.Response {
	b.t.Helper()
	resp := b.Get(loginURL)
	resp.Body.Close()
	login := resp.Request.URL
	authorize := b.Location(resp)
	resp = b.deliver(b.Get(authorize.String()))
	for _, w := range want {
		b.check(login, resp, w)
	}
	return resp
}

// check fails the test unless resp, the callback's answer, ends a dance
// that succeeded as w says.
func (b *Browser) check(login *url.URL, resp *http.Response, w Want) {
	b.t.Helper()
	loc, err := resp.Location()
	switch {
	case resp.StatusCode < 300 || resp.StatusCode > 399 || err != nil:
		b.t.Fatalf("dancetest: the dance from %s failed: the callback answered %d, not a redirect", login.Path, resp.StatusCode)
	case loc.Path == login.Path:
		b.t.Fatalf("dancetest: the dance from %s failed: the callback sent the browser back to the login", login.Path)
	case w.ErrorPath != "" && strings.HasPrefix(loc.Path, w.ErrorPath):
		b.t.Fatalf("dancetest: the dance from %s failed: the callback sent the browser to the error path %s", login.Path, loc.Path)
	}
	if w.Stored == "" {
		return
	}
	stored := login.ResolveReference(&url.URL{Path: w.Stored})
	page := b.Get(stored.String())
	page.Body.Close()
	if page.StatusCode < 200 || page.StatusCode > 299 {
		b.t.Fatalf("dancetest: the dance from %s stored no token: %s answered %d afterwards, want 2xx", login.Path, w.Stored, page.StatusCode)
	}
}

// formPost finds the form of a page that POSTs an authorization answer
// (response_mode=form_post), and its fields.
var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	formField  = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// deliver takes the provider's answer to the browser, resp (its body is
// read and closed), to the app as a browser does: it follows a redirect to
// the callback, or submits a form_post page's form and follows the app's
// 303 to the callback's GET. It returns the callback's answer, body
// closed.
func (b *Browser) deliver(resp *http.Response) *http.Response {
	b.t.Helper()
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := formAction.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		resp = b.Get(b.Location(resp).String())
		resp.Body.Close()
		return resp
	}
	form := url.Values{}
	for _, f := range formField.FindAllSubmatch(page, -1) {
		form.Add(html.UnescapeString(string(f[1])), html.UnescapeString(string(f[2])))
	}
	action := html.UnescapeString(string(m[1]))
	resp, err := b.PostForm(action, form)
	if err != nil {
		b.t.Fatalf("POST %s: %v", redact(action), err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther { // the app's relay to its GET callback
		resp = b.Get(b.Location(resp).String())
		resp.Body.Close()
	}
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
