package interop

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-gonic/gin"
)

var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	formXSRF   = regexp.MustCompile(`name="xsrf" value="([^"]+)"`)
)

// confirmLogout submits oidc-provider's logout confirmation page p (its
// end_session_endpoint's answer) with "Yes, sign me out", and follows
// where the provider sends the browser.
func confirmLogout(t *testing.T, b *browser, issuer string, p *page) *page {
	t.Helper()
	action, xsrf := formAction.FindStringSubmatch(p.body), formXSRF.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || action == nil || xsrf == nil {
		t.Fatalf("the provider's logout page (%d at %s) has no form: %.300s", p.status, p.url.Redacted(), p.body)
	}
	u, err := url.Parse(issuer)
	if err != nil {
		t.Fatal(err)
	}
	target, err := u.Parse(action[1])
	if err != nil {
		t.Fatal(err)
	}
	return b.post(target.String(), url.Values{"xsrf": {xsrf[1]}, "logout": {"yes"}})
}

// withBye adds a public page to go to after a logout.
func withBye(r *gin.Engine) {
	r.GET("/bye", func(c *gin.Context) { c.String(http.StatusOK, "bye") })
}

// TestRPInitiatedLogout: the logout route deletes the token and sends
// the browser to the end_session_endpoint from discovery with
// id_token_hint, post_logout_redirect_uri (the logout route) and a
// state; oidc-provider ends its session and sends the browser back,
// where the state is checked before the user reaches next; a second use
// of that return is refused.
func TestRPInitiatedLogout(t *testing.T) {
	issuer := provider(t)
	bp, _ := newOIDC(t, issuer, dance.OAuth2Config{Name: "basic"})
	serve(t, newApp(t, bp, withBye))
	b := newBrowser(t)
	login(t, b)
	tok, _ := tokenOf(t, b, "/stored")
	if tok == nil {
		t.Fatal("no token stored")
	}

	p := b.post(apps.origin+bp.LogoutURL(), url.Values{"next": {"/bye"}})
	ends := b.visits(issuer, "/session/end")
	if len(ends) != 1 {
		t.Fatalf("the logout went to %s, not to the end_session_endpoint", p.url.Redacted())
	}
	q := ends[0].Query()
	if q.Get("id_token_hint") != tok["id_token"] || q.Get("post_logout_redirect_uri") != apps.origin+"/login/basic/logout" ||
		q.Get("client_id") != "basic" || q.Get("state") == "" {
		t.Errorf("end_session request: hint %v, post_logout_redirect_uri %q, client_id %q, state %v",
			q.Get("id_token_hint") == tok["id_token"], q.Get("post_logout_redirect_uri"), q.Get("client_id"), q.Get("state") != "")
	}
	if p := b.get("/stored"); p.status != http.StatusNotFound {
		t.Errorf("/stored after the logout route: %d", p.status)
	}

	end := confirmLogout(t, b, issuer, p)
	if end.status != http.StatusOK || end.body != "bye" {
		t.Fatalf("the provider's return ended with %d at %s: %.200s", end.status, end.url.Redacted(), end.body)
	}
	returns := b.visits(apps.origin, "/login/basic/logout")
	back := returns[len(returns)-1]
	if back.Query().Get("state") != q.Get("state") {
		t.Errorf("the provider came back with state %q, want the one sent", back.Query().Get("state"))
	}
	if got := introspect(t, issuer, tok["access_token"].(string)); got["active"] != false {
		t.Errorf("the provider's session ended but its access token is active: %v", got)
	}
	if again := b.get(back.String()); again.status != http.StatusForbidden {
		t.Errorf("a second use of the return answered %d, want 403", again.status)
	}
	forged := *back
	forged.RawQuery = url.Values{"state": {"forged"}}.Encode()
	if p := b.get(forged.String()); p.status != http.StatusForbidden {
		t.Errorf("a return with a forged state answered %d, want 403", p.status)
	}
}

// endedSessions is a logoutstore.Store that two app instances share, as a
// fleet shares the redis module's.
type endedSessions struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (s *endedSessions) End(_ context.Context, key string, at, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at.After(s.at[key]) {
		s.at[key] = at
	}
	return nil
}

func (s *endedSessions) Ended(_ context.Context, keys ...string) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var latest time.Time
	for _, k := range keys {
		if s.at[k].After(latest) {
			latest = s.at[k]
		}
	}
	return latest, nil
}

// TestBackChannelLogout: alice logs in through instance A; instance B
// (another blueprint and app, sharing the cookie keys and the record of
// ended sessions) serves her too. She then logs out at the provider
// itself; oidc-provider POSTs a logout_token to the app's back-channel
// route, which verifies it; and on her next request instance B finds her
// logged out, deletes her token, and a replay of the logout is refused.
func TestBackChannelLogout(t *testing.T) {
	issuer := provider(t)
	shared := &endedSessions{at: map[string]time.Time{}}
	var logoutToken sync.Map // the back-channel logouts' form, by instance
	instance := func(name string) (http.Handler, *requests) {
		bp, _ := newOIDC(t, issuer, dance.OAuth2Config{Name: "basic", Options: dance.Options{EndedSessions: shared}})
		reqs := &requests{}
		app := newApp(t, bp, nil)
		return reqs.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/login/basic/backchannel-logout" {
				body, _ := io.ReadAll(r.Body)
				logoutToken.Store(name, string(body))
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			app.ServeHTTP(w, r)
		})), reqs
	}
	a, aReqs := instance("A")
	bInst, _ := instance("B")
	b := newBrowser(t)
	serve(t, a)
	login(t, b)
	serve(t, bInst)
	if p := b.get("/"); p.status != http.StatusOK || p.body != "hello alice" {
		t.Fatalf("instance B before the logout: %d %s", p.status, p.body)
	}

	serve(t, a)
	confirmLogout(t, b, issuer, b.follow(http.MethodGet, mustParse(t, issuer+"/session/end"), nil))
	deadline := time.Now().Add(5 * time.Second)
	for aReqs.count("POST /login/basic/backchannel-logout 200") == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if aReqs.count("POST /login/basic/backchannel-logout 200") != 1 {
		t.Fatalf("instance A did not accept one back-channel logout: %v", aReqs.list)
	}

	serve(t, bInst)
	if p := b.get("/token"); p.status != http.StatusNotFound {
		t.Fatalf("instance B after the back-channel logout: /token answered %d %s, want no token", p.status, p.body)
	}
	if p := b.get("/stored"); p.status != http.StatusNotFound {
		t.Errorf("instance B kept the ended session's token in the cookie: %d", p.status)
	}

	// The provider's logout token, sent again: its jti is used up.
	serve(t, a)
	form, _ := logoutToken.Load("A")
	resp, err := http.Post(apps.origin+"/login/basic/backchannel-logout", "application/x-www-form-urlencoded", strings.NewReader(form.(string)))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a replayed logout token answered %d, want 400", resp.StatusCode)
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
