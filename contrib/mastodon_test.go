package contrib_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
)

// TestPresetMastodonDevLogin: through the development provider, a
// Mastodon login with no client configured registers the app with the
// instance (POST /api/v1/apps), logs in with the registered client,
// stores the token and maps verify_credentials; a second login, and a
// second blueprint on the same registry (a restart), reuse the
// registration; Revoke logs the user out.
func TestPresetMastodonDevLogin(t *testing.T) {
	t.Setenv("MASTODON_OAUTH_CLIENT_ID", "")
	dev := pbDev(t)
	registry := contrib.MastodonFileRegistry(filepath.Join(t.TempDir(), "mastodon.json"))
	rec := &pbRecorder{}
	registrations := func() int {
		n := 0
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, s := range rec.seen {
			if s == "POST /mastodon/api/v1/apps" {
				n++
			}
		}
		return n
	}
	addr := ""
	for restart := range 2 {
		cfg := contrib.MastodonConfig{ClientName: "Test app", Registry: registry, Endpoints: contrib.Endpoints{Dev: dev}}
		cfg.HTTPClient = rec.client()
		a := pbServeAt(t, addr, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Mastodon(cfg) })
		a.login = a.b.SignInAs(a.srv.URL+a.bp.LoginURL(), "bob")
		a.ok(t)
		pbWantBob(t, a.profile(t), true, false)
		if again := a.b.SignInAs(a.srv.URL+a.bp.LoginURL(), "bob"); again.StatusCode != http.StatusFound {
			t.Fatalf("second login: %d", again.StatusCode)
		}
		if n := registrations(); n != 1 {
			t.Fatalf("after %d restarts: %d registrations, want 1", restart, n)
		}
		if status, body := a.get(t, "/revoke"); status != http.StatusOK {
			t.Fatalf("revoke: %d %s", status, body)
		}
		if status, _ := a.get(t, "/profile"); status == http.StatusOK {
			t.Error("still logged in after Revoke")
		}
		addr = a.srv.Listener.Addr().String()
		a.srv.Close() // the app stops, and starts again at the same address
	}
}

// TestPresetMastodonRegistration: the preset registers with the
// instance's /api/v1/apps (client_name, redirect_uris, scopes, website),
// the login and the token request carry the registered client, the
// registry keeps it by instance in a file only its owner reads, and no
// log line or error carries its secret. A client configured by hand is
// used as it is, with no registration.
func TestPresetMastodonRegistration(t *testing.T) {
	t.Setenv("MASTODON_OAUTH_CLIENT_ID", "")
	fake := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	path := filepath.Join(t.TempDir(), "registry.json")
	cfg := contrib.MastodonConfig{ClientName: "Test app", Website: "https://app.example", Registry: contrib.MastodonFileRegistry(path)}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	cfg.ClientID, cfg.ClientSecret = "", "" // no client: register
	logs := &apptest.SyncBuffer{}
	cfg.Logger = pbLogger(logs)
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Mastodon(cfg) }, "")
	a.ok(t)
	regs := fake.RequestsTo("/api/v1/apps")
	if len(regs) != 1 {
		t.Fatalf("%d registrations, want 1", len(regs))
	}
	f := regs[0].Form
	auth := fake.RequestsTo("/authorize")[0].Query
	if f.Get("client_name") != "Test app" || f.Get("website") != "https://app.example" || f.Get("scopes") != "read:accounts" || f.Get("redirect_uris") != auth.Get("redirect_uri") {
		t.Errorf("registration form %v", f)
	}
	app, err := cfg.Registry.Get(context.Background(), fake.URL+"/")
	if err != nil || app == nil || app.RedirectURI != auth.Get("redirect_uri") {
		t.Fatalf("registry: %+v, %v", app, err)
	}
	tokReq := fake.RequestsTo("/token")[0].Form
	if auth.Get("client_id") != app.ClientID || tokReq.Get("client_id") != app.ClientID || tokReq.Get("client_secret") != app.ClientSecret {
		t.Errorf("login client %q, token request client %q; want the registered %q with its secret", auth.Get("client_id"), tokReq.Get("client_id"), app.ClientID)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("registry file: %v, %v; want mode 0600", fi, err)
	}
	var onDisk map[string]contrib.MastodonApp
	if b, _ := os.ReadFile(path); json.Unmarshal(b, &onDisk) != nil || onDisk[fake.URL+"/"].ClientID != app.ClientID {
		t.Errorf("registry file does not hold the registration by instance")
	}
	if strings.Contains(logs.String(), app.ClientSecret) {
		t.Error("a log line carries the client secret")
	}

	byHand := contrib.MastodonConfig{}
	fake2 := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake2.Close)
	if err := fake2.Configure(&byHand); err != nil {
		t.Fatal(err)
	}
	b := pbLogin(t, &byHand.Options, func() (*dance.Blueprint, error) { return contrib.Mastodon(byHand) }, "")
	b.ok(t)
	if n := len(fake2.RequestsTo("/api/v1/apps")); n != 0 {
		t.Errorf("%d registrations with a client configured by hand, want 0", n)
	}
}

// TestPresetMastodonRegistrationRefused: an instance that refuses the
// registration answers the login with 502, logs it at Error without the
// instance's answer leaking a secret, and sends nobody to the instance.
func TestPresetMastodonRegistrationRefused(t *testing.T) {
	t.Setenv("MASTODON_OAUTH_CLIENT_ID", "")
	fake := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	cfg := contrib.MastodonConfig{Instance: "closed.example"}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	cfg.ClientID, cfg.ClientSecret = "", ""
	cfg.BaseURL = fake.URL + "/closed/" // no registration endpoint there
	logs := &apptest.SyncBuffer{}
	cfg.Logger = pbLogger(logs)
	a := pbServe(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Mastodon(cfg) })
	resp := a.b.Get(a.srv.URL + a.bp.LoginURL())
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("login with a refused registration: %d, logs %q; want 502 and an Error line", resp.StatusCode, logs.String())
	}
}

// TestPresetMastodonNewRedirectURIRegistersAgain: a registration is for
// one redirect URI (the instance refuses others), so an app that moved to
// another address registers again, and logs in with the new client.
func TestPresetMastodonNewRedirectURIRegistersAgain(t *testing.T) {
	t.Setenv("MASTODON_OAUTH_CLIENT_ID", "")
	dev := pbDev(t)
	registry := contrib.MastodonMemoryRegistry()
	var clients []string
	for range 2 {
		cfg := contrib.MastodonConfig{Registry: registry, Endpoints: contrib.Endpoints{Dev: dev}}
		a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Mastodon(cfg) }, "bob")
		a.ok(t)
		app, _ := registry.Get(context.Background(), dev.URL+"/mastodon/")
		if app == nil || !strings.HasPrefix(app.RedirectURI, a.srv.URL) {
			t.Fatalf("registration %+v, want one for %s", app, a.srv.URL)
		}
		clients = append(clients, app.ClientID)
	}
	if clients[0] == clients[1] {
		t.Error("the app at a new address kept the old registration")
	}
}
