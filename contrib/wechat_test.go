package contrib_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

// TestPresetWeChatDevLogin: through the development provider, a WeChat
// login (appid, GET token request) stores the token with openid and
// unionid, the profile maps /sns/userinfo, and an expired token is
// refreshed with WeChat's GET refresh request.
func TestPresetWeChatDevLogin(t *testing.T) {
	rec := &pbRecorder{}
	cfg := contrib.WeChatConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	cfg.HTTPClient = rec.client()
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.WeChat(cfg) }, "bob")
	tok := a.ok(t)
	if tok.Extra["openid"] != "1002" || tok.Extra["unionid"] != "union-1002" || tok.RefreshToken == "" {
		t.Errorf("token %+v, want openid, unionid and a refresh token", tok)
	}
	if p := a.profile(t); p.ID != "1002" || p.Name != "Bob Builder" {
		t.Errorf("profile %+v, want bob's openid and nickname", p)
	}
	a.get(t, "/expire")
	if status, body := a.get(t, "/profile"); status != http.StatusOK {
		t.Fatalf("profile after expiry: %d %s", status, body)
	}
	if !rec.saw("GET /wechat/sns/oauth2/access_token") || !rec.saw("GET /wechat/sns/oauth2/refresh_token") {
		t.Errorf("calls %v, want WeChat's GET token and refresh requests", rec.seen)
	}
	if a.token().AccessToken == tok.AccessToken {
		t.Error("the access token was not refreshed")
	}
}

// TestPresetWeChatAuthorizationURL: the login names the client appid (no
// client_id), asks for snsapi_login, sends no PKCE challenge (WeChat takes
// none), ends with #wechat_redirect, and the app's before-login hook sees
// that URL.
func TestPresetWeChatAuthorizationURL(t *testing.T) {
	var hooked string
	cfg := contrib.WeChatConfig{ClientID: "wx1234", ClientSecret: "s", Lang: "en"}
	cfg.Hooks.OnBeforeLogin = func(_ *gin.Context, _ *dance.Blueprint, u string) { hooked = u }
	a := pbServe(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.WeChat(cfg) })
	u := a.authURL(t)
	q := u.Query()
	if u.Host != "open.weixin.qq.com" || u.Path != "/connect/qrconnect" || u.Fragment != "wechat_redirect" {
		t.Errorf("authorization URL %s, want qrconnect with #wechat_redirect", u)
	}
	if q.Get("appid") != "wx1234" || q.Has("client_id") || q.Get("scope") != "snsapi_login" || q.Get("lang") != "en" || q.Has("code_challenge") {
		t.Errorf("authorization query %v, want appid, snsapi_login, lang and no client_id or PKCE", q)
	}
	if !strings.HasPrefix(u.RawQuery, "appid=") || hooked != u.String() {
		t.Errorf("query %q (want appid first), hook saw %q", u.RawQuery, hooked)
	}
}

// TestPresetWeChatTokenRequest: the token request is WeChat's GET with
// appid, secret, code and grant_type in the query (no redirect_uri, no
// body), and API calls carry access_token and openid in the query.
func TestPresetWeChatTokenRequest(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	cfg := contrib.WeChatConfig{}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.WeChat(cfg) }, "")
	tok := a.ok(t)
	r := fake.RequestsTo("/token")
	if len(r) != 1 || r[0].Method != http.MethodGet {
		t.Fatalf("token requests %v, want one GET", r)
	}
	q := r[0].Query
	if q.Get("appid") != fake.ClientID() || q.Get("secret") != fake.ClientSecret() || q.Get("grant_type") != "authorization_code" || q.Get("code") == "" || q.Has("redirect_uri") || q.Has("client_id") {
		t.Errorf("token query has %v, want appid, secret, code, grant_type only", redactQuery(q))
	}
	a.profile(t)
	info := fake.RequestsTo("/sns/userinfo")
	if len(info) != 1 || info[0].Query.Get("access_token") != tok.AccessToken || info[0].Query.Get("openid") != tok.Extra["openid"] {
		t.Errorf("%d userinfo requests, want one with access_token and openid in the query", len(info))
	}
}

// weChatServer is a stand-in for api.weixin.qq.com that answers as WeChat
// does: JSON labelled text/plain, errors as 200 with errcode. Its token
// and refresh endpoints answer token and refresh (a body, or nil for a
// token), its userinfo answers userinfo.
func weChatServer(t *testing.T, token, refresh, userinfo string) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		switch r.URL.Path {
		case "/sns/oauth2/access_token":
			fmt.Fprint(w, token)
		case "/sns/oauth2/refresh_token":
			fmt.Fprint(w, refresh)
		case "/sns/userinfo":
			fmt.Fprint(w, userinfo)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

const weChatToken = `{"access_token":"ACCESS","expires_in":7200,"refresh_token":"REFRESH","openid":"OPENID","scope":"snsapi_login","unionid":"UNIONID"}`

// weChatApp serves a WeChat blueprint whose API is srv, and completes a
// login with a made-up code (srv does not check it).
func weChatApp(t *testing.T, srv *httptest.Server) *pbApp {
	t.Helper()
	cfg := contrib.WeChatConfig{ClientID: "wx1", ClientSecret: "s", Endpoints: contrib.Endpoints{
		TokenURL: srv.URL + "/sns/oauth2/access_token", RefreshURL: srv.URL + "/sns/oauth2/refresh_token",
	}}
	cfg.BaseURL = srv.URL + "/"
	a := pbServe(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.WeChat(cfg) })
	u := a.authURL(t)
	a.login = a.b.Get(a.srv.URL + a.bp.AuthorizedURL() + "?code=CODE&state=" + u.Query().Get("state"))
	a.login.Body.Close()
	return a
}

// TestPresetWeChatErrcodeIn200: WeChat's errors come as 200 with errcode:
// at the token endpoint one fails the login as the OAuth error it means
// (40029, a bad code: invalid_grant) and stores nothing; a good answer
// labelled text/plain is read as JSON; at the refresh endpoint 42002 (an
// expired refresh token) is invalid_grant, which logs the user out; at
// userinfo an errcode is an error, not a profile.
func TestPresetWeChatErrcodeIn200(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		a := weChatApp(t, weChatServer(t, `{"errcode":40029,"errmsg":"invalid code"}`, "", ""))
		errs := a.errors()
		if a.token() != nil || len(errs) != 1 || errs[0].Code != "invalid_grant" || !strings.Contains(errs[0].Description, "40029") {
			t.Fatalf("token %v, errors %v; want no token and invalid_grant naming 40029", a.token(), errs)
		}
	})
	t.Run("text/plain JSON", func(t *testing.T) {
		a := weChatApp(t, weChatServer(t, weChatToken, "", ""))
		tok := a.ok(t)
		if tok.AccessToken != "ACCESS" || tok.RefreshToken != "REFRESH" || tok.Extra["openid"] != "OPENID" || tok.ExpiresAt.IsZero() {
			t.Errorf("token %+v, want WeChat's answer read as JSON", tok)
		}
	})
	t.Run("refresh", func(t *testing.T) {
		a := weChatApp(t, weChatServer(t, weChatToken, `{"errcode":42002,"errmsg":"refresh_token expired"}`, ""))
		a.ok(t)
		a.get(t, "/expire")
		if status, _ := a.get(t, "/profile"); status == http.StatusOK {
			t.Fatal("profile answered with a refused refresh")
		}
		if a.token() != nil {
			t.Error("the token is still stored after WeChat refused its refresh token (invalid_grant)")
		}
	})
	t.Run("userinfo", func(t *testing.T) {
		a := weChatApp(t, weChatServer(t, weChatToken, "", `{"errcode":40003,"errmsg":"invalid openid"}`))
		a.ok(t)
		if status, body := a.get(t, "/profile"); status == http.StatusOK || !strings.Contains(body, "40003") {
			t.Errorf("profile of an errcode answer: %d %s, want an error naming 40003", status, body)
		}
	})
}

// TestPresetWeChatSecretNotInErrors: WeChat's token request carries the
// AppSecret and the code in its URL, so when WeChat cannot be reached
// neither reaches the error or a log line.
func TestPresetWeChatSecretNotInErrors(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nothing listens there any more
	logs := &apptest.SyncBuffer{}
	cfg := contrib.WeChatConfig{ClientID: "wx1", ClientSecret: "the-app-secret", Endpoints: contrib.Endpoints{TokenURL: gone.URL + "/sns/oauth2/access_token"}}
	cfg.Logger = pbLogger(logs)
	cfg.HTTPClient = &http.Client{Transport: pbRoundTrip(func(r *http.Request) (*http.Response, error) {
		return nil, &url.Error{Op: "Get", URL: r.URL.String(), Err: errors.New("connection refused")}
	})}
	a := pbServe(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.WeChat(cfg) })
	u := a.authURL(t)
	a.login = a.b.Get(a.srv.URL + a.bp.AuthorizedURL() + "?code=THE-CODE&state=" + u.Query().Get("state"))
	a.login.Body.Close()
	errs := a.errors()
	if len(errs) != 1 {
		t.Fatalf("errors %v, want the failed exchange", errs)
	}
	for _, text := range []string{errs[0].Error(), logs.String()} {
		if strings.Contains(text, "the-app-secret") || strings.Contains(text, "THE-CODE") {
			t.Errorf("the secret or the code leaked: %s", text)
		}
	}
}
