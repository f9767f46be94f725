// Package contrib has one preset per OAuth provider, the Go form of
// flask_dance.contrib. A preset is a Config struct with the provider's
// documented options and a constructor that returns a ready
// [*dance.Blueprint]. Every preset reads its credentials from the same
// environment variables as Flask-Dance when none are given, and every
// endpoint can be overridden (for tests, or for self-hosted instances).
//
// Presets with an identity endpoint also set a profile mapping, so that
// [dance.Client.Profile] returns who the user is in one shape for every
// provider.
package contrib

import (
	"net/http"
	"os"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"golang.org/x/oauth2"
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
	// are refreshable (Flask-Dance's auto_refresh_url). Default: the
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
// send when none is configured (Flask-Dance sends "Flask-Dance/{version}").
const DefaultUserAgent = "dance/" + core.Version

// preset is the data that makes a provider's OAuth 2 blueprint. Quirks are
// data too: extra query parameters, where the client ID goes, headers, how
// the token is sent, and the profile mapping.
type preset struct {
	name, authURL, tokenURL, baseURL string
	scopes                           []string // default scopes
	authParams                       map[string]string
	tokenParams                      map[string]string
	// stepUpParams are how the provider keeps earlier grants when a
	// step-up login ([dance.Blueprint.Required] with scopes) asks for
	// more, for example Google's include_granted_scopes=true. Presets
	// that need nothing leave it nil: the step-up asks for the union of
	// the held and needed scopes (GitHub's grants are additive).
	stepUpParams map[string]string
	// clientIDInBody sends client_id and client_secret in the token
	// request's body (requests-oauthlib's include_client_id=True).
	clientIDInBody bool
	// refreshable sets RefreshURL to the token endpoint, where Flask-Dance
	// sets auto_refresh_url.
	refreshable bool
	// header is added to every API call.
	header http.Header
	// clientIDHeader, when set, names a header that carries the client ID
	// on every API call (Twitch's Client-Id).
	clientIDHeader string
	// authorize replaces "Authorization: Bearer <token>".
	authorize func(req *http.Request, tok *dance.Token) error
	// profile maps the identity endpoint; nil when there is none.
	profile *profileSpec
	// httpClient, when set and the user gave none, is the blueprint's.
	httpClient *http.Client
	// revoke is the provider's own revocation call, given the
	// blueprint's BaseURL; revokeURL its RFC 7009 endpoint. With neither,
	// Revoke gives dance.ErrRevocationUnsupported.
	revoke    func(baseURL string) dance.RevokeFunc
	revokeURL string
	// issuer and jwksURL turn on ID-token verification when the scope
	// holds "openid"; idTokenCheck adds a claim check.
	issuer, jwksURL string
	idTokenCheck    dance.ClaimCheck
}

// build fills in the preset's defaults around the user's settings.
func (p preset) build(clientID, clientSecret string, scopes []string, ep Endpoints, o dance.Options) (*dance.Blueprint, error) {
	p.describe()
	env := core.EnvName(p.name)
	cfg := dance.OAuth2Config{
		Name:         p.name,
		ClientID:     or(clientID, os.Getenv(env+"_OAUTH_CLIENT_ID")),
		ClientSecret: or(clientSecret, os.Getenv(env+"_OAUTH_CLIENT_SECRET")),
		Scopes:       scopes,
		AuthURL:      or(ep.AuthURL, p.authURL),
		AuthParams:   p.authParams,
		TokenURL:     or(ep.TokenURL, p.tokenURL),
		TokenParams:  p.tokenParams,
		StepUpParams: p.stepUpParams,
		Authorize:    p.authorize,
		RevokeURL:    p.revokeURL,
		Issuer:       p.issuer,
		JWKSURL:      p.jwksURL,
		IDTokenCheck: p.idTokenCheck,
		Options:      o,
	}
	if cfg.Scopes == nil {
		cfg.Scopes = p.scopes
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = p.baseURL
	}
	dev := ""
	if ep.Dev != nil {
		var err error
		if dev, err = ep.Dev.origin(p.name); err != nil {
			return nil, err
		}
		devURLs(dev, p.name, &cfg.BaseURL, &cfg.AuthURL, &cfg.TokenURL, &cfg.RevokeURL, &cfg.Issuer, &cfg.JWKSURL, &ep.RefreshURL, &ep.ProfileURL)
		cfg.ClientID, cfg.ClientSecret = ep.Dev.credentials()
	}
	if p.revoke != nil {
		cfg.Revoke = p.revoke(cfg.BaseURL)
	}
	if p.clientIDInBody {
		cfg.AuthStyle = oauth2.AuthStyleInParams
	}
	if p.refreshable {
		cfg.RefreshURL = or(ep.RefreshURL, cfg.TokenURL)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = p.httpClient
	}
	// The preset's headers, then the user's, which win.
	h := p.header.Clone()
	if p.clientIDHeader != "" && cfg.ClientID != "" {
		if h == nil {
			h = http.Header{}
		}
		h.Set(p.clientIDHeader, cfg.ClientID)
	}
	if h != nil {
		for k, v := range o.Header {
			h[k] = v
		}
		cfg.Header = h
	}
	if cfg.Profile == nil && p.profile != nil {
		profileURL := or(ep.ProfileURL, p.profile.url)
		if dev != "" {
			devURLs(dev, p.name, &profileURL)
		}
		cfg.Profile = p.profile.fetcher(profileURL)
	}
	return dance.NewOAuth2(cfg)
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

// hostURL builds "https://{host}{path}".
func hostURL(host, path string) string { return "https://" + strings.TrimSuffix(host, "/") + path }
