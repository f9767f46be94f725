package dancetest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The consent page names the app (its client ID) and each scope it asks
// for, escaped.
func TestConsentPageNamesAppAndScopes(t *testing.T) {
	p := NewProvider(Config{Consent: true, ClientID: "my-app"})
	defer p.Close()
	q := url.Values{"client_id": {"my-app"}, "response_type": {"code"},
		"redirect_uri": {"http://localhost/cb"}, "scope": {"read:user repo <b>"}}
	resp, err := http.Get(p.URL + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	for _, want := range []string{`<strong id="client-id">my-app</strong>`, "<li><code>read:user</code></li>", "<li><code>repo</code></li>", "<li><code>&lt;b&gt;</code></li>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the consent page lacks %s:\n%s", want, page)
		}
	}
}
