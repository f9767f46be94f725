package contrib_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-gonic/gin"
)

// TestDevModeIgnoresEnvironment: an app that does not turn development
// mode on in code ignores DANCE_DEV_PROVIDER completely, in every Gin
// mode: its presets keep the real provider's URLs and credentials, and
// nothing warns.
func TestDevModeIgnoresEnvironment(t *testing.T) {
	t.Setenv("DANCE_DEV_PROVIDER", "http://127.0.0.1:9000")
	mode := gin.Mode()
	t.Cleanup(func() { gin.SetMode(mode) })
	for _, m := range []string{gin.DebugMode, gin.ReleaseMode, gin.TestMode} {
		gin.SetMode(m)
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		gh := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
			o.Logger = logger
			return contrib.GitHub(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret", Options: o})
		})
		tw := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
			o.Logger = logger
			return contrib.Twitter(contrib.TwitterConfig{APIKey: "k", APISecret: "s", Options: o})
		})
		if got := gh.AuthURL(); got != "https://github.com/login/oauth/authorize" {
			t.Errorf("%s mode: GitHub AuthURL = %q", m, got)
		}
		if id := gh.Login.Query().Get("client_id"); id != "id" || gh.API.URL.Host != "api.github.com" {
			t.Errorf("%s mode: GitHub client %q, base %v", m, id, gh.BaseURL())
		}
		if got := tw.RequestToken.Endpoint(); got != "https://api.twitter.com/oauth/request_token" {
			t.Errorf("%s mode: Twitter request-token URL = %q", m, got)
		}
		if strings.Contains(logs.String(), "9000") || strings.Contains(strings.ToLower(logs.String()), "development") {
			t.Errorf("%s mode: logs mention development mode:\n%s", m, logs.String())
		}
	}
}

// TestDevProviderPointsEveryURL: in development mode a preset's
// endpoints, base URL, issuer and JWKS are the development provider's,
// under /{name} with the provider's paths (the ID token, whose issuer is
// the stand-in's, is verified with the stand-in's keys); presets sharing
// one DevProvider log one warning between them.
func TestDevProviderPointsEveryURL(t *testing.T) {
	gin.SetMode(gin.TestMode)
	srv := httptest.NewUnstartedServer(nil)
	dp, err := devprovider.New(devprovider.Config{URL: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = dp
	srv.Start()
	defer srv.Close()
	var logs bytes.Buffer
	dev := &contrib.DevProvider{URL: srv.URL + "/", Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	rec := &recorder{fake: srv}
	bp, err := contrib.Google(contrib.GoogleConfig{Scopes: []string{"openid", "email"}, Endpoints: contrib.Endpoints{Dev: dev},
		Options: dance.Options{HTTPClient: &http.Client{Transport: rec}}})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r)
	r.GET("/api", bp.Middleware(), func(c *gin.Context) {
		cl := c.MustGet(bp.Name()).(*dance.Client)
		claims, err := cl.Claims()
		if err != nil || claims == nil {
			c.String(500, "no verified claims: %v", err)
			return
		}
		req, _ := cl.NewRequest(http.MethodGet, "?observe", nil)
		if resp, err := cl.Do(req); err == nil {
			resp.Body.Close()
		}
		c.String(200, "%v", claims["iss"])
	})
	app := httptest.NewServer(r)
	defer app.Close()
	b := dancetest.NewBrowser(t)
	resp := b.Get(app.URL + "/google")
	resp.Body.Close()
	authURL := b.Location(resp)
	authURL.RawQuery = ""
	if resp := b.SignInAs(app.URL+"/google", "alice"); resp.StatusCode != http.StatusFound {
		t.Fatalf("dance: the callback answered %d", resp.StatusCode)
	}
	resp = b.Get(app.URL + "/api")
	iss, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/api: %d %s", resp.StatusCode, iss)
	}
	var called []string
	for _, c := range rec.all() {
		called = append(called, c.Method+" "+c.Endpoint())
	}
	for got, want := range map[string]string{
		authURL.String(): srv.URL + "/google/o/oauth2/auth",
		string(iss):      srv.URL + "/google", // the verified ID token's issuer
	} {
		if got != want {
			t.Errorf("URL %q, want %q", got, want)
		}
	}
	for _, want := range []string{
		"POST " + srv.URL + "/google/o/oauth2/token",
		"GET " + srv.URL + "/google/oauth2/v3/certs",
		"GET " + srv.URL + "/google/", // the base URL
	} {
		if !slices.Contains(called, want) {
			t.Errorf("no call %s; calls: %v", want, called)
		}
	}
	if _, err := contrib.Twitter(contrib.TwitterConfig{OAuth1Endpoints: contrib.OAuth1Endpoints{Dev: dev}}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "DEVELOPMENT MODE") {
		t.Errorf("%d warnings for two presets, want 1 that says development mode is on:\n%s", n, logs.String())
	}
}

// TestDevProviderRefusesRemote: a development provider that is not on a
// loopback address is refused, by OAuth 2 and OAuth 1 presets alike,
// unless the code sets AllowRemote; a URL that is not an http(s) origin
// is refused whatever AllowRemote says.
func TestDevProviderRefusesRemote(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	build := func(dev *contrib.DevProvider) (error, error) {
		dev.Logger = quiet
		_, err2 := contrib.GitHub(contrib.GitHubConfig{Endpoints: contrib.Endpoints{Dev: dev}})
		_, err1 := contrib.Twitter(contrib.TwitterConfig{OAuth1Endpoints: contrib.OAuth1Endpoints{Dev: dev}})
		return err2, err1
	}
	for _, u := range []string{"http://127.0.0.1:9000", "http://127.8.9.10:9000", "http://[::1]:9000", "http://localhost:9000", "https://LOCALHOST"} {
		if err2, err1 := build(&contrib.DevProvider{URL: u}); err2 != nil || err1 != nil {
			t.Errorf("loopback %s refused: %v / %v", u, err2, err1)
		}
	}
	for _, u := range []string{"http://10.0.0.5:9000", "http://dev.example.com:9000", "http://0.0.0.0:9000", "http://[::]:9000", "http://localhost.example.com", "http://127.0.0.1.nip.io"} {
		err2, err1 := build(&contrib.DevProvider{URL: u})
		for _, err := range []error{err2, err1} {
			if err == nil || !strings.Contains(err.Error(), "loopback") || !strings.Contains(err.Error(), "AllowRemote") {
				t.Errorf("remote %s: err = %v, want a refusal that names loopback and AllowRemote", u, err)
			}
		}
		if err2, err1 := build(&contrib.DevProvider{URL: u, AllowRemote: true}); err2 != nil || err1 != nil {
			t.Errorf("remote %s with AllowRemote: %v / %v", u, err2, err1)
		}
	}
	for _, u := range []string{"", "127.0.0.1:9000", "ftp://127.0.0.1", "http://user:pw@127.0.0.1:9000", "http:///path"} {
		if err2, err1 := build(&contrib.DevProvider{URL: u, AllowRemote: true}); err2 == nil || err1 == nil {
			t.Errorf("DevProvider.URL %q accepted: %v / %v", u, err2, err1)
		}
	}
}

// TestDevProviderNeverGetsRealSecret: with real credentials in the Config
// and in the environment, a whole dance, an API call and a revocation
// through the development provider never send them: it sees only the
// development credentials.
func TestDevProviderNeverGetsRealSecret(t *testing.T) {
	gin.SetMode(gin.TestMode)
	const realID, realSecret, envID, envSecret = "real-client-id-7f3a", "real-client-secret-9c2e", "env-client-id-5b1d", "env-client-secret-4e8f"
	t.Setenv("GITHUB_OAUTH_CLIENT_ID", envID)
	t.Setenv("GITHUB_OAUTH_CLIENT_SECRET", envSecret)
	t.Setenv("TWITTER_OAUTH_CLIENT_KEY", envID)
	t.Setenv("TWITTER_OAUTH_CLIENT_SECRET", envSecret)

	var mu sync.Mutex
	var seen bytes.Buffer // every request the development provider got
	var dp *devprovider.Provider
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		fmt.Fprintf(&seen, "%s %s\n", r.Method, r.URL)
		_ = r.Header.Write(&seen)
		seen.Write(body)
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		dp.ServeHTTP(w, r)
	}))
	dp, err := devprovider.New(devprovider.Config{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dev := &contrib.DevProvider{URL: srv.URL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

	gh, err := contrib.GitHub(contrib.GitHubConfig{ClientID: realID, ClientSecret: realSecret, Endpoints: contrib.Endpoints{Dev: dev}})
	if err != nil {
		t.Fatal(err)
	}
	tw, err := contrib.Twitter(contrib.TwitterConfig{APIKey: realID, APISecret: realSecret, OAuth1Endpoints: contrib.OAuth1Endpoints{Dev: dev}})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	for _, bp := range []*dance.Blueprint{gh, tw} {
		bp.Register(r)
		r.GET("/api/"+bp.Name(), bp.Middleware(), func(c *gin.Context) {
			ref := "user"
			if bp == tw {
				ref = "account/verify_credentials.json"
			}
			cl := c.MustGet(bp.Name()).(*dance.Client)
			req, err := cl.NewRequest(http.MethodGet, ref, nil)
			if err != nil {
				c.String(http.StatusInternalServerError, "API: %v", err)
				return
			}
			resp, err := cl.Do(req)
			if err != nil {
				c.String(http.StatusBadGateway, "API: %v", err)
				return
			}
			resp.Body.Close()
			if bp == gh {
				if err := cl.Revoke(); err != nil {
					c.String(http.StatusBadGateway, "revoke: %v", err)
					return
				}
			}
			c.Status(resp.StatusCode)
		})
	}
	app := httptest.NewServer(r)
	defer app.Close()
	b := dancetest.NewBrowser(t)
	for _, name := range []string{"github", "twitter"} {
		var resp *http.Response
		if name == "twitter" {
			resp = b.Get(app.URL + "/twitter")
			resp.Body.Close()
			authURL := b.Location(resp) // the OAuth 1 stand-in's consent page
			resp, err = b.PostForm(authURL.String(), url.Values{"oauth_token": {authURL.Query().Get("oauth_token")}, "decision": {"authorize"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			resp = b.Get(b.Location(resp).String())
			resp.Body.Close()
		} else {
			resp = b.SignInAs(app.URL+"/github", "alice")
		}
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("%s dance: callback answered %d", name, resp.StatusCode)
		}
		if resp := b.Get(app.URL + "/api/" + name); resp.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(resp.Body)
			t.Fatalf("%s API call: %d %s", name, resp.StatusCode, body)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(seen.String(), "dance-dev-client") {
		t.Fatalf("the development provider never saw the development client ID; requests:\n%s", seen.String())
	}
	for _, secret := range []string{realID, realSecret, envID, envSecret} {
		if strings.Contains(seen.String(), secret) {
			t.Errorf("the development provider was sent %q", secret)
		}
	}
}
