package dance_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/logout"
	"github.com/gin-gonic/gin"
)

// loggedIn is an OpenID Connect harness (discovery, so with the fake's
// end_session_endpoint) whose browser has logged in.
func loggedIn(t *testing.T, edit func(*dance.Options)) *harness {
	t.Helper()
	h, _ := newOIDCHarness(t, dancetest.Config{}, func(p *dancetest.Provider, opts func(*dance.Options)) (*dance.Blueprint, error) {
		return discovered(p, func(o *dance.Options) {
			opts(o)
			if edit != nil {
				edit(o)
			}
		})
	})
	h.Browser.Dance(h.URL("/login/oidc"), dancetest.Want{Stored: "/private"})
	return h
}

// logoutPOST posts to the logout route with the given headers.
func logoutPOST(t *testing.T, h *harness, header http.Header, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.URL("/login/"+h.Name+"/logout"), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := h.Browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestLogoutRPInitiatedRedirectParameters(t *testing.T) {
	h := loggedIn(t, nil)
	idToken, _ := h.StoredToken()["id_token"].(string)
	if idToken == "" {
		t.Fatal("no id_token stored")
	}
	resp := h.Browser.Logout(h.URL(h.BP.LogoutURL()), "/bye")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST logout = %d, want 303; errors %v", resp.StatusCode, h.Errors())
	}
	end := h.Browser.Location(resp)
	q := end.Query()
	if got, want := end.Scheme+"://"+end.Host+end.Path, h.P.Issuer()+"/end_session"; got != want {
		t.Fatalf("redirected to %s, want %s", got, want)
	}
	if q.Get("id_token_hint") != idToken {
		t.Error("id_token_hint is not the stored ID token")
	}
	if got, want := q.Get("post_logout_redirect_uri"), h.URL("/login/oidc/logout"); got != want {
		t.Errorf("post_logout_redirect_uri = %q, want %q", got, want)
	}
	if q.Get("client_id") != h.P.ClientID() {
		t.Errorf("client_id = %q", q.Get("client_id"))
	}
	if len(q.Get("state")) < 43 {
		t.Errorf("state has %d chars, want a 32-byte random value", len(q.Get("state")))
	}
	if tok := h.StoredToken(); tok != nil {
		t.Fatalf("token still stored after logout: %v", tok)
	}
	if resp, _ := h.Get(h.URL("/private")); resp.StatusCode != http.StatusFound {
		t.Errorf("/private after logout = %d, want 302 to login", resp.StatusCode)
	}
	back := h.Approve(end) // the provider sends the browser back
	if back.Path != "/login/oidc/logout" || back.Query().Get("state") != q.Get("state") {
		t.Fatalf("provider sent the browser to %s", back.Path)
	}
	resp, body := h.Get(back.String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/bye" {
		t.Fatalf("return = %d to %q (%s); want 302 to /bye", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	logs := h.Logs.String()
	for _, secret := range append(h.P.Secrets(), q.Get("state"), idToken) {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold a secret (%d chars)", len(secret))
		}
	}
	// Replayed with the new cookie: no logout pending any more.
	if resp, _ := h.Get(back.String()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("replayed return = %d, want 403", resp.StatusCode)
	}
}

func TestLogoutReturnForgedStateRefused(t *testing.T) {
	h := loggedIn(t, nil)
	resp := h.Browser.Logout(h.URL(h.BP.LogoutURL()), "")
	resp.Body.Close()
	end := h.Browser.Location(resp)
	forged := h.URL("/login/oidc/logout?state=" + url.QueryEscape(strings.Repeat("A", 43)))
	if resp, _ := h.Get(forged); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forged state = %d, want 403", resp.StatusCode)
	}
	errs := h.Errors()
	if len(errs) != 1 || errs[0].Stage != dance.StageLogout {
		t.Fatalf("error hooks saw %v, want one of stage logout", errs)
	}
	// The genuine return still works, to NextURL.
	resp, _ = h.Get(h.Approve(end).String())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Fatalf("genuine return = %d to %q, want 302 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLogoutReturnReplayedWithOldCookieRefused(t *testing.T) {
	h := loggedIn(t, nil)
	resp := h.Browser.Logout(h.URL(h.BP.LogoutURL()), "")
	resp.Body.Close()
	back := h.Approve(h.Browser.Location(resp))
	app, _ := url.Parse(h.App.URL)
	old := h.Browser.Jar.Cookies(app) // the session with the logout pending
	if resp, _ := h.Get(back.String()); resp.StatusCode != http.StatusFound {
		t.Fatalf("return = %d, want 302", resp.StatusCode)
	}
	replay := dancetest.NewBrowser(t)
	replay.Jar.SetCookies(app, old)
	resp = replay.Get(back.String())
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("return replayed with the old cookie = %d, want 403", resp.StatusCode)
	}
}

func TestLogoutReturnExpiredStateRefused(t *testing.T) {
	h := loggedIn(t, nil)
	resp := h.Browser.Logout(h.URL(h.BP.LogoutURL()), "")
	resp.Body.Close()
	back := h.Approve(h.Browser.Location(resp))
	h.Clock.Set(11 * time.Minute)
	if resp, _ := h.Get(back.String()); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("return after 11 minutes = %d, want 403", resp.StatusCode)
	}
}

func TestLogoutCrossSiteRefused(t *testing.T) {
	h := loggedIn(t, nil)
	for _, c := range []struct {
		name   string
		header http.Header
	}{
		{"other origin", http.Header{"Origin": {"https://evil.example"}}},
		{"cross-site fetch", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"other referer", http.Header{"Referer": {"https://evil.example/page"}}},
		{"no header", http.Header{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if resp := logoutPOST(t, h, c.header, nil); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("logout = %d, want 403", resp.StatusCode)
			}
			if h.StoredToken() == nil {
				t.Fatal("a refused logout deleted the token")
			}
		})
	}
	if resp := logoutPOST(t, h, http.Header{"Sec-Fetch-Site": {"same-origin"}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin logout = %d, want 303", resp.StatusCode)
	}
}

func TestLogoutGETWithoutStateIs405(t *testing.T) {
	h := loggedIn(t, nil)
	resp, _ := h.Get(h.URL("/login/oidc/logout"))
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost {
		t.Fatalf("GET logout = %d (Allow %q), want 405", resp.StatusCode, resp.Header.Get("Allow"))
	}
	if h.StoredToken() == nil {
		t.Fatal("a GET logged the user out")
	}
}

func TestLogoutLocalWithoutEndSession(t *testing.T) {
	var hooked int
	h := newHarness(t, dancetest.Config{}, func(c *dance.OAuth2Config) { // plain OAuth 2: no end-session endpoint
		c.Hooks.OnLogout = func(c *gin.Context, bp *dance.Blueprint) { hooked++ }
	})
	h.Browser.Dance(h.URL("/login/github"), dancetest.Want{Stored: "/private"})
	resp := h.Browser.Logout(h.URL(h.BP.LogoutURL()), "/after")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/after" {
		t.Fatalf("logout = %d to %q, want 303 to /after", resp.StatusCode, resp.Header.Get("Location"))
	}
	if h.StoredToken() != nil || hooked != 1 {
		t.Fatalf("after logout: token %v, logout hook ran %d times", h.StoredToken(), hooked)
	}
	// An unsafe next is ignored.
	resp = h.Browser.Logout(h.URL(h.BP.LogoutURL()), "https://evil.example/")
	resp.Body.Close()
	if resp.Header.Get("Location") != "/" {
		t.Fatalf("logout with an absolute next went to %q", resp.Header.Get("Location"))
	}
	if resp, _ := h.Get(h.URL("/login/github/backchannel-logout")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a blueprint that does not verify ID tokens has a back-channel route (%d)", resp.StatusCode)
	}
}

// backChannel sends a logout token to the harness app and returns the
// status, the Cache-Control header and the JSON error.
func backChannel(t *testing.T, h *harness, token string) (int, string, string) {
	t.Helper()
	resp, err := h.P.BackChannelLogout(h.URL("/login/oidc/backchannel-logout"), token)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct{ Error string }
	if resp.StatusCode != http.StatusOK {
		if err := json.Unmarshal(b, &e); err != nil || e.Error != "invalid_request" {
			t.Errorf("refusal body %q is not a JSON error", b)
		}
	}
	return resp.StatusCode, resp.Header.Get("Cache-Control"), string(b)
}

func TestBackChannelLogoutEndsCookieSession(t *testing.T) {
	var hooked, bcl int
	h := loggedIn(t, func(o *dance.Options) {
		o.Hooks.OnLogout = func(c *gin.Context, bp *dance.Blueprint) {
			hooked++
			sessionOf(c).Set("user", nil)
		}
		o.Hooks.OnBackChannelLogout = func(c *gin.Context, bp *dance.Blueprint, sub, sid string) error {
			if sub != "583231" || sid == "" {
				t.Errorf("back-channel hook got sub %q, sid %q", sub, sid)
			}
			bcl++
			return nil
		}
	})
	status, cache, body := backChannel(t, h, h.P.LogoutToken(nil))
	if status != http.StatusOK || cache != "no-store" {
		t.Fatalf("back-channel logout = %d (Cache-Control %q) %s", status, cache, body)
	}
	if resp, _ := h.Get(h.URL("/private")); resp.StatusCode != http.StatusFound {
		t.Fatalf("/private after a back-channel logout = %d, want 302 to login", resp.StatusCode)
	}
	if tok := h.StoredToken(); tok != nil {
		t.Fatalf("the token survived a back-channel logout: %v", tok)
	}
	if hooked != 1 || bcl != 1 {
		t.Fatalf("logout hook ran %d times, back-channel hook %d, want 1 and 1", hooked, bcl)
	}
	// A login after the logout is not ended by it (its ID token is issued
	// later: a second later here, without waiting for the clock).
	h.P.SetIDToken(dancetest.IDTokenConfig{Claims: map[string]any{"iat": time.Now().Add(time.Second).Unix()}})
	h.Browser.Dance(h.URL("/login/oidc"), dancetest.Want{Stored: "/private"})
}

func TestBackChannelLogoutBySessionEndsOnlyThatSession(t *testing.T) {
	h := loggedIn(t, nil) // the browser of provider session 1
	other := dancetest.NewBrowser(t)
	h.P.SetIDToken(dancetest.IDTokenConfig{Claims: map[string]any{"sid": "second-session"}})
	other.Dance(h.URL("/login/oidc"), dancetest.Want{Stored: "/private"})
	first := h.P.SessionID()
	if status, _, body := backChannel(t, h, h.P.LogoutToken(map[string]any{"sid": first})); status != http.StatusOK {
		t.Fatalf("back-channel logout = %d %s", status, body)
	}
	if resp, _ := h.Get(h.URL("/private")); resp.StatusCode != http.StatusFound {
		t.Errorf("session 1 after its logout: /private = %d, want 302", resp.StatusCode)
	}
	resp := other.Get(h.URL("/private"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("session 2 after session 1's logout: /private = %d, want 200", resp.StatusCode)
	}
	// A logout of the user (sub, no sid) ends every session issued before it.
	if status, _, body := backChannel(t, h, h.P.LogoutToken(map[string]any{"sid": nil})); status != http.StatusOK {
		t.Fatalf("back-channel logout by sub = %d %s", status, body)
	}
	resp = other.Get(h.URL("/private"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("session 2 after the user's logout: /private = %d, want 302", resp.StatusCode)
	}
}

func TestBackChannelLogoutReplayedJTIRefused(t *testing.T) {
	h := loggedIn(t, nil)
	tok := h.P.LogoutToken(nil)
	if status, _, body := backChannel(t, h, tok); status != http.StatusOK {
		t.Fatalf("first = %d %s", status, body)
	}
	status, cache, body := backChannel(t, h, tok)
	if status != http.StatusBadRequest || cache != "no-store" || !strings.Contains(body, "used before") {
		t.Fatalf("replayed = %d (Cache-Control %q) %s, want 400", status, cache, body)
	}
}

// TestBackChannelLogoutTokenRefusals has one subtest per check of the
// logout token (Back-Channel Logout 1.0, section 2.6): each refusal
// answers 400 with a JSON error, and logs no one out.
func TestBackChannelLogoutTokenRefusals(t *testing.T) {
	h := loggedIn(t, nil)
	now := time.Now()
	good := h.P.LogoutToken(nil)
	parts := strings.Split(good, ".")
	cases := []struct {
		name, token, want string
	}{
		{"missing", "", "no logout_token"},
		{"not a JWT", "not-a-jwt", "not a signed JWT"},
		{"alg none", noneToken(t, parts[1]), "algorithm"},
		{"bad signature", parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-4] + "AAAA", "signature"},
		{"key not in the JWKS", h.P.LogoutToken(map[string]any{"wrong_key": true}), "signature"},
		{"typ of another JWT", h.P.LogoutToken(map[string]any{"typ": "at+jwt"}), "typ"},
		{"iss", h.P.LogoutToken(map[string]any{"iss": "https://evil.example"}), "iss"},
		{"aud", h.P.LogoutToken(map[string]any{"aud": "someone-else"}), "aud"},
		{"iat missing", h.P.LogoutToken(map[string]any{"iat": nil}), "iat"},
		{"iat too old", h.P.LogoutToken(map[string]any{"iat": now.Add(-time.Hour).Unix(), "exp": now.Add(time.Hour).Unix()}), "iat"},
		{"iat in the future", h.P.LogoutToken(map[string]any{"iat": now.Add(time.Hour).Unix(), "exp": now.Add(2 * time.Hour).Unix()}), "iat"},
		{"expired", h.P.LogoutToken(map[string]any{"exp": now.Add(-time.Minute).Unix()}), "expired"},
		{"events missing", h.P.LogoutToken(map[string]any{"events": nil}), "events"},
		{"events of another kind", h.P.LogoutToken(map[string]any{"events": map[string]any{"http://example.com/other": map[string]any{}}}), "events"},
		{"event not an object", h.P.LogoutToken(map[string]any{"events": map[string]any{dancetest.BackChannelLogoutEvent: "yes"}}), "events"},
		{"neither sub nor sid", h.P.LogoutToken(map[string]any{"sub": nil, "sid": nil}), "neither sub nor sid"},
		{"nonce", h.P.LogoutToken(map[string]any{"nonce": "n"}), "nonce"},
		{"jti missing", h.P.LogoutToken(map[string]any{"jti": nil}), "jti"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, cache, body := backChannel(t, h, c.token)
			if status != http.StatusBadRequest || cache != "no-store" || !strings.Contains(body, c.want) {
				t.Fatalf("= %d (Cache-Control %q) %s; want 400 naming %q", status, cache, body, c.want)
			}
			if resp, _ := h.Get(h.URL("/private")); resp.StatusCode != http.StatusOK {
				t.Fatalf("a refused logout token logged the user out (/private = %d)", resp.StatusCode)
			}
		})
	}
	if strings.Contains(h.Logs.String(), parts[2]) {
		t.Error("a logout token reached the logs")
	}
	// None of the refusals used up the good token's jti.
	if status, _, body := backChannel(t, h, good); status != http.StatusOK {
		t.Fatalf("the good token after the refusals = %d %s", status, body)
	}
}

// noneToken is an unsigned JWT ("alg": "none") with the given payload.
func noneToken(t *testing.T, payload string) string {
	t.Helper()
	return "eyJhbGciOiJub25lIiwidHlwIjoibG9nb3V0K2p3dCJ9." + payload + "."
}

// failingEnded is a record of ended sessions that cannot be read.
type failingEnded struct{}

func (failingEnded) End(context.Context, string, time.Time, time.Time) error { return nil }
func (failingEnded) Ended(context.Context, ...string) (time.Time, error) {
	return time.Time{}, errors.New("record down")
}

func TestBackChannelRecordDownRefusesToken(t *testing.T) {
	h, _ := newOIDCHarness(t, dancetest.Config{}, func(p *dancetest.Provider, opts func(*dance.Options)) (*dance.Blueprint, error) {
		return discovered(p, func(o *dance.Options) {
			opts(o)
			o.EndedSessions = failingEnded{}
		})
	})
	h.Browser.Dance(h.URL("/login/oidc"))
	if h.StoredToken() == nil {
		t.Fatal("no token stored")
	}
	if resp, _ := h.Get(h.URL("/private")); resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("/private with the record down = %d, want 500", resp.StatusCode)
	}
}

func TestBackChannelLogoutPathOff(t *testing.T) {
	h := loggedIn(t, func(o *dance.Options) { o.BackChannelLogoutPath = "-" })
	resp, err := h.P.BackChannelLogout(h.URL("/login/oidc/backchannel-logout"), h.P.LogoutToken(nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("back-channel route with the path \"-\" = %d, want 404", resp.StatusCode)
	}
}

// TestBackChannelLogoutAcrossInstances: two instances of an app (two Gin
// engines, each with its own blueprint) share the session keys, the
// record of used states and the record of ended sessions; a back-channel
// logout that the second receives logs the user out on the first, with a
// cookie-only session (nothing on the server to delete).
func TestBackChannelLogoutAcrossInstances(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(p.Close)
	ended := logout.NewMemory(time.Now)
	used := flowstate.NewReplayCache(time.Now)
	instance := func() string {
		cfg := dance.OAuth2Config{Name: "oidc", ClientID: p.ClientID(), ClientSecret: p.ClientSecret(), Issuer: p.Issuer()}
		cfg.EndedSessions, cfg.UsedStates = ended, used
		bp, err := dance.NewOIDC(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return apptest.TestServer(t, apptest.NewRouter(bp))
	}
	a, b := instance(), instance()
	browser := dancetest.NewBrowser(t)
	browser.Dance(a+"/login/oidc", dancetest.Want{Stored: "/private"})
	resp, err := p.BackChannelLogout(b+"/login/oidc/backchannel-logout", p.LogoutToken(nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("back-channel logout on instance b = %d", resp.StatusCode)
	}
	resp = browser.Get(a + "/private")
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("instance a after the logout on b: /private = %d, want 302 to login", resp.StatusCode)
	}
	// The same token sent to instance a is a replay.
	tok := p.LogoutToken(nil)
	for i, app := range []string{a, b} {
		resp, err := p.BackChannelLogout(app+"/login/oidc/backchannel-logout", tok)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := []int{http.StatusOK, http.StatusBadRequest}[i]; resp.StatusCode != want {
			t.Fatalf("logout token sent to instance %d = %d, want %d", i, resp.StatusCode, want)
		}
	}
}

// TestLogoutRouteBothProtocols: the logout route of an OAuth 1 blueprint,
// and of an OAuth 2 one, logs out locally.
func TestLogoutRouteBothProtocols(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			h := proto.new(t, nil)
			h.Browser.Dance(h.URL(h.LoginPath()), dancetest.Want{Stored: "/private"})
			resp := h.Browser.Logout(h.URL(h.BP.LogoutURL()), "")
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
				t.Fatalf("logout = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp, _ := h.Get(h.URL("/private")); resp.StatusCode != http.StatusFound {
				t.Fatalf("/private after logout = %d, want 302", resp.StatusCode)
			}
		})
	}
}
