package dancetest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// postForm posts form to the fake at path and decodes the JSON answer.
func postForm(t *testing.T, p *Provider, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(p.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// authQuery is an authorization request of client id to the app at
// redirect.
func authQuery(id, redirect string) url.Values {
	return url.Values{"client_id": {id}, "response_type": {"code"}, "redirect_uri": {redirect}, "state": {"s"}}
}

// TestFakeRegisterPath: the registration endpoint answers a new client,
// which the fake then accepts with its secret only; a registration without
// client_name or redirect_uris is refused.
func TestFakeRegisterPath(t *testing.T) {
	p := NewProvider(Config{RegisterPath: "/api/v1/apps"})
	t.Cleanup(p.Close)
	if status, _ := postForm(t, p, "/api/v1/apps", url.Values{"client_name": {"x"}}); status != 422 {
		t.Errorf("registration without redirect_uris: %d, want 422", status)
	}
	status, app := postForm(t, p, "/api/v1/apps", url.Values{"client_name": {"x"}, "redirect_uris": {"http://app/cb"}})
	id, _ := app["client_id"].(string)
	secret, _ := app["client_secret"].(string)
	if status != 200 || id == "" || secret == "" {
		t.Fatalf("registration: %d %v", status, app)
	}
	code := p.CallbackQuery(authQuery(id, "http://app/cb")).Get("code")
	tok := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://app/cb"}, "client_id": {id}}
	tok.Set("client_secret", "wrong")
	if status, _ := postForm(t, p, "/token", tok); status != 401 {
		t.Errorf("registered client with a wrong secret: %d, want 401", status)
	}
	tok.Set("client_secret", secret)
	if status, ans := postForm(t, p, "/token", tok); status != 200 || ans["access_token"] == nil {
		t.Errorf("registered client: %d %v, want a token", status, ans)
	}
}

// TestFakeTokenWithoutRedirectURI: with TokenWithoutRedirectURI a code
// redeems without redirect_uri, but a wrong one is still refused; without
// it, a missing redirect_uri is refused (RFC 6749).
func TestFakeTokenWithoutRedirectURI(t *testing.T) {
	for _, loose := range []bool{false, true} {
		p := NewProvider(Config{TokenWithoutRedirectURI: loose})
		t.Cleanup(p.Close)
		redeem := func(redirect *string) int {
			code := p.CallbackQuery(authQuery(p.ClientID(), "http://app/cb")).Get("code")
			f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {p.ClientID()}, "client_secret": {p.ClientSecret()}}
			if redirect != nil {
				f.Set("redirect_uri", *redirect)
			}
			status, _ := postForm(t, p, "/token", f)
			return status
		}
		wrong := "http://evil/cb"
		if got, want := redeem(nil), map[bool]int{false: 400, true: 200}[loose]; got != want {
			t.Errorf("loose=%v, no redirect_uri: %d, want %d", loose, got, want)
		}
		if got := redeem(&wrong); got != 400 {
			t.Errorf("loose=%v, a wrong redirect_uri: %d, want 400", loose, got)
		}
	}
}

// TestFakeRefreshByClientID: with RefreshByClientID a refresh grant that
// names a known client without its secret is honoured; without it, or for
// an unknown client, it is refused.
func TestFakeRefreshByClientID(t *testing.T) {
	for _, byID := range []bool{false, true} {
		p := NewProvider(Config{RefreshByClientID: byID})
		t.Cleanup(p.Close)
		for id, want := range map[string]int{p.ClientID(): map[bool]int{false: 401, true: 200}[byID], "stranger": 401} {
			rt := p.IssueRefreshToken("")
			status, _ := postForm(t, p, "/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {id}})
			if status != want {
				t.Errorf("byID=%v, client %q: %d, want %d", byID, id, status, want)
			}
		}
	}
}

// TestFakeDialectAndCallbackParams: the Dialect turns a provider's own
// request into the standard one the fake speaks, Requests shows it as it
// was sent, the callback carries CallbackParams, and the token answer
// PersonaTokenFields.
func TestFakeDialectAndCallbackParams(t *testing.T) {
	p := NewProvider(Config{
		Dialect: func(r *http.Request) {
			q := r.URL.Query()
			if q.Has("appid") {
				q.Set("client_id", q.Get("appid"))
				q.Del("appid")
				r.URL.RawQuery = q.Encode()
			}
		},
		CallbackParams:     map[string]string{"device_id": "d1"},
		PersonaTokenFields: func(who Persona) map[string]any { return map[string]any{"openid": "o-" + who.UserID()} },
	})
	t.Cleanup(p.Close)
	q := authQuery(p.ClientID(), "http://app/cb")
	q.Set("appid", q.Get("client_id"))
	q.Del("client_id")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(p.URL + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || cb.Query().Get("device_id") != "d1" || cb.Query().Get("code") == "" {
		t.Fatalf("authorize with appid: %d %s, want a callback with the code and device_id", resp.StatusCode, cb)
	}
	if sent := p.RequestsTo("/authorize")[0].Query; !sent.Has("appid") || sent.Has("client_id") {
		t.Errorf("recorded query %v, want it as sent (appid)", sent)
	}
	_, ans := postForm(t, p, "/token", url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")},
		"redirect_uri": {"http://app/cb"}, "client_id": {p.ClientID()}, "client_secret": {p.ClientSecret()}})
	if ans["openid"] != "o-583231" {
		t.Errorf("token answer %v, want the user's openid", ans)
	}
}

// TestFakeRevokeAccessTokenField: the revocation endpoint takes the token
// as access_token too (LINE's name for it).
func TestFakeRevokeAccessTokenField(t *testing.T) {
	p := NewProvider(Config{})
	t.Cleanup(p.Close)
	at := p.IssueToken()
	status, _ := postForm(t, p, "/revoke", url.Values{"access_token": {at}, "client_id": {p.ClientID()}, "client_secret": {p.ClientSecret()}})
	if status != 200 || p.TokenActive(at) {
		t.Errorf("revoke by access_token: %d, still active %v", status, p.TokenActive(at))
	}
}
