// Package devprovider is the development provider that cmd/dance-provider
// serves: on one origin, one stand-in for every contrib preset, under
// /{name}/ with the provider's own paths, each a dancetest fake (the same
// implementation the tests use) with personas to sign in as.
package devprovider

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/presets"
)

// Config configures the development provider.
type Config struct {
	// URL is the provider's own origin as apps reach it, for example
	// "http://127.0.0.1:9000": issuers and discovery documents name it.
	URL string
	// Personas are who one can sign in as. Default: DefaultPersonas.
	Personas []dancetest.Persona
	// ClientID and ClientSecret, when set, are the only credentials
	// accepted; by default any are.
	ClientID, ClientSecret string
	// BackChannelLogoutURL is the app's back-channel logout route, with
	// "{name}" for the preset's name: when set, an OpenID Connect
	// stand-in's end-session endpoint (/{name}/end_session, which the
	// discovery document names) sends a logout token there for the
	// session it ends, whether the app's logout route sent the browser
	// or one visits it to log out "elsewhere".
	BackChannelLogoutURL string
	// ClientKey, when set, is the public key that verifies apps'
	// private_key_jwt client assertions (see dancetest.Config.ClientKey);
	// client_secret_jwt needs ClientID and ClientSecret set.
	ClientKey any
	// DPoPNonce makes every stand-in demand its DPoP nonce (RFC 9449, 8
	// and 9) of the DPoP proofs it gets, which they all check.
	DPoPNonce bool
}

// DefaultPersonas are the personas when none are configured.
var DefaultPersonas = []dancetest.Persona{
	{ID: "1001", Login: "alice", Name: "Alice Liddell", Email: "alice@example.com", Verified: true},
	{ID: "1002", Login: "bob", Name: "Bob Builder", Email: "bob@example.org", Verified: false},
}

// devSecret is the client secret that presets in development mode send
// when their contrib.DevProvider sets none; a development provider that
// accepts any client signs callbacks (Shopify's hmac) with it.
const devSecret = "dance-dev-secret"

// azureTenant is the tenant ID of the Azure stand-in's ID tokens.
const azureTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

// Provider is the development provider: an http.Handler.
type Provider struct {
	presets map[string]*stand
	names   []string
}

// stand is one preset's stand-in: the fake, and the preset's paths that
// map to the fake's own.
type stand struct {
	fake  http.Handler
	owns  func(accessToken string) bool // nil for OAuth 1
	paths map[string]string
}

// New builds the development provider for every preset.
func New(cfg Config) (*Provider, error) {
	if _, err := url.Parse(cfg.URL); err != nil || cfg.URL == "" {
		return nil, fmt.Errorf("devprovider: URL %q is not the provider's origin", cfg.URL)
	}
	if len(cfg.Personas) == 0 {
		cfg.Personas = DefaultPersonas
	}
	p := &Provider{presets: map[string]*stand{}}
	for _, d := range presets.All {
		if d.OAuth1 {
			p.presets[d.Name] = oauth1Stand(cfg, d)
		} else {
			p.presets[d.Name] = oauth2Stand(cfg, d)
		}
		p.names = append(p.names, d.Name)
	}
	return p, nil
}

// oauth2Stand builds the stand-in of an OAuth 2 preset.
func oauth2Stand(cfg Config, d *presets.Provider) *stand {
	fc := dancetest.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, AnyClient: cfg.ClientID == "",
		Personas:     cfg.Personas,
		PersonaPaths: map[string]func(dancetest.Persona) any{},
		RefreshToken: true, RotateRefreshTokens: true, DetectRefreshReuse: true,
		DiscardRequests: true,
		TokenHeader:     d.TokenHeader,
		ClientKey:       cfg.ClientKey,
		DPoP:            true, DPoPNonce: cfg.DPoPNonce,
	}
	if sign := d.SignCallback; sign != nil {
		secret := cfg.ClientSecret
		if secret == "" {
			secret = devSecret
		}
		fc.SignCallback = func(q url.Values) { sign(q, secret) }
	}
	if f := d.FirstAnswer; f != nil {
		fc.FirstAnswerExtra = func(who dancetest.Persona) url.Values { return f(identity(who)) }
	}
	s := &stand{paths: map[string]string{}}
	s.paths[pathOf(d.AuthURL)] = "/authorize"
	s.paths[pathOf(d.TokenURL)] = "/token"
	if d.RevokeURL != "" {
		s.paths[pathOf(d.RevokeURL)] = "/revoke"
	}
	if d.Issuer != "" {
		iss := presets.DevURL(cfg.URL, d.Name, d.Issuer)
		if strings.Contains(iss, "{tenantid}") {
			iss = strings.ReplaceAll(iss, "{tenantid}", azureTenant)
			fc.IDToken.Claims = map[string]any{"tid": azureTenant}
		}
		fc.Issuer = iss
		fc.JWKSPath = pathOf(d.JWKSURL)
		if cfg.BackChannelLogoutURL != "" {
			fc.BackChannelLogoutURL = strings.ReplaceAll(cfg.BackChannelLogoutURL, "{name}", d.Name)
		}
	}
	if sh := d.Profile; sh != nil {
		fc.PersonaPaths[sh.Path(d.BaseURL)] = func(who dancetest.Persona) any {
			return sh.Answer(identity(who))
		}
	}
	for path, f := range d.FakePaths {
		fc.PersonaPaths[path] = func(who dancetest.Persona) any { return f(identity(who)) }
	}
	if d.RefreshURL != "" {
		s.paths[pathOf(d.RefreshURL)] = "/token"
	}
	if f := d.TokenFields; f != nil {
		fc.PersonaTokenFields = func(who dancetest.Persona) map[string]any { return f(identity(who)) }
	}
	fc.RegisterPath, fc.Dialect = d.RegisterPath, d.Dialect
	fc.TokenWithoutRedirectURI, fc.RefreshByClientID = d.TokenWithoutRedirectURI, d.RefreshByClientID
	fc.CallbackParams = d.CallbackParams
	fake := dancetest.NewUnstartedProvider(fc)
	s.fake, s.owns = fake, fake.TokenActive
	return s
}

// oauth1Stand builds the stand-in of an OAuth 1 preset (Twitter, JIRA):
// the fake OAuth 1 provider, which already speaks both spellings of the
// endpoints, with its consent page (Authorize or Deny). It accepts any
// consumer: the signature key (a secret, or JIRA's RSA public key) is
// the app's, which the development provider does not have, so it checks
// the parameters, tokens, verifier and nonces but not the signature. The
// user is the first persona, whom the preset's identity endpoint, if it
// has one, describes.
func oauth1Stand(cfg Config, d *presets.Provider) *stand {
	who := cfg.Personas[0]
	var paths map[string]any
	if sh := d.Profile; sh != nil {
		paths = map[string]any{sh.Path(d.BaseURL): sh.Answer(identity(who))}
	}
	return &stand{fake: dancetest.NewUnstartedOAuth1Provider(dancetest.OAuth1Config{
		Paths:       paths,
		AnyConsumer: true,
		Consent:     true,
		User: map[string]any{
			"id": who.UserID(), "id_str": who.UserID(), "screen_name": who.Login, "name": who.Name, "email": who.Email,
			"accountId": who.UserID(), "displayName": who.Name, "emailAddress": who.Email,
		},
		Extra: map[string]string{"user_id": who.UserID(), "screen_name": who.Login},
	})}
}

// identity is who as the presets describe a user.
func identity(who dancetest.Persona) presets.Identity {
	return presets.Identity{ID: who.UserID(), Login: who.Login, Name: who.Name, Email: who.Email, Verified: who.Verified}
}

// pathOf is the path of an absolute or relative URL.
func pathOf(ref string) string {
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	if u.Path == "" {
		return "/"
	}
	return u.Path
}

// ServeHTTP routes /{name}/… to the preset's stand-in, with the preset's
// paths mapped to the fake's own; other paths reach the fake unchanged
// (discovery, JWKS, /applications/{id}/grant).
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	s := p.presets[name]
	rest = "/" + rest
	if s == nil {
		s, rest = p.byToken(r), r.URL.Path
	}
	if s == nil {
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = index.Execute(w, p.names)
			return
		}
		http.NotFound(w, r)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = rest, ""
	if to, ok := s.paths[r2.URL.Path]; ok {
		r2.URL.Path = to
	}
	s.fake.ServeHTTP(w, r2)
}

// byToken finds the stand-in that issued the access token of an API call
// whose path has no preset prefix: a client that calls "/user" (a path
// from the host's root) against a base URL of /github/ reaches here.
func (p *Provider) byToken(r *http.Request) *stand {
	at := dancetest.BearerOf(r)
	if at == "" {
		return nil
	}
	for _, s := range p.presets {
		if s.owns != nil && s.owns(at) {
			return s
		}
	}
	return nil
}

var index = template.Must(template.New("index").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>dance development provider</title></head><body>
<h1>dance development provider</h1>
<p>Stand-ins for every preset, under /{name}/. Turn development mode on in your app with a contrib.DevProvider whose URL is this origin (the examples: -dev-provider).</p>
<ul>{{range .}}<li>{{.}}</li>{{end}}</ul></body></html>`))
