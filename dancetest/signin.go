package dancetest

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
)

// queryField finds the sign-in form's hidden authorization request.
var queryField = regexp.MustCompile(`name="query" value="([^"]*)"`)

// SignInAs drives a dance from loginURL (absolute, on the app) through a
// sign-in page with personas ([Config.Personas], or cmd/dance-provider's),
// picking the persona whose login is login, or Deny when login is "". It
// returns the app's answer to the callback (body closed). It fails the
// test when a step does not answer as a provider would.
func (b *Browser) SignInAs(loginURL, login string) *http.Response {
	b.t.Helper()
	resp := b.Get(loginURL)
	resp.Body.Close()
	authURL := b.Location(resp)
	resp = b.Get(authURL.String())
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := queryField.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		b.t.Fatalf("sign-in page at %s: status %d, no sign-in form", redact(authURL.String()), resp.StatusCode)
	}
	q, err := url.ParseQuery(html.UnescapeString(string(m[1])))
	if err != nil {
		b.t.Fatalf("sign-in form: %v", err)
	}
	form := url.Values{"query": {q.Encode()}, "decision": {"deny"}}
	if login != "" {
		i := regexp.MustCompile(`<button name="persona" value="(\d+)" id="persona-` + regexp.QuoteMeta(html.EscapeString(login)) + `"`).FindSubmatch(page)
		if i == nil {
			b.t.Fatalf("sign-in page has no persona %q", login)
		}
		form = url.Values{"query": {q.Encode()}, "decision": {"authorize"}, "persona": {string(i[1])}}
	}
	resp, err = b.PostForm(authURL.String(), form)
	if err != nil {
		b.t.Fatalf("POST %s: %v", redact(authURL.String()), err)
	}
	return b.deliver(resp)
}
