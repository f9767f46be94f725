// Package contrib has one preset per OAuth provider. A preset is a Config
// struct with the provider's documented options and a constructor that
// returns a ready [*dance.Blueprint]. Every preset reads its credentials
// from environment variables when none are given ({NAME}_OAUTH_CLIENT_ID
// and {NAME}_OAUTH_CLIENT_SECRET, as GITHUB_OAUTH_CLIENT_ID), and every
// endpoint can be overridden (for tests, or for self-hosted instances).
//
// Presets with an identity endpoint also set a profile mapping, so that
// [dance.Client.Profile] returns who the user is in one shape for every
// provider.
package contrib

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-gonic/gin"
)

// Endpoints override a preset's provider URLs. Empty fields keep the
// provider's own. Tests point them at a fake provider; users of a
// self-hosted or regional instance point them at it. Relative URLs are
// resolved against the blueprint's BaseURL.
type Endpoints struct {
	// AuthURL is the authorization endpoint.
	AuthURL string
	// TokenURL is the token endpoint.
	TokenURL string
	// RefreshURL is the endpoint used to refresh tokens, for presets that
	// are refreshable. Default: the
	// provider's, which is its token endpoint (so overriding TokenURL
	// moves it too).
	RefreshURL string
	// ProfileURL is the identity endpoint that [dance.Client.Profile]
	// calls, for presets that have one.
	ProfileURL string
	// Dev, when set, is development mode: every URL of the preset,
	// including the ones above, goes to the stand-in for it on a
	// development provider. See [DevProvider].
	Dev *DevProvider
}

// DefaultUserAgent is the User-Agent that the Reddit and Strava presets
// send when none is configured: their APIs refuse generic agents.
const DefaultUserAgent = "dance/" + core.Version

// preset is what makes a provider's OAuth 2 blueprint: the provider's
// description (its URLs, default scopes and identity API, which the
// development provider and the fakes read too), and its quirks as data and
// small funcs: extra query parameters, where the client ID goes, headers,
// how the token is sent.
type preset struct {
	presets.Provider
	authParams  map[string]string
	tokenParams map[string]string
	// stepUpParams are how the provider keeps earlier grants when a
	// step-up login ([dance.Blueprint.Required] with scopes) asks for
	// more, for example Google's include_granted_scopes=true. Presets
	// that need nothing leave it nil: the step-up asks for the union of
	// the held and needed scopes (GitHub's grants are additive).
	stepUpParams map[string]string
	// clientIDInBody sends client_id and client_secret in the token
	// request's body instead of Basic auth.
	clientIDInBody bool
	// header is added to every API call.
	header http.Header
	// clientIDHeader, when set, names a header that carries the client ID
	// on every API call (Twitch's Client-Id).
	clientIDHeader string
	// authorize replaces "Authorization: Bearer <token>".
	authorize func(req *http.Request, tok *dance.Token) error
	// profileFix completes the profile after the mapping.
	profileFix func(cl *dance.Client, p *dance.Profile) error
	// httpClient, when set and the user gave none, is the blueprint's.
	httpClient *http.Client
	// revoke is the provider's own revocation call, given the
	// blueprint's BaseURL; without it, or RevokeURL (RFC 7009), Revoke
	// gives dance.ErrRevocationUnsupported.
	revoke func(baseURL string) dance.RevokeFunc
	// revokeAt is the provider's own revocation call, given the final
	// (resolved, and in development mode moved) token and RFC 7009
	// endpoints, for a provider that revokes at one of them with its own
	// request (Naver's grant_type=delete, LINE's access_token field).
	revokeAt func(tokenURL, revokeURL string) dance.RevokeFunc
	// idTokenCheck adds a claim check to ID-token verification.
	idTokenCheck dance.ClaimCheck
	// clientSecret makes the client secret for each token request
	// (Apple's signed one); a development provider never gets it.
	clientSecret func(ctx context.Context) (string, error)
	// formPost, callbackParams and callbackCheck: see dance.OAuth2Config.
	formPost       bool
	callbackParams []string
	callbackCheck  func(url.Values) error
	// profileCheck refuses an identity answer that is an error in a 200
	// (Naver's resultcode, WeChat's errcode), before the mapping.
	profileCheck func(raw map[string]any) error
	// transport wraps the blueprint's HTTP transport, for a provider
	// whose token requests or answers are not standard (WeChat's GET
	// token request); tokenURL is the resolved token endpoint.
	transport func(rt http.RoundTripper, tokenURL, refreshURL string) http.RoundTripper
	// routeHandler runs before dance's own handler on the login and
	// callback routes (VK ID's capture of the callback's device_id).
	routeHandler gin.HandlerFunc
	// authURL rewrites the authorization URL before the redirect
	// (WeChat's appid and fragment, Mastodon's registered client).
	authURL func(c *gin.Context, u string) (string, error)
	// disablePKCE sends no PKCE challenge, for a provider that documents
	// none and whose token endpoint is strict about its body (Notion),
	// whose PKCE is not RFC 7636's (TikTok), or whose token request has no
	// room for the verifier (WeChat).
	disablePKCE bool
	// clientIDParam names a parameter that carries the client ID in the
	// authorization request besides client_id (TikTok's client_key).
	clientIDParam string
	// tokenForm rewrites every request to the token endpoint (the code
	// exchange and the refresh) before it is sent: it gets the form that
	// x/oauth2 wrote and the client ID, and returns the body to send and
	// its content type (Notion's JSON, TikTok's client_key).
	tokenForm func(form url.Values, clientID string) (contentType string, body []byte, err error)
}

// build fills in the preset's defaults around the user's settings.
func (p preset) build(clientID, clientSecret string, scopes []string, ep Endpoints, o dance.Options) (*dance.Blueprint, error) {
	env := core.EnvName(p.Name)
	cfg := dance.OAuth2Config{
		Name:         p.Name,
		ClientID:     or(clientID, os.Getenv(env+"_OAUTH_CLIENT_ID")),
		ClientSecret: or(clientSecret, os.Getenv(env+"_OAUTH_CLIENT_SECRET")),
		Scopes:       scopes,
		AuthURL:      or(ep.AuthURL, p.AuthURL),
		AuthParams:   p.authParams,
		TokenURL:     or(ep.TokenURL, p.TokenURL),
		TokenParams:  p.tokenParams,
		StepUpParams: p.stepUpParams,
		Authorize:    p.authorize,
		RevokeURL:    p.RevokeURL,
		Issuer:       p.Issuer,
		JWKSURL:      p.JWKSURL,
		IDTokenCheck: p.idTokenCheck,
		FormPost:     p.formPost,
		DisablePKCE:  p.disablePKCE,
		Options:      o,
	}
	cfg.CallbackParams, cfg.CallbackCheck = p.callbackParams, p.callbackCheck
	cfg.ClientSecretFunc = p.clientSecret
	if cfg.Scopes == nil {
		cfg.Scopes = p.Scopes
	}
	cfg.BaseURL = or(cfg.BaseURL, p.BaseURL)
	profileURL, refreshURL := "", p.RefreshURL
	if p.Profile != nil {
		profileURL = or(ep.ProfileURL, p.Profile.URL)
	}
	if ep.Dev != nil {
		dev, err := ep.Dev.origin(p.Name)
		if err != nil {
			return nil, err
		}
		devURLs(dev, p.Name, &cfg.BaseURL, &cfg.AuthURL, &cfg.TokenURL, &cfg.RevokeURL, &cfg.Issuer, &cfg.JWKSURL, &ep.RefreshURL, &refreshURL, &profileURL)
		cfg.ClientID, cfg.ClientSecret = ep.Dev.credentials()
		cfg.ClientSecretFunc = nil // a secret made with the app's key is a real one
	}
	if p.revoke != nil {
		cfg.Revoke = p.revoke(cfg.BaseURL)
	}
	if p.revokeAt != nil {
		cfg.Revoke = p.revokeAt(resolve(cfg.BaseURL, cfg.TokenURL), resolve(cfg.BaseURL, cfg.RevokeURL))
	}
	cfg.TokenAuthMethod = p.tokenAuthMethod(&cfg)
	if p.Refreshable {
		cfg.RefreshURL = or(ep.RefreshURL, or(refreshURL, cfg.TokenURL))
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = p.httpClient
	}
	if p.transport != nil {
		cfg.HTTPClient = wrapTransport(cfg.HTTPClient, func(rt http.RoundTripper) http.RoundTripper {
			return p.transport(rt, resolve(cfg.BaseURL, cfg.TokenURL), resolve(cfg.BaseURL, cfg.RefreshURL))
		})
	}
	if p.authURL != nil {
		cfg.Hooks.OnBeforeLogin = rewriteAuthURL(p.Name, p.authURL, cfg.Hooks.OnBeforeLogin, cfg.Logger)
	}
	if p.routeHandler != nil {
		cfg.RouteHandlers = append(slices.Clip(o.RouteHandlers), p.routeHandler)
	}
	if p.clientIDParam != "" {
		cfg.AuthParams = maps.Clone(cfg.AuthParams)
		if cfg.AuthParams == nil {
			cfg.AuthParams = map[string]string{}
		}
		cfg.AuthParams[p.clientIDParam] = cfg.ClientID
	}
	if p.tokenForm != nil {
		rewriteTokenRequests(&cfg, p.tokenForm)
	}
	cfg.Header = p.headers(cfg.ClientID, o.Header)
	if cfg.Profile == nil && p.Profile != nil {
		cfg.Profile = (&profileSpec{p.Profile, p.profileFix, cfg.Header, p.profileCheck}).fetcher(profileURL)
	}
	return dance.NewOAuth2(cfg)
}

// tokenAuthMethod is how the preset's client authenticates: Basic auth by
// default (""); with clientIDInBody, client_secret_post, or "none" for a
// public client, one without a secret.
func (p preset) tokenAuthMethod(cfg *dance.OAuth2Config) string {
	switch {
	case !p.clientIDInBody:
		return ""
	case cfg.ClientSecret == "" && cfg.ClientSecretFunc == nil && os.Getenv(core.EnvName(cfg.Name)+"_OAUTH_CLIENT_SECRET") == "":
		return "none"
	}
	return "client_secret_post"
}

// headers are the preset's headers, then the user's, which win.
func (p preset) headers(clientID string, user http.Header) http.Header {
	h := p.header.Clone()
	if p.clientIDHeader != "" && clientID != "" {
		if h == nil {
			h = http.Header{}
		}
		h.Set(p.clientIDHeader, clientID)
	}
	if h == nil {
		return user
	}
	for k, v := range user {
		h[k] = v
	}
	return h
}

// rehost moves the provider's URLs from the host from to the host to, for
// presets of a self-hosted instance, a sandbox or a region.
func (p *preset) rehost(from, to string) {
	if to == "" || to == from {
		return
	}
	for _, u := range []*string{&p.AuthURL, &p.TokenURL, &p.RefreshURL, &p.BaseURL, &p.RevokeURL, &p.Issuer, &p.JWKSURL} {
		if rest, ok := strings.CutPrefix(*u, "https://"+from); ok {
			*u = "https://" + strings.TrimSuffix(to, "/") + rest
		}
	}
}

// params collects the extra query parameters of an authorization request.
type params map[string]string

// setIf sets k to v when on is true and v is not empty.
func (p params) setIf(on bool, k, v string) params {
	if on && v != "" {
		p[k] = v
	}
	return p
}

// prompt adds value to the space-separated "prompt" parameter when on is
// true: reprompt_consent is prompt(…, "consent"), and Google's
// reprompt_select_account adds "select_account".
func (p params) prompt(on bool, value string) params {
	if !on {
		return p
	}
	if cur := p["prompt"]; cur != "" {
		value = cur + " " + value
	}
	p["prompt"] = value
	return p
}

// withDefault returns h with k set to v unless h sets k: a preset's
// default header, which the user's Options.Header overrides.
func withDefault(h http.Header, k, v string) http.Header {
	if h.Get(k) != "" {
		return h
	}
	h = h.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set(k, v)
	return h
}

// staticHeader is a header with one field.
func staticHeader(k, v string) http.Header {
	h := http.Header{}
	h.Set(k, v)
	return h
}

// userAgent is the User-Agent header of presets whose provider rejects
// generic agents: ua, or [DefaultUserAgent].
func userAgent(ua string) http.Header { return staticHeader("User-Agent", or(ua, DefaultUserAgent)) }

// authScheme sends the access token as "Authorization: <scheme> <token>",
// for providers that do not use "Bearer".
func authScheme(scheme string) func(*http.Request, *dance.Token) error {
	return func(req *http.Request, tok *dance.Token) error {
		req.Header.Set("Authorization", scheme+" "+tok.AccessToken)
		return nil
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orScopes(s []string, def ...string) []string {
	if s == nil {
		return def
	}
	return s
}
