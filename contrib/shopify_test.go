package contrib_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
)

func buildShopify(cfg contrib.ShopifyConfig) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.Endpoints, cfg.Options = ep, o
		return contrib.Shopify(cfg)
	}
}

// Shopify through the development provider, whose callbacks are signed:
// the login, the token stored, and the profile, which is the shop's
// (shop.json: id, myshopify_domain, name, email).
func TestPresetShopify(t *testing.T) {
	run := devDance(t, buildShopify(contrib.ShopifyConfig{}))
	run.checkLogin(dance.Profile{Provider: "shopify", ID: who.ID, Login: who.Login, Name: who.Name, Email: who.Email})
	calls := run.Calls("/admin/api/2026-10/shop.json")
	if len(calls) != 1 {
		t.Fatalf("%d calls to shop.json", len(calls))
	}
	if got := calls[0].Header.Get("X-Shopify-Access-Token"); got == "" || got != run.Token().AccessToken {
		t.Errorf("X-Shopify-Access-Token %q, want the access token", got)
	}
	if calls[0].Header.Get("Authorization") != "" {
		t.Error("the API call carries an Authorization header too")
	}
	tok := run.Calls("/admin/oauth/access_token")
	if len(tok) != 1 || tok[0].ClientAuth() != "params" || tok[0].Form.Get("client_secret") == "" {
		t.Error("the token request does not carry the client ID and secret in its body")
	}
}

// shopifyApp serves a Shopify blueprint built against fake (dressed as
// the example shop), with a logger into logs, and records what the error
// hook gets.
func shopifyApp(t *testing.T, fake *dancetest.Provider, logs *bytes.Buffer, errs *[]*dance.Error) (*dance.Blueprint, string) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	cfg := contrib.ShopifyConfig{}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.Hooks.OnError = func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { *errs = append(*errs, e) }
	bp, err := contrib.Shopify(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r.Group("/login"))
	app := httptest.NewServer(r)
	t.Cleanup(app.Close)
	return bp, app.URL
}

// shopifySign signs q with secret as Shopify does, written here apart
// from the preset's code.
func shopifySign(q url.Values, secret string) {
	q.Del("hmac")
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(q)) {
		parts = append(parts, k+"="+q.Get(k))
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strings.Join(parts, "&")))
	q.Set("hmac", hex.EncodeToString(m.Sum(nil)))
}

// Shopify's redirect to the callback is checked before dance's callback
// runs: a callback without hmac, with a wrong one, with a parameter
// changed after signing, or naming a shop that is not a myshopify.com
// domain or not the configured shop (even correctly signed) is refused
// with a human 403 page, no code is exchanged, the error hook gets a
// state-stage error, and the log line has an error ID but never the
// secret or the hmac. A callback as Shopify signs it logs in.
func TestPresetShopifyCallbackHMAC(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(q url.Values, secret string)
		why    string // what the log says; "" for a login
	}{
		{"as signed", func(url.Values, string) {}, ""},
		{"no hmac", func(q url.Values, _ string) { q.Del("hmac") }, "no hmac"},
		{"wrong secret", func(q url.Values, _ string) { shopifySign(q, "not-the-secret") }, "not Shopify's signature"},
		{"code changed after signing", func(q url.Values, _ string) { q.Set("code", q.Get("code")+"x") }, "not Shopify's signature"},
		{"not a myshopify.com shop", func(q url.Values, s string) { q.Set("shop", "example.evil.com"); shopifySign(q, s) }, "not a myshopify.com domain"},
		{"another shop", func(q url.Values, s string) { q.Set("shop", "other.myshopify.com"); shopifySign(q, s) }, "not the configured shop"},
		{"no shop", func(q url.Values, s string) { q.Del("shop"); shopifySign(q, s) }, "not a myshopify.com domain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := dancetest.NewProvider(dancetest.Config{})
			t.Cleanup(fake.Close)
			var logs bytes.Buffer
			var errs []*dance.Error
			bp, app := shopifyApp(t, fake, &logs, &errs)
			b := dancetest.NewBrowser(t)
			resp := b.Get(app + bp.LoginURL())
			resp.Body.Close()
			resp = b.Get(b.Location(resp).String()) // the fake approves and redirects, signed
			resp.Body.Close()
			cb := b.Location(resp)
			q := cb.Query()
			if q.Get("hmac") == "" {
				t.Fatal("the fake's callback is not signed")
			}
			tc.tamper(q, fake.ClientSecret())
			cb.RawQuery = q.Encode()
			resp = b.Get(cb.String())
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			exchanged := len(fake.RequestsTo("/token")) > 0
			if tc.why == "" {
				if resp.StatusCode != http.StatusFound || !exchanged {
					t.Fatalf("callback %d, code exchanged %v; want a login", resp.StatusCode, exchanged)
				}
				return
			}
			if resp.StatusCode != http.StatusForbidden || exchanged {
				t.Fatalf("callback %d, code exchanged %v; want 403 and no exchange", resp.StatusCode, exchanged)
			}
			if !strings.Contains(string(body), "This login link is not valid") || !strings.Contains(string(body), "Error ID") {
				t.Errorf("the 403 page is not a human answer: %s", body)
			}
			if len(errs) != 1 || errs[0].Stage != dance.StageState {
				t.Errorf("error hook got %v, want one error of stage state", errs)
			}
			if !strings.Contains(logs.String(), "error_id=") || !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), tc.why) {
				t.Errorf("no warning with an error ID saying %q in the log:\n%s", tc.why, logs.String())
			}
			for _, secret := range []string{fake.ClientSecret(), q.Get("hmac")} {
				if secret != "" && (strings.Contains(logs.String(), secret) || strings.Contains(string(body), secret)) {
					t.Errorf("the log or the answer holds a secret value")
				}
			}
		})
	}
}

// A client that asks for JSON gets the refusal as a problem document.
func TestPresetShopifyCallbackRefusalJSON(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	var logs bytes.Buffer
	var errs []*dance.Error
	bp, app := shopifyApp(t, fake, &logs, &errs)
	req, _ := http.NewRequest(http.MethodGet, app+bp.AuthorizedURL()+"?code=c&state=s&shop=example.myshopify.com", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), `"error_id"`) {
		t.Errorf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// Scopes go comma-separated, as Shopify wants; PerUser asks for an online
// token; APIVersion sets the base URL's version; the shop may be given by
// its handle.
func TestPresetShopifyOptions(t *testing.T) {
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		return buildShopify(contrib.ShopifyConfig{
			ClientID: "id", ClientSecret: placeholderSecret, Shop: "Example", APIVersion: "2025-07",
			Scopes: []string{"read_products", "write_orders"}, PerUser: true,
		})(contrib.Endpoints{}, o)
	})
	q := o.Login.Query()
	if got := q.Get("scope"); got != "read_products,write_orders" {
		t.Errorf("scope %q, want read_products,write_orders", got)
	}
	if got := q.Get("grant_options[]"); got != "per-user" {
		t.Errorf("grant_options[] %q, want per-user", got)
	}
	if o.AuthURL() != "https://example.myshopify.com/admin/oauth/authorize" || o.BaseURL() != "https://example.myshopify.com/admin/api/2025-07/" {
		t.Errorf("authorize %s, base %s", o.AuthURL(), o.BaseURL())
	}
}

// A Shopify blueprint needs its shop, a valid one, a client secret (which
// checks the callbacks) and a valid API version.
func TestPresetShopifyConfigErrors(t *testing.T) {
	t.Setenv("SHOPIFY_OAUTH_CLIENT_SECRET", "")
	for _, tc := range []struct {
		name, want string
		cfg        contrib.ShopifyConfig
	}{
		{"no shop", "Shop is required", contrib.ShopifyConfig{ClientID: "id", ClientSecret: "s"}},
		{"not a shop", "not a shop", contrib.ShopifyConfig{ClientID: "id", ClientSecret: "s", Shop: "shop.example.com"}},
		{"no secret", "client secret", contrib.ShopifyConfig{ClientID: "id", Shop: "example"}},
		{"bad version", "APIVersion", contrib.ShopifyConfig{ClientID: "id", ClientSecret: "s", Shop: "example", APIVersion: "latest"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := contrib.Shopify(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// An error hook that answers the refused callback has the last word.
func TestPresetShopifyCallbackRefusalHookAnswers(t *testing.T) {
	gin.SetMode(gin.TestMode)
	fake := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	cfg := contrib.ShopifyConfig{}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.Hooks.OnError = func(c *gin.Context, _ *dance.Blueprint, _ *dance.Error) {
		c.String(http.StatusTeapot, "the app's own page")
	}
	bp, err := contrib.Shopify(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	bp.Register(r)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, bp.AuthorizedURL()+"?code=c&state=s", nil))
	if w.Code != http.StatusTeapot || w.Body.String() != "the app's own page" {
		t.Errorf("%d %q, want the hook's answer alone", w.Code, w.Body.String())
	}
}
