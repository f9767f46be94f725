// Package dance does the OAuth dance for Gin: "log in with GitHub, Google,
// Twitter, …" in a few lines. It is a Go port of Flask-Dance.
//
// A [Blueprint] knows one provider. [Blueprint.Register] adds two routes to
// a gin.IRouter: login ("/{name}") sends the user to the provider, and
// authorized ("/{name}/authorized") takes the provider's answer, exchanges
// it for a token, runs the [Hooks], and saves the token in a
// [storage.Storage] (the user's session by default). [Blueprint.Middleware]
// then puts a [Client] for the provider into the gin.Context under the
// blueprint's name, so that any handler can call the provider's API as the
// current user:
//
//	gh := c.MustGet("github").(*dance.Client)
//	resp, err := gh.Get("user")
//
// # Configuration
//
// Blueprints are configured with Config structs, as golang.org/x/oauth2 is:
// [OAuth2Config] for a generic OAuth 2 provider (Flask-Dance's
// OAuth2ConsumerBlueprint) and [OAuth1Config] for a generic OAuth 1 provider
// (OAuth1ConsumerBlueprint), with the settings every blueprint shares in an
// embedded [Options], and one Config struct per preset in package contrib.
// Structs were chosen over functional options because every Flask-Dance
// argument then maps to one documented, discoverable field, zero values
// are the defaults, and a configuration can be built, inspected and
// copied as plain data. Nothing in dance is configured through globals.
//
// # One way to do each thing
//
// The blueprint is the provider: its routes ([Blueprint.Register]), its
// middleware and its hooks. Everything about the current user's token is
// on the [Client] of the request: [Client.Token], [Client.SetToken],
// [Client.DeleteToken], [Client.Revoke] and the API calls. The token
// operations live on the Client, not the Blueprint, because a token
// belongs to a user, and the Client is the user's view of the blueprint:
// it caches the token for the request, so a handler that reads it, calls
// the API and deletes it on logout makes one storage read, and a change
// made through it is what the rest of the request sees. Get the Client
// with c.MustGet(name) after [Blueprint.Middleware], or with
// [Blueprint.Client], which also works on a route without the middleware.
//
// # Security
//
// The state is 32 random bytes, bound to the blueprint and the session,
// single-use and valid for 10 minutes; PKCE (S256) is on by default; a
// "next" URL is honoured only as a same-origin relative path; the
// redirect_uri honours X-Forwarded-* headers only from declared trusted
// proxies. Errors and logs never contain secrets, tokens, codes or states.
package dance

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/statestore"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// Token is an OAuth token; see [storage.Token].
type Token = storage.Token

// Defaults of [Options].
const (
	defaultLoginPath      = "/{name}"
	defaultAuthorizedPath = "/{name}/authorized"
	defaultTimeout        = 30 * time.Second
	defaultExpiryLeeway   = 30 * time.Second
	// stateLifetime is how long a login may take before its state expires.
	stateLifetime = 10 * time.Minute
)

// Options are the settings that every blueprint has, whatever its protocol
// or preset. The zero value gives Flask-Dance's defaults.
type Options struct {
	// BaseURL is the provider's API root; relative URLs given to a
	// [Client], and relative endpoint URLs, are resolved against it
	// (RFC 3986). Flask-Dance: base_url.
	BaseURL string
	// LoginPath is the login route, relative to the router it is
	// registered on; "{name}" is replaced by the blueprint's name.
	// Default "/{name}". Flask-Dance: login_url.
	LoginPath string
	// AuthorizedPath is the callback route; "{name}" is replaced by the
	// blueprint's name. Default "/{name}/authorized". Flask-Dance:
	// authorized_url.
	AuthorizedPath string
	// RedirectURL is where the user goes after the dance, when the login
	// was not given a "next" path. Flask-Dance: redirect_url.
	RedirectURL string
	// RedirectTo is a route path to go to after the dance when RedirectURL
	// is empty (Gin has no named routes, so this is a path, not a name).
	// Flask-Dance: redirect_to. With neither, the user goes to "/".
	RedirectTo string
	// Storage keeps the tokens. Default: [storage.Session], in the user's
	// gin-contrib/sessions session. Flask-Dance: storage.
	Storage storage.Storage
	// HTTPClient is used for every call to the provider (token endpoint
	// and API calls). Default: a client shared by all blueprints, with one
	// keep-alive transport. Flask-Dance: session_class.
	HTTPClient *http.Client
	// RouteHandlers run before dance's own handler on the login and
	// authorized routes, for example rate limiting. Flask-Dance:
	// rule_kwargs.
	RouteHandlers []gin.HandlerFunc
	// Hooks are the blueprint's hooks. Default: a new, unshared *Hooks.
	// Pass the same *Hooks to several blueprints to share hooks.
	Hooks *Hooks
	// PublicURL is the app's external origin (and path prefix), for
	// example "https://app.example.com". When set, it is used to build the
	// absolute redirect_uri, and wins over the request and any header.
	PublicURL string
	// TrustedProxies lists the IP addresses or CIDR prefixes of reverse
	// proxies whose X-Forwarded-Proto and X-Forwarded-Host headers are
	// believed when building the redirect_uri. Default: none, so the
	// headers are ignored.
	TrustedProxies []string
	// Timeout bounds each call to the provider's token endpoint, on top of
	// the request's own context. Default 30 seconds.
	Timeout time.Duration
	// Header is added to every API call made through a [Client], for
	// example an Accept header with an API version.
	Header http.Header
	// Logger receives the logs of the dance. Default slog.Default().
	// It never receives secrets, tokens, codes or states.
	Logger *slog.Logger
	// ExpiryLeeway is how long before its expiry a token counts as
	// expired (and is refreshed, when the blueprint can). Default 30
	// seconds; a negative value means no leeway. It plays the part of
	// requests-oauthlib's expiry check behind Flask-Dance's
	// auto_refresh_url.
	ExpiryLeeway time.Duration
	// Profile maps the provider's identity API to a [Profile], for
	// [Client.Profile]. Presets set it; set it yourself for a generic
	// blueprint, or to override a preset's.
	Profile ProfileFunc
	// Observe, when set, is called as each of the dance's inner steps
	// starts, the ones that no route handler, HTTP client or storage
	// wrapper sees: "id_token" (verifying an OpenID Connect ID token, at
	// login or refresh), "hooks" (the authorized hooks) and "revoke"
	// ([Client.Revoke], provider call and deletion). It returns the
	// step's context, which the step uses (so spans started in it are the
	// parent of the step's calls), and a func that dance calls with the
	// step's outcome (nil on success). It is for tracing and metrics
	// backends, such as the otel module; it must not block, and it is
	// never given a secret, token, code or state.
	Observe func(ctx context.Context, step string) (context.Context, func(error))
	// UsedStates records the states of completed callbacks, so that a
	// replayed callback is refused with 403. Default: a record in this
	// process, which a second instance or a restart does not share; give
	// every instance the same store from package statestore/redisstate to refuse replays across
	// a fleet. See docs/security.md.
	UsedStates statestore.Store
	// AnonymousURL is where [Blueprint.Required] sends a visitor whom the
	// storage cannot serve without a user ([storage.ErrUserRequired]),
	// for example the app's own login page, with the current path as
	// "next"; and where the callback sends one whose token it cannot store
	// for that reason, with the login's "next". Default: none, so Required
	// sends the visitor to the blueprint's login route (where an authorized
	// hook may sign the user in), and a callback that still has no user
	// answers 401 with the error page.
	AnonymousURL string
	// RefreshLock, when set, makes refreshes fleet-wide single: before it
	// refreshes a token, the blueprint takes the lock named key (a hash of
	// the blueprint's name and the refresh token, never the token) and
	// calls unlock when done; having waited for it, it reads the token
	// from storage again and uses it if another instance refreshed it
	// meanwhile. A failure to take the lock fails the refresh (ErrRefresh)
	// and keeps the stored token. Package refreshlock implements it on
	// Redis. Default: none, so instances refresh independently, and a
	// refresh the provider refuses deletes the stored token only if it
	// still carries the refused refresh token.
	RefreshLock func(ctx context.Context, key string) (unlock func(), err error)
}

// Blueprint is one provider's OAuth dance: its routes, hooks, storage and
// API client. Build one with [NewOAuth2], [NewOAuth1] or a contrib preset;
// it is safe for concurrent use once built.
type Blueprint struct {
	name           string
	proto          protocol
	base           *url.URL
	loginPath      string // relative to the router, as configured
	authorizedPath string
	routes         atomic.Pointer[routes] // set by Register
	registerMu     sync.Mutex
	redirectURL    string
	redirectTo     string
	storage        storage.Storage
	httpClient     *http.Client
	routeHandlers  []gin.HandlerFunc
	hooks          *Hooks
	public         *url.URL
	trusted        []netip.Prefix
	timeout        time.Duration
	header         http.Header
	log            *slog.Logger
	profile        ProfileFunc
	observe        func(ctx context.Context, step string) (context.Context, func(error))
	flowKey        any // a string; an interface already, so session lookups do not allocate
	shortKey       any // the same, for the scopes a step-up did not get
	nameKey        any // name, the key of the request's *Client in the gin.Context
	used           statestore.Store
	anonymousURL   string
	leeway         time.Duration
	refresher      *refresher
	slashWarned    sync.Once // see warnLeadingSlash
	refreshLock    func(ctx context.Context, key string) (func(), error)
}

// routes are a blueprint's full route paths, once registered.
type routes struct{ login, authorized string }

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// newBlueprint checks and applies the common options.
func newBlueprint(name string, o Options, p protocol) (*Blueprint, error) {
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("dance: invalid blueprint name %q: use letters, digits, '_', '.' and '-'", name)
	}
	bp := &Blueprint{
		name:           name,
		proto:          p,
		loginPath:      strings.ReplaceAll(or(o.LoginPath, defaultLoginPath), "{name}", name),
		authorizedPath: strings.ReplaceAll(or(o.AuthorizedPath, defaultAuthorizedPath), "{name}", name),
		redirectURL:    o.RedirectURL,
		redirectTo:     o.RedirectTo,
		storage:        o.Storage,
		httpClient:     o.HTTPClient,
		routeHandlers:  o.RouteHandlers,
		hooks:          o.Hooks,
		timeout:        o.Timeout,
		header:         o.Header.Clone(),
		log:            o.Logger,
		profile:        o.Profile,
		observe:        o.Observe,
		flowKey:        any("_dance_" + name + "_flow"),
		shortKey:       shortKey(name),
		nameKey:        any(name),
		used:           o.UsedStates,
		anonymousURL:   o.AnonymousURL,
		leeway:         o.ExpiryLeeway,
		refresher:      newRefresher(),
		refreshLock:    o.RefreshLock,
	}
	for _, p := range []string{bp.loginPath, bp.authorizedPath} {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("dance: %s: route path %q must start with '/'", name, p)
		}
	}
	if bp.loginPath == bp.authorizedPath {
		return nil, fmt.Errorf("dance: %s: login and authorized paths are both %q", name, bp.loginPath)
	}
	if err := bp.parseURLs(o); err != nil {
		return nil, err
	}
	if bp.storage == nil {
		bp.storage = storage.NewSession()
	}
	if bp.used == nil {
		bp.used = newReplayCache()
	}
	if bp.httpClient == nil {
		bp.httpClient = core.SharedClient
	}
	if bp.hooks == nil {
		bp.hooks = new(Hooks)
	}
	if bp.timeout <= 0 {
		bp.timeout = defaultTimeout
	}
	if bp.log == nil {
		bp.log = slog.Default()
	}
	switch {
	case bp.leeway == 0:
		bp.leeway = defaultExpiryLeeway
	case bp.leeway < 0:
		bp.leeway = 0
	}
	return bp, nil
}

// parseURLs checks and keeps BaseURL, PublicURL and TrustedProxies.
func (bp *Blueprint) parseURLs(o Options) error {
	if o.BaseURL != "" {
		u, err := parseAbsolute(o.BaseURL)
		if err != nil {
			return fmt.Errorf("dance: %s: BaseURL: %w", bp.name, err)
		}
		bp.base = u
	}
	if o.PublicURL != "" {
		u, err := parseAbsolute(o.PublicURL)
		if err != nil {
			return fmt.Errorf("dance: %s: PublicURL: %w", bp.name, err)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		u.RawQuery, u.Fragment = "", ""
		bp.public = u
	}
	for _, s := range o.TrustedProxies {
		pfx, err := parsePrefix(s)
		if err != nil {
			return fmt.Errorf("dance: %s: TrustedProxies: %w", bp.name, err)
		}
		bp.trusted = append(bp.trusted, pfx)
	}
	return nil
}

// Name returns the blueprint's name: its context key, its default route
// segment, and its storage key.
func (bp *Blueprint) Name() string { return bp.name }

// Hooks returns the blueprint's hooks, to add hook functions to.
func (bp *Blueprint) Hooks() *Hooks { return bp.hooks }

// LoginURL returns the full path of the login route: with the router's
// prefix once the blueprint is registered, and as configured before.
func (bp *Blueprint) LoginURL() string { return bp.currentRoutes().login }

// AuthorizedURL returns the full path of the callback route: with the
// router's prefix once the blueprint is registered, and as configured
// before.
func (bp *Blueprint) AuthorizedURL() string { return bp.currentRoutes().authorized }

func (bp *Blueprint) currentRoutes() *routes {
	if r := bp.routes.Load(); r != nil {
		return r
	}
	return &routes{login: bp.loginPath, authorized: bp.authorizedPath}
}

// Register adds the login and authorized routes (GET) to r. With
// r = router.Group("/login") and the name "github", they are
// GET /login/github and GET /login/github/authorized.
//
// A blueprint has one pair of route URLs: they are its LoginURL, the
// redirect_uri it sends, and where [Blueprint.Required] sends users. It
// may be registered on several routers only when the routes come out the
// same (for example one engine per instance, or per test); registering it
// under another prefix panics, as Gin does for a conflicting route,
// because its URLs would then be ambiguous. Build a second blueprint for
// a second prefix.
func (bp *Blueprint) Register(r gin.IRouter) {
	prefix := ""
	if g, ok := r.(interface{ BasePath() string }); ok {
		prefix = strings.TrimSuffix(g.BasePath(), "/")
	}
	want := &routes{login: prefix + bp.loginPath, authorized: prefix + bp.authorizedPath}
	bp.registerMu.Lock()
	if cur := bp.routes.Load(); cur != nil && *cur != *want {
		bp.registerMu.Unlock()
		panic(fmt.Sprintf("dance: %s: already registered at %s; registering it again at %s would make its URLs ambiguous: build a second blueprint", bp.name, cur.login, want.login))
	}
	bp.routes.Store(want)
	bp.registerMu.Unlock()
	handlers := bp.routeHandlers[:len(bp.routeHandlers):len(bp.routeHandlers)]
	r.GET(bp.loginPath, append(handlers, bp.login)...)
	r.GET(bp.authorizedPath, append(handlers, bp.authorized)...)
}

// resolve resolves ref against the base URL (RFC 3986), as Flask-Dance's
// base_url does. Without a base URL, ref must be absolute.
func (bp *Blueprint) resolve(ref string) (*url.URL, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("dance: %s: invalid URL: %w", bp.name, err)
	}
	if bp.base != nil {
		bp.warnLeadingSlash(u)
		u = bp.base.ResolveReference(u)
	}
	if u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("dance: %s: relative URL %q with no BaseURL to resolve it against", bp.name, ref)
	}
	return u, nil
}

// credential reads a credential: v, else the environment variable env
// (default "{NAME}_OAUTH_{suffix}"). It returns the value and the variable
// it came from, for error messages.
func credential(name, v, env, suffix string) (string, string) {
	env = or(env, core.EnvName(name)+"_OAUTH_"+suffix)
	if v != "" {
		return v, env
	}
	return os.Getenv(env), env
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func parseAbsolute(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return u, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func init() {
	core.Inspect = func(v any) core.Info {
		bp := v.(*Blueprint)
		info := core.Info{
			Name:       bp.name,
			BaseURL:    baseCopy(bp.base),
			HTTPClient: bp.httpClient,
			Storage:    bp.storage,
			Header:     bp.header.Clone(),
			Timeout:    bp.timeout,
		}
		bp.proto.describe(&info)
		return info
	}
	core.SetStorage = func(v any, s storage.Storage) { v.(*Blueprint).storage = s }
	core.SetHTTPClient = func(v any, hc *http.Client) {
		if hc == nil {
			hc = core.SharedClient
		}
		v.(*Blueprint).httpClient = hc
	}
}

func baseCopy(u *url.URL) *url.URL {
	if u == nil {
		return nil
	}
	c := *u
	return &c
}

// step starts one of the inner steps that [Options.Observe] sees.
func (bp *Blueprint) step(ctx context.Context, name string) (context.Context, func(error)) {
	if bp.observe == nil {
		return ctx, endNothing
	}
	return bp.observe(ctx, name)
}

func endNothing(error) {}

// errOf is e as an error, nil when e is nil.
func errOf(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}
