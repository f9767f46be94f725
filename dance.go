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
//	resp, err := gh.Get("/user")
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
// # Security
//
// The state is 32 random bytes, bound to the blueprint and the session,
// single-use and valid for 10 minutes; PKCE (S256) is on by default; a
// "next" URL is honoured only as a same-origin relative path; the
// redirect_uri honours X-Forwarded-* headers only from declared trusted
// proxies. Errors and logs never contain secrets, tokens, codes or states.
package dance

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// Token is an OAuth token; see [storage.Token].
type Token = storage.Token

// Default settings.
const (
	// DefaultLoginPath is the login route, the Go form of login_url.
	DefaultLoginPath = "/{name}"
	// DefaultAuthorizedPath is the callback route, the Go form of authorized_url.
	DefaultAuthorizedPath = "/{name}/authorized"
	// DefaultTimeout bounds each call to the provider's token endpoint.
	DefaultTimeout = 30 * time.Second
	// StateLifetime is how long a login may take before its state expires.
	StateLifetime = 10 * time.Minute
	// DefaultExpiryLeeway is how long before its expiry a token counts as
	// expired, so that it does not expire on its way to the provider.
	DefaultExpiryLeeway = 30 * time.Second
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
	// the request's own context. Default [DefaultTimeout].
	Timeout time.Duration
	// Header is added to every API call made through a [Client], for
	// example an Accept header with an API version.
	Header http.Header
	// Logger receives debug logs of the dance. Default slog.Default().
	// It never receives secrets, tokens, codes or states.
	Logger *slog.Logger
	// ExpiryLeeway is how long before its expiry a token counts as
	// expired (and is refreshed, when the blueprint can). Default
	// [DefaultExpiryLeeway]; a negative value means no leeway. It plays the
	// part of requests-oauthlib's expiry check behind Flask-Dance's
	// auto_refresh_url.
	ExpiryLeeway time.Duration
	// Profile maps the provider's identity API to a [Profile], for
	// [Client.Profile]. Presets set it; set it yourself for a generic
	// blueprint, or to override a preset's.
	Profile ProfileFunc
}

// protocol is what differs between OAuth 1 and OAuth 2.
type protocol interface {
	login(bp *Blueprint, c *gin.Context)
	authorized(bp *Blueprint, c *gin.Context)
	// authorize adds the credentials of tok to an outgoing API request.
	authorize(req *http.Request, tok *Token) error
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
	loginURL       string // full route paths, set by Register
	authorizedURL  string
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
	flowKey        string
	replay         *replayCache
	leeway         time.Duration
	refresher      *refresher
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// newBlueprint checks and applies the common options.
func newBlueprint(name string, o Options, p protocol) (*Blueprint, error) {
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("dance: invalid blueprint name %q: use letters, digits, '_', '.' and '-'", name)
	}
	bp := &Blueprint{
		name:           name,
		proto:          p,
		loginPath:      strings.ReplaceAll(or(o.LoginPath, DefaultLoginPath), "{name}", name),
		authorizedPath: strings.ReplaceAll(or(o.AuthorizedPath, DefaultAuthorizedPath), "{name}", name),
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
		flowKey:        "_dance_" + name + "_flow",
		replay:         newReplayCache(),
		leeway:         o.ExpiryLeeway,
		refresher:      newRefresher(),
	}
	for _, p := range []string{bp.loginPath, bp.authorizedPath} {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("dance: %s: route path %q must start with '/'", name, p)
		}
	}
	if bp.loginPath == bp.authorizedPath {
		return nil, fmt.Errorf("dance: %s: login and authorized paths are both %q", name, bp.loginPath)
	}
	bp.loginURL, bp.authorizedURL = bp.loginPath, bp.authorizedPath
	if o.BaseURL != "" {
		u, err := parseAbsolute(o.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("dance: %s: BaseURL: %w", name, err)
		}
		bp.base = u
	}
	if o.PublicURL != "" {
		u, err := parseAbsolute(o.PublicURL)
		if err != nil {
			return nil, fmt.Errorf("dance: %s: PublicURL: %w", name, err)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		u.RawQuery, u.Fragment = "", ""
		bp.public = u
	}
	for _, s := range o.TrustedProxies {
		pfx, err := parsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("dance: %s: TrustedProxies: %w", name, err)
		}
		bp.trusted = append(bp.trusted, pfx)
	}
	if bp.storage == nil {
		bp.storage = storage.NewSession()
	}
	if bp.httpClient == nil {
		bp.httpClient = sharedClient
	}
	if bp.hooks == nil {
		bp.hooks = new(Hooks)
	}
	if bp.timeout <= 0 {
		bp.timeout = DefaultTimeout
	}
	if bp.log == nil {
		bp.log = slog.Default()
	}
	switch {
	case bp.leeway == 0:
		bp.leeway = DefaultExpiryLeeway
	case bp.leeway < 0:
		bp.leeway = 0
	}
	return bp, nil
}

// sharedTransport is the keep-alive transport that every blueprint without
// its own HTTPClient uses, so connections to providers are reused across
// requests and blueprints.
var sharedTransport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return t
}()

var sharedClient = &http.Client{Transport: sharedTransport}

// NewTransport returns a copy of the keep-alive transport that blueprints
// share, for a blueprint that needs a transport of its own (for example
// one that skips TLS verification) while keeping the shared settings.
func NewTransport() *http.Transport { return sharedTransport.Clone() }

// Name returns the blueprint's name: its context key, its default route
// segment, and its storage key.
func (bp *Blueprint) Name() string { return bp.name }

// Hooks returns the blueprint's hooks, to add hook functions to.
func (bp *Blueprint) Hooks() *Hooks { return bp.hooks }

// Storage returns the blueprint's token storage.
func (bp *Blueprint) Storage() storage.Storage { return bp.storage }

// SetStorage replaces the blueprint's token storage. It is meant for tests
// and setup; do not call it while the blueprint serves requests.
func (bp *Blueprint) SetStorage(s storage.Storage) { bp.storage = s }

// SetHTTPClient replaces the client used to reach the provider (token
// endpoint and API calls); nil restores the shared default. It is meant for
// tests (for example to record API calls) and setup; do not call it while
// the blueprint serves requests.
func (bp *Blueprint) SetHTTPClient(hc *http.Client) {
	if hc == nil {
		hc = sharedClient
	}
	bp.httpClient = hc
}

// HTTPClient returns the client used to reach the provider.
func (bp *Blueprint) HTTPClient() *http.Client { return bp.httpClient }

// BaseURL returns the provider's API root, or nil if none was set.
func (bp *Blueprint) BaseURL() *url.URL {
	if bp.base == nil {
		return nil
	}
	u := *bp.base
	return &u
}

// LoginURL returns the full path of the login route, after Register.
func (bp *Blueprint) LoginURL() string { return bp.loginURL }

// AuthorizedURL returns the full path of the callback route, after Register.
func (bp *Blueprint) AuthorizedURL() string { return bp.authorizedURL }

// Register adds the login and authorized routes (GET) to r. With
// r = router.Group("/login") and the name "github", they are
// GET /login/github and GET /login/github/authorized.
func (bp *Blueprint) Register(r gin.IRouter) {
	prefix := ""
	if g, ok := r.(interface{ BasePath() string }); ok {
		prefix = strings.TrimSuffix(g.BasePath(), "/")
	}
	bp.loginURL = prefix + bp.loginPath
	bp.authorizedURL = prefix + bp.authorizedPath
	r.GET(bp.loginPath, append(bp.routeHandlers[:len(bp.routeHandlers):len(bp.routeHandlers)], bp.handleLogin)...)
	r.GET(bp.authorizedPath, append(bp.routeHandlers[:len(bp.routeHandlers):len(bp.routeHandlers)], bp.handleAuthorized)...)
}

func (bp *Blueprint) handleLogin(c *gin.Context)      { bp.proto.login(bp, c) }
func (bp *Blueprint) handleAuthorized(c *gin.Context) { bp.proto.authorized(bp, c) }

// GetToken returns the stored token for the current request, or nil. It is
// the read side of Flask-Dance's blueprint.token property.
func (bp *Blueprint) GetToken(c *gin.Context) (*Token, error) {
	tok, err := bp.storage.Get(c, bp.name)
	if err != nil {
		return nil, &Error{Provider: bp.name, Stage: StageStore, Err: err}
	}
	return tok, nil
}

// SetToken stores tok for the current request. It is the write side of
// Flask-Dance's blueprint.token property.
func (bp *Blueprint) SetToken(c *gin.Context, tok *Token) error {
	if err := bp.storage.Set(c, bp.name, tok); err != nil {
		return &Error{Provider: bp.name, Stage: StageStore, Err: err}
	}
	return nil
}

// DeleteToken removes the stored token for the current request, for
// example on logout.
func (bp *Blueprint) DeleteToken(c *gin.Context) error {
	if err := bp.storage.Delete(c, bp.name); err != nil {
		return &Error{Provider: bp.name, Stage: StageStore, Err: err}
	}
	return nil
}

// resolve resolves ref against the base URL (RFC 3986), as Flask-Dance's
// base_url does. Without a base URL, ref must be absolute.
func (bp *Blueprint) resolve(ref string) (*url.URL, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("dance: %s: invalid URL: %w", bp.name, err)
	}
	if bp.base != nil {
		u = bp.base.ResolveReference(u)
	}
	if u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("dance: %s: relative URL %q with no BaseURL to resolve it against", bp.name, ref)
	}
	return u, nil
}

// EnvName turns a blueprint name into the prefix of its environment
// variables: "github" becomes "GITHUB", as in GITHUB_OAUTH_CLIENT_ID.
func EnvName(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, name)
}

// fromEnv returns v, or the environment variable env when v is empty.
func fromEnv(v, env string) string {
	if v != "" || env == "" {
		return v
	}
	return os.Getenv(env)
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
