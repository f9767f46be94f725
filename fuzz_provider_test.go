package dance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// The fuzz targets here drive the whole callback in process: a real login
// sets the state (and PKCE verifier, and nonce) in the session cookie, the
// callback carries that state, and the provider's answer is what the
// fuzzer makes it. The property is the one of every entry point: no panic,
// a clear 3xx/4xx/5xx, and nothing stored unless the answer was a token.

// inprocApp is an app served in process around one blueprint, with a
// memory storage and the error hooks recorded.
type inprocApp struct {
	bp   *dance.Blueprint
	mem  *storage.Memory
	r    *gin.Engine
	errs []*dance.Error // the error hooks' errors in the last call
	hook int            // how many times the authorized hooks ran
	uses int            // callbacks served by this blueprint
}

// buildInproc builds the app; build makes the blueprint with o, the
// app's memory storage and hooks.
func buildInproc(tb testing.TB, build func(o dance.Options) (*dance.Blueprint, error)) *inprocApp {
	tb.Helper()
	a := &inprocApp{mem: storage.NewMemory(nil)}
	bp, err := build(dance.Options{Storage: a.mem, Hooks: dance.Hooks{
		OnError: func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { a.errs = append(a.errs, e) },
		OnAuthorized: func(*gin.Context, *dance.Blueprint, *dance.Token) (bool, error) {
			a.hook++
			return true, nil
		},
	}})
	if err != nil {
		tb.Fatal(err)
	}
	a.bp, a.r = bp, apptest.NewRouterStorage(a.mem, bp)
	return a
}

// serve answers one GET in process.
func (a *inprocApp) serve(target, cookie string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", target, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	w := httptest.NewRecorder()
	a.r.ServeHTTP(w, req)
	return w
}

// login starts a dance and returns the session cookie and the provider
// redirect's query (state, nonce, …).
func (a *inprocApp) login(tb testing.TB) (cookie string, q url.Values) {
	tb.Helper()
	w := a.serve(a.bp.LoginURL(), "")
	if w.Code != http.StatusFound {
		tb.Fatalf("login: %d %q", w.Code, w.Body.String())
	}
	var parts []string
	for _, c := range w.Result().Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	u, err := url.Parse(w.Header().Get("Location"))
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Join(parts, "; "), u.Query()
}

// callback plays the provider's redirect back with query q and the cookie,
// resetting what the last call recorded.
func (a *inprocApp) callback(cookie string, q url.Values) *httptest.ResponseRecorder {
	a.errs, a.hook = nil, 0
	a.uses++
	return a.serve(a.bp.AuthorizedURL()+"?"+q.Encode(), cookie)
}

// checkFailure checks that w is a clear failure of stage, matching
// sentinel, with nothing stored and no authorized hook run.
func (a *inprocApp) checkFailure(t *testing.T, w *httptest.ResponseRecorder, stage dance.Stage, sentinel error, statuses ...int) {
	t.Helper()
	ok := false
	for _, s := range statuses {
		ok = ok || w.Code == s
	}
	if !ok {
		t.Fatalf("status %d (%q), want one of %v", w.Code, w.Body.String(), statuses)
	}
	// The default answer names no internal error, and carries an ID.
	if body := w.Body.String(); strings.Contains(body, "dance: ") || !strings.Contains(body, "Error ID") {
		t.Fatalf("body %q, want the default error page", body)
	}
	if len(a.errs) != 1 || !errors.Is(a.errs[0], sentinel) || a.errs[0].Stage != stage {
		t.Fatalf("error hooks got %v, want one %v at stage %s", a.errs, sentinel, stage)
	}
	if a.hook != 0 {
		t.Fatal("the authorized hooks ran")
	}
	if tok, _ := a.mem.Get(nil, a.bp.Name()); tok != nil {
		t.Fatal("a token was stored")
	}
}

// tokenAnswer is the fuzzed answer of a token endpoint.
type tokenAnswer struct {
	status      int
	contentType string
	body        []byte
	truncated   bool // the connection drops after body
}

// answerTransport answers requests to the token endpoint's path with
// the current answer, and hands every other request to next.
type answerTransport struct {
	path string
	next http.Handler

	mu  sync.Mutex
	ans tokenAnswer
}

func (t *answerTransport) set(a tokenAnswer) {
	t.mu.Lock()
	t.ans = a
	t.mu.Unlock()
}

func (t *answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path != t.path {
		return handlerTransport{t.next}.RoundTrip(req)
	}
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	t.mu.Lock()
	a := t.ans
	t.mu.Unlock()
	var body io.Reader = bytes.NewReader(a.body)
	if a.truncated {
		body = io.MultiReader(body, errReader{io.ErrUnexpectedEOF})
	}
	h := http.Header{}
	if a.contentType != "" {
		h.Set("Content-Type", a.contentType)
	}
	return &http.Response{
		Status: fmt.Sprintf("%d %s", a.status, http.StatusText(a.status)), StatusCode: a.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(body), ContentLength: -1, Request: req,
	}, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// rebuildEvery bounds the replay cache of a fuzzed blueprint: each
// callback adds a used state, and a fresh blueprint starts empty.
const rebuildEvery = 20_000

// FuzzTokenResponse: whatever the token endpoint answers (status, content
// type, body, a dropped connection), the callback either stores a token
// taken from a 2xx answer and redirects, or fails with a clear 502/504
// through the error hooks and stores nothing; it never panics.
func FuzzTokenResponse(f *testing.F) {
	for _, s := range []struct {
		status      uint16
		contentType string
		body        string
		truncated   bool
	}{
		{200, "application/json", `{"access_token":"at-1","token_type":"bearer","expires_in":3600,"scope":"a b"}`, false},
		{200, "application/json", `{"access_token":"at-1","token_type":"bearer"}`, true},
		{200, "application/json", `{"access_token": "trunc`, false},
		{200, "application/json", `{"token_type":"bearer"}`, false},
		{200, "application/json", `{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}`, false},
		{400, "application/json", `{"error":"invalid_grant"}`, false},
		{500, "text/html", `<html><body><h1>Internal Server Error</h1></body></html>`, false},
		{200, "text/html; charset=utf-8", `<!doctype html><title>Sign in</title>`, false},
		{200, "application/x-www-form-urlencoded", `access_token=at-2&token_type=bearer&scope=user%2Crepo`, false},
		{200, "text/plain", `access_token=at-3&expires_in=60`, false},
		{200, "application/json", `{"access_token":"at-4","expires_in":"3600","expires_at":"x"}`, false},
		{200, "application/json", `{"access_token":"at-5","expires_in":1e400}`, false},
		{200, "application/json", `{"access_token":"at-6","scope":["a",1,null]}`, false},
		{200, "application/json", `[]`, false},
		{200, "", ``, false},
		{302, "text/html", ``, false},
		{503, "application/json", `{"error":"temporarily_unavailable","error_uri":"https://x/y"}`, false},
	} {
		f.Add(s.status, s.contentType, []byte(s.body), s.truncated)
	}
	provider := dancetest.NewUnstartedProvider(dancetest.Config{})
	tr := &answerTransport{path: "/token", next: provider}
	build := func(o dance.Options) (*dance.Blueprint, error) {
		o.HTTPClient = &http.Client{Transport: tr}
		return dance.NewOAuth2(dance.OAuth2Config{
			Name: "github", ClientID: provider.ClientID(), ClientSecret: provider.ClientSecret(),
			AuthURL: "http://provider.invalid/authorize", TokenURL: "http://provider.invalid/token",
			Options: o,
		})
	}
	app := buildInproc(f, build)
	f.Fuzz(func(t *testing.T, status uint16, contentType string, body []byte, truncated bool) {
		if app.uses >= rebuildEvery {
			app = buildInproc(t, build)
		}
		st := int(status)
		if st < 200 || st > 599 {
			st = 200 + st%400
		}
		ans := tokenAnswer{status: st, contentType: contentType, body: body, truncated: truncated}
		tr.set(ans)
		cookie, q := app.login(t)
		w := app.callback(cookie, url.Values{"code": {"fuzz-code-0123456789"}, "state": {q.Get("state")}})
		if w.Code == http.StatusFound {
			tok, _ := app.mem.Get(nil, "github")
			if tok == nil || tok.AccessToken == "" {
				t.Fatalf("redirected without storing a token (answer %d %q %q)", ans.status, contentType, body)
			}
			if ans.status < 200 || ans.status > 299 || ans.truncated {
				t.Fatalf("stored a token from a %d answer (truncated %v)", ans.status, ans.truncated)
			}
			if loc := w.Header().Get("Location"); loc != "/" {
				t.Fatalf("redirect to %q", loc)
			}
			if len(app.errs) != 0 || app.hook != 1 {
				t.Fatalf("success with %d errors and %d hook runs", len(app.errs), app.hook)
			}
			_ = app.mem.Delete(nil, "github")
			return
		}
		app.checkFailure(t, w, dance.StageToken, dance.ErrTokenExchange, http.StatusBadGateway, http.StatusGatewayTimeout)
	})
}

// FuzzIDToken: whatever id_token string a token response carries, an
// OpenID Connect callback refuses it with a clear 403 through the error
// hooks, runs no authorized hook and stores nothing. The seeds are real
// tokens from the fake provider, signed with its key, good or spoiled one
// way; none carries the nonce of the login being played, so none passes.
func FuzzIDToken(f *testing.F) {
	const issuer = "http://provider.invalid"
	provider := dancetest.NewUnstartedProvider(dancetest.Config{Issuer: issuer})
	seeds := []string{
		"", "a", "a.b.c", "..", "e30.e30.e30",
		"eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwOi8vcHJvdmlkZXIuaW52YWxpZCJ9.",
		"eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwOi8vcHJvdmlkZXIuaW52YWxpZCJ9.c2ln",
		`{"protected":"e30","payload":"e30","signature":""}`,
	}
	for _, c := range []dancetest.IDTokenConfig{
		{}, {AlgNone: true}, {WrongKey: true}, {Expired: true},
		{Claims: map[string]any{"aud": "someone-else"}},
		{Claims: map[string]any{"iss": "https://evil.example"}},
		{Claims: map[string]any{"nonce": nil}},
		{Claims: map[string]any{"exp": "soon", "aud": []any{1, nil}}},
	} {
		provider.SetIDToken(c)
		seeds = append(seeds, mintIDToken(f, provider, "a-nonce-from-another-login"))
	}
	provider.SetIDToken(dancetest.IDTokenConfig{})
	for _, s := range seeds {
		f.Add(s)
	}
	tr := &answerTransport{path: "/token", next: provider}
	build := func(o dance.Options) (*dance.Blueprint, error) {
		o.BaseURL, o.HTTPClient = issuer+"/", &http.Client{Transport: tr}
		return dance.NewOAuth2(dance.OAuth2Config{
			Name: "oidc", ClientID: provider.ClientID(), ClientSecret: provider.ClientSecret(),
			AuthURL: "/authorize", TokenURL: "/token", Scopes: []string{"openid", "email"},
			Issuer: issuer, JWKSURL: "/jwks",
			Options: o,
		})
	}
	app := buildInproc(f, build)
	f.Fuzz(func(t *testing.T, idToken string) {
		if app.uses >= rebuildEvery {
			app = buildInproc(t, build)
		}
		body, _ := json.Marshal(map[string]any{"access_token": "at-oidc", "token_type": "bearer", "expires_in": 3600, "id_token": idToken})
		tr.set(tokenAnswer{status: 200, contentType: "application/json", body: body})
		cookie, q := app.login(t)
		if q.Get("nonce") == "" {
			t.Fatal("the login sent no nonce")
		}
		w := app.callback(cookie, url.Values{"code": {"fuzz-code-0123456789"}, "state": {q.Get("state")}})
		app.checkFailure(t, w, dance.StageToken, dance.ErrIDToken, http.StatusForbidden)
		if strings.Contains(w.Body.String(), q.Get("nonce")) {
			t.Fatal("the error shows the nonce")
		}
	})
}

// mintIDToken has the fake provider issue an ID token with nonce, through
// its own authorize and token endpoints, in process.
func mintIDToken(tb testing.TB, p *dancetest.Provider, nonce string) string {
	tb.Helper()
	q := p.CallbackQuery(url.Values{
		"client_id": {p.ClientID()}, "redirect_uri": {"http://app.invalid/cb"},
		"scope": {"openid email"}, "nonce": {nonce},
	})
	form := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {"http://app.invalid/cb"}}
	req := httptest.NewRequest("POST", "/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(p.ClientID(), p.ClientSecret())
	w := httptest.NewRecorder()
	p.ServeHTTP(w, req)
	var resp struct {
		IDToken string `json:"id_token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.IDToken == "" {
		tb.Fatalf("the fake provider issued no ID token: %d %q", w.Code, w.Body.String())
	}
	return resp.IDToken
}
