package dancetest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// exchange approves an authorization request for scope and returns the
// token response.
func exchange(t *testing.T, p *Provider, scope string) map[string]any {
	t.Helper()
	q := url.Values{"client_id": {p.ClientID()}, "redirect_uri": {"http://app/cb"}, "scope": {scope}, "state": {"s"}}
	code := p.CallbackQuery(q).Get("code")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://app/cb"}}
	req, _ := http.NewRequest(http.MethodPost, p.URL+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(p.ClientID(), p.ClientSecret())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	return m
}

func apiGet(t *testing.T, p *Provider, path, at string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+at)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// The fake grants the approved scopes minus the withheld ones, and
// refuses a path that needs a scope the token lacks, in both styles.
func TestProviderGrantsApprovedScopes(t *testing.T) {
	for _, github := range []bool{false, true} {
		p := NewProvider(Config{
			Withhold: []string{"repo"}, ScopeHeaders: github,
			Paths: map[string]any{"/user/repos": "[]"}, PathScopes: map[string]string{"/user/repos": "repo"},
		})
		tok := exchange(t, p, "user repo gist")
		if tok["scope"] != "user gist" {
			t.Errorf("granted scope %q, want \"user gist\"", tok["scope"])
		}
		at := tok["access_token"].(string)
		resp := apiGet(t, p, "/user/repos", at)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET /user/repos without repo: %d, want 403", resp.StatusCode)
		}
		if github {
			if resp.Header.Get("X-OAuth-Scopes") != "user, gist" || resp.Header.Get("X-Accepted-OAuth-Scopes") != "repo" {
				t.Errorf("GitHub headers: %v", resp.Header)
			}
		} else if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer error="insufficient_scope", scope="repo"` {
			t.Errorf("WWW-Authenticate = %q", got)
		}
		p.Close()
	}
	p := NewProvider(Config{Paths: map[string]any{"/user/repos": "[]"}, PathScopes: map[string]string{"/user/repos": "repo"}})
	defer p.Close()
	if resp := apiGet(t, p, "/user/repos", exchange(t, p, "repo")["access_token"].(string)); resp.StatusCode != 200 {
		t.Errorf("GET /user/repos with repo: %d", resp.StatusCode)
	}
}
