package dancetest

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/gin-dance/dance/internal/presets"
)

// Configure points a contrib preset's Config (passed by pointer) at the
// fake provider: it sets the client credentials (ClientID and
// ClientSecret, or Dropbox's AppKey and AppSecret, Meetup's Key and
// Secret; for a preset whose secret the app signs, as Apple's, only the ID,
// and the fake then takes any client), the embedded contrib.Endpoints
// (AuthURL, TokenURL) and
// Options.BaseURL, and, unless one is set, Options.HTTPClient to
// [Provider.StandIn], so that any URL of the preset left at the real
// provider (a revocation or userinfo endpoint, a key set) reaches the
// fake instead of the network.
//
// It also dresses the fake as the provider, as the development provider
// (cmd/dance-provider) is dressed. The preset's identity endpoint answers
// at the path the blueprint calls (Google's /oauth2/v2/userinfo, Slack's
// /users.identity) in the provider's JSON shape, so that
// [dance.Client.Profile] works: with the persona the token belongs to
// ([Config.Personas]), or else the user of [Config.User] (its "id",
// "login", "name" and "email"). A path that [Config.Paths] or
// [Config.PersonaPaths] sets keeps the test's answer, and /user (GitHub's
// and GitLab's) answers Config.User as it is to a token without a
// persona. For the OpenID Connect presets (Google, Azure, LinkedIn,
// Authentiq), its ID tokens carry the preset's issuer (and, for a
// multi-tenant Azure, a tenant), and its key set is served at the path of
// the preset's JWKS URL, so the ID token is verified exactly as in
// production, offline. A preset of a provider's instance (Okta's Domain,
// Shopify's Shop) gets the example instance that the fake dresses as; a
// provider that signs its redirects to the callback (Shopify's hmac) is
// signed for with the fake's client secret; a token carried in another
// header (Shopify's X-Shopify-Access-Token) is accepted there; and the
// provider's other identity endpoints (GitHub's /user/emails) answer too.
//
// It needs no testing.TB, so a development server can use it too.
//
//	cfg := contrib.GitHubConfig{Scopes: []string{"user:email"}}
//	if err := fake.Configure(&cfg); err != nil {
//		t.Fatal(err)
//	}
//	github, err := contrib.GitHub(cfg)
func (p *Provider) Configure(cfg any) error {
	v := reflect.ValueOf(cfg)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("dancetest: Configure wants a pointer to a Config struct, got %T", cfg)
	}
	s := v.Elem()
	id, secret := "ClientID", "ClientSecret"
	for _, pair := range [][2]string{{"AppKey", "AppSecret"}, {"Key", "Secret"}} {
		if s.FieldByName(pair[0]).IsValid() && !s.FieldByName(id).IsValid() {
			id, secret = pair[0], pair[1]
		}
	}
	fields := [][2]string{
		{id, p.cfg.ClientID}, {secret, p.cfg.ClientSecret},
		{"AuthURL", p.URL + "/authorize"}, {"TokenURL", p.URL + "/token"}, {"BaseURL", p.URL + "/"},
	}
	if !s.FieldByName(secret).IsValid() {
		// A preset whose secret the app makes (Sign in with Apple signs
		// one with its key): the fake takes any.
		fields = slices.Delete(fields, 1, 2)
		p.mu.Lock()
		p.cfg.AnyClient = true
		p.mu.Unlock()
	}
	for _, f := range fields {
		field := s.FieldByName(f[0])
		if !field.IsValid() || field.Kind() != reflect.String || !field.CanSet() {
			return fmt.Errorf("dancetest: %s has no string field %s", s.Type(), f[0])
		}
		field.SetString(f[1])
	}
	if hc := s.FieldByName("HTTPClient"); hc.IsValid() && hc.CanSet() && hc.IsNil() {
		hc.Set(reflect.ValueOf(p.StandIn()))
	}
	pr := presets.ByConfig(s.Type().Name())
	if pr == nil || s.Type().PkgPath() != "github.com/gin-dance/dance/contrib" {
		return nil // not a contrib preset: nothing more to dress as
	}
	for field, v := range pr.Instance { // the fake is the example instance
		if f := s.FieldByName(field); f.IsValid() && f.Kind() == reflect.String && f.CanSet() {
			f.SetString(v)
		}
	}
	tenant := ""
	if f := s.FieldByName("Tenant"); f.IsValid() && f.Kind() == reflect.String {
		tenant = f.String()
	}
	if err := p.dress(pr, tenant); err != nil {
		return err
	}
	if f := pr.FirstAnswer; f != nil && p.cfg.FirstAnswerExtra == nil {
		p.mu.Lock()
		p.cfg.FirstAnswerExtra = func(who Persona) url.Values { return f(who.identity()) }
		p.mu.Unlock()
	}
	p.speak(pr)
	profileURL := ""
	if f := s.FieldByName("ProfileURL"); f.IsValid() && f.Kind() == reflect.String {
		profileURL = f.String()
	}
	p.serveIdentity(pr, p.URL+"/", profileURL)
	return nil
}

// serveIdentity makes the fake answer the identity endpoint of the preset
// provider pr, as its blueprint with the API at base calls it (at
// profileURL, the Config's ProfileURL, when that is set), and the
// provider's other identity endpoints (GitHub's /user/emails).
func (p *Provider) serveIdentity(pr *presets.Provider, base, profileURL string) {
	if pr.Profile == nil {
		return // no profile mapping
	}
	sh := *pr.Profile
	if profileURL != "" {
		sh.URL = profileURL
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.identities == nil {
		p.identities = map[string]identityEndpoint{}
	}
	// Config.User is already in the shape of a mapping that reads "id"
	// (GitHub's), and is sent as it is.
	p.identities[sh.Path(base)] = identityEndpoint{func(who presets.Identity) any { return sh.Answer(who) }, sh.ID == "id"}
	for path, f := range pr.FakePaths {
		p.identities[path] = identityEndpoint{answer: f}
	}
}

// identityEndpoint is an identity endpoint that Configure set up: its
// answer for a user, and whether a token without a persona on /user gets
// Config.User as it is.
type identityEndpoint struct {
	answer func(presets.Identity) any
	asUser bool
}

// speak makes the fake speak the preset provider pr's dialect, register
// its clients, revoke and refresh at their paths, and say in its token
// answers what pr's do of the user, unless the test's Config already says
// otherwise.
func (p *Provider) speak(pr *presets.Provider) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg.Dialect == nil {
		p.cfg.Dialect = pr.Dialect
	}
	if p.cfg.RegisterPath == "" {
		p.cfg.RegisterPath = pr.RegisterPath
	}
	p.cfg.TokenWithoutRedirectURI = p.cfg.TokenWithoutRedirectURI || pr.TokenWithoutRedirectURI
	p.cfg.RefreshByClientID = p.cfg.RefreshByClientID || pr.RefreshByClientID
	if p.cfg.CallbackParams == nil {
		p.cfg.CallbackParams = pr.CallbackParams
	}
	if u, err := url.Parse(pr.RevokeURL); err == nil && u.Path != "" {
		p.revokePath = u.Path
	}
	if u, err := url.Parse(pr.RefreshURL); err == nil && u.Path != "" {
		p.refreshPath = u.Path
	}
	if f := pr.TokenFields; f != nil && p.cfg.PersonaTokenFields == nil {
		p.cfg.PersonaTokenFields = func(who Persona) map[string]any { return f(who.identity()) }
	}
}

// identityAt is the identity endpoint that Configure set up at path, or
// the zero endpoint.
func (p *Provider) identityAt(path string) identityEndpoint {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.identities[path]
}

// fakeTenant is the tenant of the fake's ID tokens for a multi-tenant
// issuer (Azure's "common"): Microsoft's tenant of personal accounts.
const fakeTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

// fakeWorkTenant is the tenant of the fake's ID tokens for Azure's
// "organizations": a work or school tenant.
const fakeWorkTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

// dress makes the fake's ID tokens and key set those of the preset
// provider pr, for the Config's tenant when it has one.
func (p *Provider) dress(pr *presets.Provider, tenant string) error {
	p.mu.Lock()
	p.cfg.TokenHeader = pr.TokenHeader
	if sign, secret := pr.SignCallback, p.cfg.ClientSecret; sign != nil {
		p.cfg.SignCallback = func(q url.Values) { sign(q, secret) }
	}
	p.mu.Unlock()
	if pr.Issuer == "" {
		return nil
	}
	jwks, err := url.Parse(pr.JWKSURL)
	if err != nil || jwks.Path == "" {
		return errors.New("dancetest: the preset has an issuer but no usable JWKS URL")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg.Issuer, p.cfg.JWKSPath = pr.Issuer, jwks.Path
	if pr.Tenant != "" && tenant != "" {
		p.cfg.JWKSPath = strings.Replace(jwks.Path, "/"+pr.Tenant+"/", "/"+tenant+"/", 1)
	}
	if strings.Contains(pr.Issuer, "{tenantid}") {
		tid := fakeTenant // personal accounts', for "common" and "consumers"
		switch {
		case tenant == "organizations":
			tid = fakeWorkTenant
		case tenant != "" && tenant != pr.Tenant && tenant != "consumers":
			tid = tenant
		}
		p.cfg.Issuer = strings.ReplaceAll(pr.Issuer, "{tenantid}", tid)
		claims := maps.Clone(p.cfg.IDToken.Claims)
		if claims == nil {
			claims = map[string]any{}
		}
		if _, set := claims["tid"]; !set {
			claims["tid"] = tid
		}
		p.cfg.IDToken.Claims = claims
	}
	return nil
}
