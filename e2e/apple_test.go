package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

// appleSites serves a fake Sign in with Apple on http://127.0.0.1:PORT
// and an app with the Apple preset on http://localhost:PORT: two sites, so
// that Apple's form_post answer is a cross-site POST, as in production.
// The app's session cookie is SameSite=Lax. A third server, on Apple's
// site, serves /post, a page that POSTs the fields of its query to the
// app's callback: a forged or replayed answer from another site.
func appleSites(t *testing.T) (fake *dancetest.Provider, app, attacker string) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	fake = dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	att := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		action := q.Get("action")
		q.Del("action")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = postPage.Execute(w, map[string]any{"Action": action, "Fields": q})
	}))
	t.Cleanup(att.Close)

	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	cfg := contrib.AppleConfig{TeamID: "TEAM123456", KeyID: "KEY1234567",
		PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	bp, err := contrib.Apple(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store := cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))
	store.Options(sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	r := gin.New()
	r.Use(sessions.Sessions("session", store))
	bp.Register(r.Group("/login"))
	r.GET("/", bp.Middleware(), func(c *gin.Context) {
		p, err := c.MustGet("apple").(*dance.Client).Profile()
		c.Header("Content-Type", "text/html; charset=utf-8")
		if err != nil {
			c.String(http.StatusOK, `<a id="login" href="/login/apple">Sign in with Apple</a>`)
			return
		}
		c.String(http.StatusOK, `<p id="greeting">%s</p>`, template.HTMLEscapeString(p.Email))
	})
	srv := httptest.NewUnstartedServer(r)
	ln, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return fake, "http://localhost:" + portOf(ln.Addr()), att.URL
}

var postPage = template.Must(template.New("post").Parse(`<!doctype html>
<html><body onload="document.forms[0].submit()"><form method="post" action="{{.Action}}">
{{range $k, $vs := .Fields}}{{range $vs}}<input type="hidden" name="{{$k}}" value="{{.}}">{{end}}{{end}}
</form></body></html>`))

func portOf(a net.Addr) string { return fmt.Sprint(a.(*net.TCPAddr).Port) }

// cookies returns the browser's cookies for rawURL.
func cookies(t *testing.T, ctx context.Context, rawURL string) []*network.Cookie {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.Action[[]*network.Cookie](func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		var out network.GetCookiesResult
		err := tg.Call(ctx, network.CommandGetCookies, &network.GetCookiesParams{URLs: []string{rawURL}}, &out)
		return out.Cookies, err
	}))
	if err != nil {
		fail(t, ctx, err)
	}
	return res
}

// Sign in with Apple in Chromium, the app and Apple on different sites:
// Apple's answer is a cross-site POST to the callback, which the app's
// SameSite=Lax session cookie does not come with; the callback relays it
// to its GET, where it does, and the login succeeds with the session
// cookie still Lax. An answer POSTed from another site with a forged
// state, and the real answer POSTed again, are refused.
func TestAppleFormPostCrossSite(t *testing.T) {
	ctx := browser(t)
	fake, app, attacker := appleSites(t)
	run(t, ctx, chromedp.Navigate(app+"/"))
	run(t, ctx, chromedp.Click(chromedp.CSS("#login")))
	if got := text(t, ctx, "#greeting"); got != "octocat@example.com" {
		t.Fatalf("greeting = %q", got)
	}
	screenshot(t, ctx, "apple-signed-in")
	for _, c := range cookies(t, ctx, app+"/") {
		if c.Name == "session" && c.SameSite != network.CookieSameSiteLax {
			t.Fatalf("the session cookie is SameSite=%s, want Lax", c.SameSite)
		}
	}
	if len(fake.RequestsTo("/token")) != 1 {
		t.Fatalf("%d token requests", len(fake.RequestsTo("/token")))
	}
	// The answer that was used, POSTed again from another site.
	var state string
	for _, r := range fake.Requests() {
		if r.Path == "/authorize" {
			state = r.Query.Get("state")
		}
	}
	code := fake.RequestsTo("/token")[0].Form.Get("code")
	callback := app + "/login/apple/authorized"
	post := func(fields url.Values) string {
		fields.Set("action", callback)
		run(t, ctx, chromedp.Navigate(attacker+"/?"+fields.Encode()))
		return text(t, ctx, "h1 + p")
	}
	const refused = "This login link is not valid, has expired or was already used."
	if got := post(url.Values{"code": {code}, "state": {state}}); got != refused {
		t.Fatalf("replayed POST: %q", got)
	}
	screenshot(t, ctx, "apple-replay-refused")
	if got := post(url.Values{"code": {"forged-code"}, "state": {"forged-state"}}); got != refused {
		t.Fatalf("forged POST: %q", got)
	}
	if n := len(fake.RequestsTo("/token")); n != 1 {
		t.Fatalf("%d token requests after the refused POSTs, want 1", n)
	}
	if body := text(t, ctx, "body"); strings.Contains(body, "dance:") {
		t.Fatalf("error page shows internal text:\n%s", body)
	}
}
