package contrib

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-gonic/gin"
)

// MastodonConfig configures the Mastodon preset, for one instance.
// Provider documentation: https://docs.joinmastodon.org/spec/oauth/ and
// https://docs.joinmastodon.org/methods/apps/#create
//
// Mastodon has no central app registry: an app registers with each
// instance (POST /api/v1/apps), which answers a client ID and secret. The
// preset does that itself on the first login, with the login's redirect
// URI and the configured scopes, and keeps the registration in Registry,
// so that later logins, and the token and revocation requests, reuse it:
// give a Registry that outlives the process (such as
// [MastodonFileRegistry], or your own on your database) so that a restart
// does not register again. A registration belongs to the app, not to a
// user, which is why it is not kept in the token storage. Set ClientID
// and ClientSecret (or MASTODON_OAUTH_CLIENT_ID and _SECRET) to use an
// app registered by hand instead. The client secret is never logged.
//
// The token request carries the client ID and secret in the body. Tokens
// do not expire and are not refreshable; Revoke uses the instance's RFC
// 7009 /oauth/revoke.
//
// Profile: GET https://{Instance}/api/v1/accounts/verify_credentials. ID
// is the account ID on the instance, Login the username, Name the
// display_name (can be empty), AvatarURL the avatar. Email is always
// empty.
type MastodonConfig struct {
	// ClientID is a client ID registered by hand on the instance; default
	// from MASTODON_OAUTH_CLIENT_ID. When neither is set, the preset
	// registers the app itself (see Registry).
	ClientID string
	// ClientSecret is that client's secret; default from
	// MASTODON_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "read", "write:statuses". Default
	// "read:accounts", which the profile needs ("profile" on Mastodon
	// 4.3 and later).
	Scopes []string
	// Instance is the Mastodon server's host name, for example
	// "fosstodon.org". Default "mastodon.social".
	Instance string
	// ClientName is the app's name, shown to users on the instance's
	// consent page, when the preset registers it. Default "dance".
	ClientName string
	// Website is the app's home page, shown with its name. Optional.
	Website string
	// Registry keeps the registrations the preset makes, by instance.
	// Default: one in this process's memory, for this blueprint only, so
	// that a restart registers again.
	Registry MastodonRegistry
	// Endpoints override the instance's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Instance}/.
	dance.Options
}

// MastodonApp is the app's registration on one instance.
type MastodonApp struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	// RedirectURI is the redirect URI it was registered with; a login
	// with another registers again.
	RedirectURI string `json:"redirect_uri"`
}

// MastodonRegistry keeps the app's registrations with Mastodon instances,
// by instance (the instance's base URL). It is shared by every request
// and user of the app, and must be safe for concurrent use. Servers of
// one app that share a registry register once; two that register with
// the same instance at the same moment each do, and the last one kept
// wins (a login in flight with the other one then fails once).
type MastodonRegistry interface {
	// Get returns the registration with instance, or nil when there is
	// none.
	Get(ctx context.Context, instance string) (*MastodonApp, error)
	// Set keeps app as the registration with instance.
	Set(ctx context.Context, instance string, app *MastodonApp) error
}

// MastodonMemoryRegistry returns a registry in this process's memory.
func MastodonMemoryRegistry() MastodonRegistry {
	return &memoryRegistry{apps: map[string]MastodonApp{}}
}

type memoryRegistry struct {
	mu   sync.Mutex
	apps map[string]MastodonApp
}

func (m *memoryRegistry) Get(_ context.Context, instance string) (*MastodonApp, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if app, ok := m.apps[instance]; ok {
		return &app, nil
	}
	return nil, nil
}

func (m *memoryRegistry) Set(_ context.Context, instance string, app *MastodonApp) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.apps[instance] = *app
	return nil
}

// MastodonFileRegistry returns a registry kept in the JSON file at path
// (created with mode 0600: it holds client secrets), so that
// registrations survive restarts. It suits one server; servers that share
// no disk want a registry on their shared database.
func MastodonFileRegistry(path string) MastodonRegistry { return &fileRegistry{path: path} }

type fileRegistry struct {
	mu   sync.Mutex
	path string
}

func (f *fileRegistry) load() (map[string]MastodonApp, error) {
	apps := map[string]MastodonApp{}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return apps, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &apps); err != nil {
		return nil, fmt.Errorf("the Mastodon registry %s is not a JSON object", f.path)
	}
	return apps, nil
}

func (f *fileRegistry) Get(_ context.Context, instance string) (*MastodonApp, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	apps, err := f.load()
	if err != nil {
		return nil, err
	}
	if app, ok := apps[instance]; ok {
		return &app, nil
	}
	return nil, nil
}

func (f *fileRegistry) Set(_ context.Context, instance string, app *MastodonApp) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	apps, err := f.load()
	if err != nil {
		return err
	}
	apps[instance] = *app
	b, _ := json.MarshalIndent(apps, "", "  ")
	// Written beside it and renamed, so that a crash leaves the old file.
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".mastodon-registry-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.path)
}

// unregistered is the client ID the blueprint is built with when the
// preset registers the app itself; every request that would carry it
// carries the registered one instead.
const unregistered = "dance-mastodon-unregistered"

// Mastodon returns a blueprint named "mastodon".
func Mastodon(cfg MastodonConfig) (*dance.Blueprint, error) {
	p := preset{Provider: presets.Mastodon, clientIDInBody: true}
	p.rehost("mastodon.social", cfg.Instance)
	if or(cfg.ClientID, os.Getenv("MASTODON_OAUTH_CLIENT_ID")) != "" {
		return p.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
	}
	reg := &mastodonRegistration{
		placeholder: unregistered, registry: cfg.Registry, name: or(cfg.ClientName, "dance"), website: cfg.Website,
		scopes: strings.Join(orScopes(cfg.Scopes, p.Scopes...), " "),
	}
	if reg.registry == nil {
		reg.registry = MastodonMemoryRegistry()
	}
	p.authURL = reg.authURL
	p.transport = reg.transport
	// The instance's base URL as the blueprint calls it (in development
	// mode, the development provider's): the registry's key, and where
	// the registration endpoint is.
	reg.instance = or(cfg.BaseURL, p.BaseURL)
	if cfg.Dev != nil {
		dev, err := cfg.Dev.origin(p.Name)
		if err != nil {
			return nil, err
		}
		reg.instance = presets.DevURL(dev, p.Name, reg.instance)
		reg.placeholder, _ = cfg.Dev.credentials() // what build puts in its stead
	}
	reg.hc = or2(cfg.HTTPClient, p.httpClient)
	return p.build(unregistered, "unregistered", cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// or2 is a if it is not nil, else b, else the shared client.
func or2(a, b *http.Client) *http.Client {
	if a != nil {
		return a
	}
	if b != nil {
		return b
	}
	return core.SharedClient
}

// mastodonRegistration registers the app with one instance when a login
// needs it, and puts the registered client into the blueprint's requests.
type mastodonRegistration struct {
	registry              MastodonRegistry
	instance              string // the instance's base URL, the registry's key
	name, website, scopes string
	hc                    *http.Client
	// placeholder is the client ID the blueprint was built with:
	// unregistered, or in development mode the development provider's.
	placeholder string
	mu          sync.Mutex // one registration at a time
}

// app returns the registration for redirectURI, registering when there is
// none (or one for another redirect URI).
func (m *mastodonRegistration) app(ctx context.Context, redirectURI string) (*MastodonApp, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	app, err := m.registry.Get(ctx, m.instance)
	if err != nil {
		return nil, fmt.Errorf("reading the Mastodon registry: %w", err)
	}
	if app != nil && app.ClientID != "" && app.RedirectURI == redirectURI {
		return app, nil
	}
	app, err = m.register(ctx, redirectURI)
	if err != nil {
		return nil, err
	}
	if err := m.registry.Set(ctx, m.instance, app); err != nil {
		return nil, fmt.Errorf("keeping the Mastodon registration: %w", err)
	}
	return app, nil
}

// register is POST /api/v1/apps.
func (m *mastodonRegistration) register(ctx context.Context, redirectURI string) (*MastodonApp, error) {
	form := url.Values{"client_name": {m.name}, "redirect_uris": {redirectURI}, "scopes": {m.scopes}}
	if m.website != "" {
		form.Set("website", m.website)
	}
	body, err := postFormTo(ctx, m.hc, resolve(m.instance, "api/v1/apps"), form)
	if err != nil {
		return nil, fmt.Errorf("registering with the Mastodon instance: %w", err)
	}
	var app MastodonApp
	if err := json.Unmarshal(body, &app); err != nil || app.ClientID == "" || app.ClientSecret == "" {
		return nil, errors.New("registering with the Mastodon instance: the answer has no client_id and client_secret")
	}
	app.RedirectURI = redirectURI
	return &app, nil
}

// authURL puts the registered client ID into the login URL, registering
// first when needed.
func (m *mastodonRegistration) authURL(c *gin.Context, authURL string) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	app, err := m.app(c.Request.Context(), q.Get("redirect_uri"))
	if err != nil {
		return "", err
	}
	q.Set("client_id", app.ClientID)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// transport puts the registered client's ID and secret into the token
// and revocation requests, in place of the placeholder.
func (m *mastodonRegistration) transport(rt http.RoundTripper, _, _ string) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.Method != http.MethodPost || req.Body == nil || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			return rt.RoundTrip(req)
		}
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		form, err := url.ParseQuery(string(body))
		if err == nil && form.Get("client_id") == m.placeholder {
			app, err := m.registry.Get(req.Context(), m.instance)
			if err != nil || app == nil {
				return nil, errors.New("dance: mastodon: the app is not registered with the instance (log in first)")
			}
			form.Set("client_id", app.ClientID)
			form.Set("client_secret", app.ClientSecret)
			body = []byte(form.Encode())
		}
		r2 := req.Clone(req.Context())
		r2.Body = io.NopCloser(strings.NewReader(string(body)))
		r2.ContentLength = int64(len(body))
		return rt.RoundTrip(r2)
	})
}
