package main

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
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

// offline starts the example against the fake dressed as Google, as main
// does without credentials.
func offline(t *testing.T) (*dancetest.Provider, *app, string, *dancetest.Browser) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	fake := newFake()
	t.Cleanup(fake.Close)
	a, err := newApp(fakeGoogle(fake), testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Engine)
	t.Cleanup(srv.Close)
	return fake, a, srv.URL, dancetest.NewBrowser(t)
}

// click starts the login, opens the consent page, and presses a button;
// it returns the authorization request's query and the callback URL.
func click(t *testing.T, br *dancetest.Browser, base string, fake *dancetest.Provider, button string) (url.Values, *url.URL) {
	t.Helper()
	resp := br.Get(base + "/login/google")
	body(t, resp.Body)
	authz := br.Location(resp)
	page := body(t, br.Get(authz.String()).Body)
	m := regexp.MustCompile(`name="query" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `id="authorize"`) {
		t.Fatalf("no consent page:\n%s", page)
	}
	resp, err := br.PostForm(fake.URL+"/authorize", url.Values{"query": {html.UnescapeString(m[1])}, "decision": {button}})
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp.Body)
	return authz.Query(), br.Location(resp)
}

func post(t *testing.T, br *dancetest.Browser, u string) {
	t.Helper()
	resp, err := br.PostForm(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp.Body)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d", u, resp.StatusCode)
	}
}

// refreshGrants counts the refresh_token grants the fake answered.
func refreshGrants(fake *dancetest.Provider) int {
	n := 0
	for _, r := range fake.RequestsTo("/token") {
		if r.Form.Get("grant_type") == "refresh_token" {
			n++
		}
	}
	return n
}

// Authorize on the consent page: the login asked for offline access with
// a nonce, the ID token was verified against keys fetched from Google's
// JWKS URL, and the page shows the verified claims and the profile.
func TestGoogleAuthorizeShowsClaimsAndProfile(t *testing.T) {
	fake, _, base, br := offline(t)
	q, cb := click(t, br, base, fake, "authorize")
	if q.Get("access_type") != "offline" || q.Get("scope") != "openid email profile" || q.Get("nonce") == "" || q.Get("prompt") != "consent" {
		t.Fatalf("authorization request: access_type=%q scope=%q prompt=%q nonce set=%v",
			q.Get("access_type"), q.Get("scope"), q.Get("prompt"), q.Get("nonce") != "")
	}
	resp := br.Get(cb.String())
	body(t, resp.Body)
	if loc := br.Location(resp); loc.Path != "/" {
		t.Fatalf("after the dance: redirect to %s", loc)
	}
	if len(fake.RequestsTo("/oauth2/v3/certs")) == 0 {
		t.Fatal("the ID token was not checked against the key set at Google's JWKS path")
	}
	page := body(t, br.Get(base+"/").Body)
	for _, want := range []string{
		"You are Ada Lovelace &lt;ada@example.com&gt; on Google",
		`<td id="claim-iss">https://accounts.google.com</td>`,
		`<td id="claim-sub">108204268033311374519</td>`,
		`<td id="claim-email">ada@example.com</td>`,
		"<td>Email verified</td><td>yes</td>",
		"and dance will refresh it then",
	} {
		if !strings.Contains(page, want) {
			t.Fatalf("home page has no %q:\n%s", want, page)
		}
	}
	if len(fake.RequestsTo("/oauth2/v2/userinfo")) == 0 {
		t.Fatal("the profile did not come from the userinfo endpoint")
	}
}

// "Expire it now" makes the stored token stale: the next API call
// refreshes it once, the refresh hook's message is shown, and the new
// token is saved (the page after it needs no second refresh).
func TestGoogleRefreshAfterExpiry(t *testing.T) {
	fake, _, base, br := offline(t)
	_, cb := click(t, br, base, fake, "authorize")
	body(t, br.Get(cb.String()).Body)
	body(t, br.Get(base+"/").Body)
	if n := refreshGrants(fake); n != 0 {
		t.Fatalf("%d refreshes before expiry", n)
	}
	post(t, br, base+"/expire")
	page := body(t, br.Get(base+"/").Body)
	if !strings.Contains(page, "Your access token had expired; dance refreshed it.") || !strings.Contains(page, "You are Ada Lovelace") {
		t.Fatalf("home page after expiry:\n%s", page)
	}
	if n := refreshGrants(fake); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
	page = body(t, br.Get(base+"/").Body)
	if n := refreshGrants(fake); n != 1 || strings.Contains(page, "refreshed") || !strings.Contains(page, `id="claim-iss"`) {
		t.Fatalf("after a refresh, the next page made %d refreshes in all:\n%s", n, page)
	}
}

// A user whose stored token expired an hour ago (a session from
// yesterday): the home page refreshes it, runs the refresh hook, shows
// the claims of the refreshed (and verified) ID token, and stores the new
// token in the session cookie.
func TestGoogleExpiredStoredTokenRefreshed(t *testing.T) {
	fake, a, _, _ := offline(t)
	old := dancetest.ExpiredToken(fake.IssueToken())
	old.RefreshToken = fake.IssueRefreshToken("openid email profile")
	w := httptest.NewRecorder()
	a.Engine.ServeHTTP(w, dancetest.AuthorizedRequest(t, "GET", "/", a.Store, sessionName, a.Google, old))
	page := w.Body.String()
	if w.Code != 200 || !strings.Contains(page, "Your access token had expired; dance refreshed it.") || !strings.Contains(page, `<td id="claim-iss">https://accounts.google.com</td>`) {
		t.Fatalf("got %d:\n%s", w.Code, page)
	}
	if n := refreshGrants(fake); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
	// The refreshed token went to storage: read it back from the cookie.
	var saved *dance.Token
	r := gin.New()
	r.Use(sessions.Sessions(sessionName, a.Store), a.Google.Middleware())
	r.GET("/", func(c *gin.Context) { saved, _ = c.MustGet("google").(*dance.Client).Token() })
	req := httptest.NewRequest("GET", "/", nil)
	for _, c := range w.Result().Cookies() {
		req.AddCookie(c)
	}
	r.ServeHTTP(httptest.NewRecorder(), req)
	if saved == nil || saved.AccessToken == old.AccessToken || saved.RefreshToken != old.RefreshToken || !saved.ExpiresAt.After(time.Now()) {
		t.Fatal("the session does not hold a fresh token with the old refresh token")
	}
	if _, ok := saved.Get("id_token").(string); !ok {
		t.Fatal("the refreshed token has no ID token")
	}
}

// An ID token signed with a key that is not in Google's key set is
// refused: an error message, and no login.
func TestGoogleBadIDTokenRefused(t *testing.T) {
	fake, _, base, br := offline(t)
	fake.SetIDToken(dancetest.IDTokenConfig{WrongKey: true})
	_, cb := click(t, br, base, fake, "authorize")
	body(t, br.Get(cb.String()).Body)
	page := body(t, br.Get(base+"/").Body)
	if !strings.Contains(page, "Login with Google failed: Google did not complete the login.") || strings.Contains(page, "You are") {
		t.Fatalf("home page after a forged ID token:\n%s", page)
	}
}

// Deny on the consent page: the error hook's message, no login.
func TestGoogleDeny(t *testing.T) {
	fake, _, base, br := offline(t)
	_, cb := click(t, br, base, fake, "deny")
	body(t, br.Get(cb.String()).Body)
	page := body(t, br.Get(base+"/").Body)
	if !strings.Contains(page, "Login with Google failed: The user denied the request.") || strings.Contains(page, "You are") {
		t.Fatalf("home page after deny:\n%s", page)
	}
}

// Logging out revokes the grant at the provider (Google's revocation URL,
// carried to the fake) and forgets the token.
func TestGoogleLogoutRevokes(t *testing.T) {
	fake, _, base, br := offline(t)
	_, cb := click(t, br, base, fake, "authorize")
	body(t, br.Get(cb.String()).Body)
	post(t, br, base+"/logout")
	revokes := fake.RequestsTo("/revoke")
	if len(revokes) != 1 || fake.TokenActive(revokes[0].Form.Get("token")) {
		t.Fatalf("%d revocations; the grant is still active", len(revokes))
	}
	if page := body(t, br.Get(base+"/").Body); strings.Contains(page, "You are") || !strings.Contains(page, `id="login"`) {
		t.Fatalf("home page after logout:\n%s", page)
	}
}

// With credentials, the login goes to Google itself, asking for offline
// access and an ID token.
func TestGoogleRealEndpoints(t *testing.T) {
	gin.SetMode(gin.TestMode)
	a, err := newApp(contrib.GoogleConfig{ClientID: "id", ClientSecret: "secret"}, testKeys[0], testKeys[1])
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	a.Engine.ServeHTTP(w, httptest.NewRequest("GET", "/login/google", nil))
	loc, err := url.Parse(w.Header().Get("Location"))
	if err != nil || w.Code != http.StatusFound || loc.Host != "accounts.google.com" {
		t.Fatalf("got %d to %v", w.Code, loc)
	}
	if q := loc.Query(); q.Get("access_type") != "offline" || q.Get("nonce") == "" || q.Get("client_id") != "id" {
		t.Fatalf("authorization request %v", q)
	}
}
