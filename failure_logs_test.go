package dance_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
)

// A refused callback, asked for JSON, answers an RFC 9457 problem document
// with the state stage's type and no internal text; the Warn log line
// carries the same error ID and the full error. A browser gets the HTML
// page with the stage's sentence and the same kind of ID.
func TestErrorAnswerCarriesIDOfLogLine(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, nil)
	cb := h.Approve(h.Login("/login/github"))
	q := cb.Query()
	q.Set("state", "forged")
	cb.RawQuery = q.Encode()
	req, _ := http.NewRequest("GET", cb.String(), nil)
	req.Header.Set("Accept", "application/json")
	resp, err := h.Browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var pd map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&pd); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 403 || resp.Header.Get("Content-Type") != "application/problem+json" || pd["type"] != "urn:gin-dance:error:state" || pd["status"] != 403.0 {
		t.Fatalf("answer %d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), pd)
	}
	id, _ := pd["error_id"].(string)
	line := logLine(t, h.Logs.String(), "error_id="+id)
	if id == "" || !strings.Contains(line, "level=WARN") || !strings.Contains(line, "state mismatch") {
		t.Fatalf("error_id %q; log line %q", id, line)
	}
	if strings.Contains(pd["title"].(string), "mismatch") {
		t.Fatalf("the problem document shows internal text: %v", pd)
	}

	resp2, body := h.Get(cb.String()) // a browser (no JSON in Accept)
	if resp2.StatusCode != 403 || !strings.Contains(body, "This login link is not valid, has expired or was already used.") {
		t.Fatalf("HTML answer %d %q", resp2.StatusCode, body)
	}
	m := regexp.MustCompile(`Error ID: (\w+)`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(logLine(t, h.Logs.String(), "error_id="+m[1]), "level=WARN") {
		t.Fatalf("no log line for the page's ID in %q", body)
	}
}

// logLine returns the log line that holds sub.
func logLine(t *testing.T, logs, sub string) string {
	t.Helper()
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	t.Fatalf("no log line with %q in:\n%s", sub, logs)
	return ""
}

// A wrong client secret (the provider answers invalid_client) is logged at
// Error with a hint naming the setting and the redirect URI dance sent; a
// completed login is logged at Info with the provider and the outcome.
func TestLogLevelsMisconfigurationAndSuccess(t *testing.T) {
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { c.ClientSecret = "wrong-secret" })
	resp, _ := h.Get(h.Approve(h.Login("/login/github")).String())
	if resp.StatusCode < 400 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	line := logLine(t, h.Logs.String(), "level=ERROR")
	redirectURI := h.URL("/login/github/authorized")
	for _, want := range []string{"invalid_client", "client ID and client secret", "redirect_uri=" + redirectURI} {
		if !strings.Contains(line, want) {
			t.Errorf("misconfiguration log line lacks %q: %s", want, line)
		}
	}

	if logs := h.Logs.String(); strings.Contains(logs, "wrong-secret") || strings.Contains(logs, "test-client-secret") {
		t.Error("the log holds a client secret")
	}

	ok := newHarness(t, dancetest.Config{}, nil)
	ok.Browser.Dance(ok.URL("/login/github")).Body.Close()
	line = logLine(t, ok.Logs.String(), "login completed")
	if !strings.Contains(line, "level=INFO") || !strings.Contains(line, "provider=github") || !strings.Contains(line, "token stored") {
		t.Errorf("completed login log line: %s", line)
	}
}
