package contrib_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

// TestPresetTumblrDevLogin: through the development provider's consent
// page, a Tumblr (OAuth 1.0a) login stores the token and its secret, and
// the profile maps the signed call to user/info: the user's name as ID,
// Login and Name.
func TestPresetTumblrDevLogin(t *testing.T) {
	cfg := contrib.TumblrConfig{OAuth1Endpoints: contrib.OAuth1Endpoints{Dev: pbDev(t)}}
	a := pbServe(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Tumblr(cfg) })
	authURL := a.authURL(t)
	if authURL.Path != "/tumblr/oauth/authorize" || authURL.Query().Get("oauth_token") == "" {
		t.Fatalf("authorization URL %s, want Tumblr's with a request token", authURL)
	}
	resp, err := a.b.PostForm(authURL.String(), url.Values{"oauth_token": {authURL.Query().Get("oauth_token")}, "decision": {"authorize"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	a.login = a.b.Get(a.b.Location(resp).String())
	a.login.Body.Close()
	if tok := a.ok(t); tok.OAuthToken == "" || tok.OAuthTokenSecret == "" {
		t.Errorf("token %+v, want an OAuth 1 token and secret", tok)
	}
	// The stand-in names the first persona by its ID, where Tumblr has
	// the blog name.
	if p := a.profile(t); p.ID != "1001" || p.Login != p.ID || p.Name != p.ID {
		t.Errorf("profile %+v, want the first persona's name as ID, Login and Name", p)
	}
}

// TestPresetTumblrSignsWithHMACSHA1: Tumblr's requests are signed with
// HMAC-SHA1, the identity call included, against the fake that checks
// the signature with the consumer secret.
func TestPresetTumblrSignsWithHMACSHA1(t *testing.T) {
	fake := dancetest.NewOAuth1Provider(dancetest.OAuth1Config{Paths: map[string]any{
		"/v2/user/info": map[string]any{"response": map[string]any{"user": map[string]any{"name": "staff"}}},
	}})
	t.Cleanup(fake.Close)
	cfg := contrib.TumblrConfig{
		ConsumerKey: fake.ConsumerKey(), ConsumerSecret: fake.ConsumerSecret(),
		OAuth1Endpoints: contrib.OAuth1Endpoints{
			RequestTokenURL: fake.URL + "/oauth/request_token", AuthURL: fake.URL + "/oauth/authorize", AccessTokenURL: fake.URL + "/oauth/access_token",
		},
	}
	cfg.BaseURL = fake.URL + "/v2/"
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Tumblr(cfg) }, "")
	a.ok(t)
	if p := a.profile(t); p.ID != "staff" {
		t.Errorf("profile %+v, want staff", p)
	}
	signed := 0
	for _, r := range fake.Requests() {
		if r.Path == "/oauth/authorize" {
			continue // the browser's visit
		}
		signed++
		if r.OAuth["oauth_signature_method"] != "HMAC-SHA1" || !r.Verified {
			t.Errorf("%s signed with %q (verified %v), want HMAC-SHA1", r.Path, r.OAuth["oauth_signature_method"], r.Verified)
		}
	}
	if signed < 3 { // request token, access token, user/info
		t.Errorf("%d signed requests, want the request token, access token and user/info", signed)
	}
	if status, _ := a.get(t, "/profile"); status != http.StatusOK {
		t.Error("second profile call failed")
	}
}
