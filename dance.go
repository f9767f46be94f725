// Package dance does the OAuth dance for Gin: "log in with GitHub, Google,
// Twitter, …" in a few lines.
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
//	var user struct{ Login string }
//	err := gh.GetJSON("user", &user)
//
// # Configuration
//
// Blueprints are configured with Config structs, as golang.org/x/oauth2 is:
// [OAuth2Config] for a generic OAuth 2 provider and [OAuth1Config] for a
// generic OAuth 1 provider, with the settings every blueprint shares in an
// embedded [Options], and one Config struct per preset in package contrib.
// Structs were chosen over functional options because every setting then
// is one documented, discoverable field, zero values are the defaults, and
// a configuration can be built, inspected and copied as plain data.
// Nothing in dance is configured through globals.
//
// # One way to do each thing
//
// The blueprint is the provider: its routes ([Blueprint.Register]), its
// middleware and its [Hooks]. Everything about the current user's token is
// on the [Client] of the request: [Client.Token], [Client.SetToken],
// [Client.DeleteToken], [Client.Revoke] and the API calls. The token
// operations live on the Client, not the Blueprint, because a token
// belongs to a user, and the Client is the user's view of the blueprint:
// it caches the token for the request, so a handler that reads it, calls
// the API and deletes it on logout makes one storage read, and a change
// made through it is what the rest of the request sees. There is one way
// to reach it, c.MustGet(name): behind [Blueprint.Middleware] and
// [Blueprint.Required], on the blueprint's own routes, and in its hooks.
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
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/logout"
	"github.com/gin-dance/dance/logoutstore"
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
	defaultLogoutPath     = "/{name}/logout"
	defaultBackChannel    = "/{name}/backchannel-logout"
	defaultTimeout        = 30 * time.Second
	defaultExpiryLeeway   = 30 * time.Second
)

// Options are the settings that every blueprint has, whatever its protocol
// or preset. The zero value gives the defaults.
type Options struct {
	// BaseURL is the provider's API root; relative URLs given to a
	// [Client], and relative endpoint URLs, are resolved against it
	// (RFC 3986: write "user", not "/user", under a base URL with a path).
	BaseURL string
	// LoginPath is the login route, relative to the router it is
	// registered on; "{name}" is replaced by the blueprint's name.
	// Default "/{name}".
	LoginPath string
	// AuthorizedPath is the callback route; "{name}" is replaced by the
	// blueprint's name. Default "/{name}/authorized".
	AuthorizedPath string
	// LogoutPath is the logout route (POST, from the app's own pages; and
	// GET, the provider's way back); "{name}" is replaced by the
	// blueprint's name. Default "/{name}/logout". See docs/logout.md.
	LogoutPath string
	// BackChannelLogoutPath is the OpenID Connect back-channel logout
	// route (POST, from the provider), registered for blueprints that
	// verify ID tokens; "-" registers none. Default
	// "/{name}/backchannel-logout".
	BackChannelLogoutPath string
	// EndedSessions records the sessions that back-channel logouts ended,
	// for every instance to log those users out on their next request.
	// Default: a record in this process; give every instance the same
	// store, such as the redis module's redislogout.
	EndedSessions logoutstore.Store
	// NextURL is where the user goes after the dance when the login was
	// not given a "next" path. Default "/".
	NextURL string
	// Storage keeps the tokens. Default: [storage.Session], in the user's
	// gin-contrib/sessions session.
	Storage storage.Storage
	// HTTPClient is used for every call to the provider (token endpoint
	// and API calls). Default: a client shared by all blueprints, with one
	// keep-alive transport.
	HTTPClient *http.Client
	// RouteHandlers run before dance's own handler on the login and
	// authorized routes, for example rate limiting.
	RouteHandlers []gin.HandlerFunc
	// Hooks are called at each step of the dance.
	Hooks Hooks
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
	// Header is set on every API call made through a [Client] that does
	// not set it itself, for example an Accept header with an API version.
	Header http.Header
	// Logger receives the logs of the dance. Default slog.Default().
	// It never receives secrets, tokens, codes or states.
	Logger *slog.Logger
	// ExpiryLeeway is how long before its expiry a token counts as
	// expired (and is refreshed, when the blueprint can). Default 30
	// seconds; a negative value means no leeway.
	ExpiryLeeway time.Duration
	// Profile maps the provider's identity API to a [Profile], for
	// [Client.Profile]. Presets set it; set it yourself for a generic
	// blueprint, or to override a preset's.
	Profile ProfileFunc
	// Observe, when set, is called as each of the dance's inner steps
	// starts, the ones that no route handler, HTTP client or storage
	// wrapper sees: "id_token" (verifying an OpenID Connect ID token, at
	// login or refresh), "hooks" (the authorized hook) and "revoke"
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
	// every instance the same store, such as the redis module's
	// redisstate, to refuse replays across a fleet. See docs/security.md.
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
	// meanwhile. A failure to take the lock fails the refresh and keeps
	// the stored token. The redis module's refreshlock package
	// (github.com/gin-dance/dance/redis/refreshlock) implements it.
	// Default: none, so instances refresh independently, and a refresh
	// the provider refuses deletes the stored token only if it still
	// carries the refused refresh token.
	RefreshLock func(ctx context.Context, key string) (unlock func(), err error)
	// Now is the clock of the dance: the expiry of states and tokens.
	// Default time.Now; tests set their own.
	Now func() time.Time
}

// Blueprint is one provider's OAuth dance: its routes, hooks, storage and
// API client. Build one with [NewOAuth2], [NewOAuth1], [NewOIDC] or a
// contrib preset; it is safe for concurrent use once built.
type Blueprint struct {
	name             string
	proto            protocol
	base             *url.URL
	loginPath        string // relative to the router, as configured
	authorizedPath   string
	logoutPath       string
	backChannel      string                 // "" when off
	ended            logoutstore.Store      // nil unless back-channel logout is on
	endSession       string                 // RP-initiated logout: the provider's end_session_endpoint
	endSessionClient string                 // the client_id sent there
	bcl              *logout.Verifier       // nil unless back-channel logout is on
	routes           atomic.Pointer[routes] // set by Register
	registerMu       sync.Mutex
	nextURL          string
	storage          storage.Storage
	httpClient       *http.Client
	routeHandlers    []gin.HandlerFunc
	hooks            Hooks
	public           *url.URL
	trusted          []netip.Prefix
	timeout          time.Duration
	header           http.Header
	log              *slog.Logger
	profile          ProfileFunc
	observe          func(ctx context.Context, step string) (context.Context, func(error))
	flowKey          any // a string; an interface already, so session lookups do not allocate
	shortKey         any // the same, for the scopes a step-up did not get
	failedKey        any // the same, for a refused login (see failRedirect)
	nameKey          any // name, boxed once: the key of the request's *Client in the gin.Context
	claimsKey        string
	used             statestore.Store
	anonymousURL     string
	leeway           time.Duration
	refresher        *refresher
	slashWarned      sync.Once // see warnLeadingSlash
	refreshLock      func(ctx context.Context, key string) (func(), error)
	now              func() time.Time
	formPost         bool     // the provider answers with a POST (response_mode=form_post)
	relayKey         string   // the cookie that carries a POSTed answer to the GET callback
	callbackParams   []string // callback parameters kept in the token's Extra
	callbackCheck    func(url.Values) error
}

// routes are a blueprint's full route paths, once registered.
type routes struct{ login, authorized, logout, backChannel string }

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
		logoutPath:     strings.ReplaceAll(or(o.LogoutPath, defaultLogoutPath), "{name}", name),
		backChannel:    strings.ReplaceAll(or(o.BackChannelLogoutPath, defaultBackChannel), "{name}", name),
		ended:          o.EndedSessions,
		nextURL:        or(o.NextURL, "/"),
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
		shortKey:       any("_dance_" + name + "_flow_short"),
		failedKey:      any("_dance_" + name + "_failed"),
		nameKey:        any(name),
		claimsKey:      "dance." + name + ".claims",
		used:           o.UsedStates,
		anonymousURL:   o.AnonymousURL,
		leeway:         o.ExpiryLeeway,
		refreshLock:    o.RefreshLock,
		now:            o.Now,
	}
	if bp.backChannel == "-" {
		bp.backChannel = ""
	}
	if err := bp.checkPaths(); err != nil {
		return nil, err
	}
	if err := bp.parseURLs(o); err != nil {
		return nil, err
	}
	bp.defaults()
	return bp, nil
}

// defaults fills in what the options left empty.
func (bp *Blueprint) defaults() {
	if bp.now == nil {
		bp.now = time.Now
	}
	if bp.storage == nil {
		bp.storage = storage.NewSession()
	}
	if bp.used == nil {
		bp.used = flowstate.NewReplayCache(bp.now)
	}
	if bp.httpClient == nil {
		bp.httpClient = core.SharedClient
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
	bp.refresher = newRefresher(bp.now)
}

// Name returns the blueprint's name: its context key, its default route
// segment, and its storage key.
func (bp *Blueprint) Name() string { return bp.name }

// LoginURL returns the full path of the login route: with the router's
// prefix once the blueprint is registered, and as configured before.
func (bp *Blueprint) LoginURL() string { return bp.currentRoutes().login }

// AuthorizedURL returns the full path of the callback route: with the
// router's prefix once the blueprint is registered, and as configured
// before.
func (bp *Blueprint) AuthorizedURL() string { return bp.currentRoutes().authorized }

// LogoutURL returns the full path of the logout route, to which a form
// on the app's pages POSTs (see docs/logout.md), as LoginURL does.
func (bp *Blueprint) LogoutURL() string { return bp.currentRoutes().logout }

func (bp *Blueprint) currentRoutes() *routes {
	if r := bp.routes.Load(); r != nil {
		return r
	}
	return &routes{login: bp.loginPath, authorized: bp.authorizedPath, logout: bp.logoutPath, backChannel: bp.backChannel}
}

// Register adds the login and authorized routes (GET) to r, and the
// logout routes (see [Options].LogoutPath and BackChannelLogoutPath).
// With r = router.Group("/login") and the name "github", they are
// GET /login/github, GET /login/github/authorized and
// POST /login/github/logout.
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
	want := &routes{login: prefix + bp.loginPath, authorized: prefix + bp.authorizedPath, logout: prefix + bp.logoutPath}
	if bp.bcl != nil {
		want.backChannel = prefix + bp.backChannel
	}
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
	if bp.formPost {
		r.POST(bp.authorizedPath, append(handlers, bp.relayPost)...)
	}
	r.POST(bp.logoutPath, append(handlers, bp.logout)...)
	r.GET(bp.logoutPath, append(handlers, bp.logoutReturn)...)
	if bp.bcl != nil {
		r.POST(bp.backChannel, append(handlers, bp.backChannelLogout)...)
	}
}
