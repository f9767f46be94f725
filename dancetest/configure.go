package dancetest

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/presets"
)

// Configure points a contrib preset's Config (passed by pointer) at the
// fake provider: it sets the client credentials (ClientID and
// ClientSecret, or Dropbox's AppKey and AppSecret, Meetup's Key and
// Secret), the embedded contrib.Endpoints (AuthURL, TokenURL) and
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
// production, offline.
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
	for _, f := range [][2]string{
		{id, p.cfg.ClientID}, {secret, p.cfg.ClientSecret},
		{"AuthURL", p.URL + "/authorize"}, {"TokenURL", p.URL + "/token"}, {"BaseURL", p.URL + "/"},
	} {
		field := s.FieldByName(f[0])
		if !field.IsValid() || field.Kind() != reflect.String || !field.CanSet() {
			return fmt.Errorf("dancetest: %s has no string field %s", s.Type(), f[0])
		}
		field.SetString(f[1])
	}
	if hc := s.FieldByName("HTTPClient"); hc.IsValid() && hc.CanSet() && hc.IsNil() {
		hc.Set(reflect.ValueOf(p.StandIn()))
	}
	ctor, ok := presets.For(s.Type())
	if !ok {
		return nil // not a contrib preset: nothing more to dress as
	}
	out := reflect.ValueOf(ctor).Call([]reflect.Value{s})
	if err, _ := out[1].Interface().(error); err != nil {
		return fmt.Errorf("dancetest: building the preset to read its issuer and identity endpoint: %w", err)
	}
	bp := out[0].Interface().(*dance.Blueprint)
	info := core.Inspect(bp)
	if err := p.dress(info); err != nil {
		return err
	}
	p.serveIdentity(bp.Name(), info.BaseURL, s.FieldByName("ProfileURL"))
	return nil
}

// serveIdentity makes the fake answer the identity endpoint of the preset
// named name, as its blueprint with the API at base calls it (at
// profileURL, the Config's ProfileURL field, when that is set).
func (p *Provider) serveIdentity(name string, base *url.URL, profileURL reflect.Value) {
	var sh *core.ProfileShape
	for _, d := range core.DescribedPresets() {
		if d.Name == name && d.Profile != nil {
			c := *d.Profile
			sh = &c
		}
	}
	if sh == nil {
		return // no profile mapping
	}
	if profileURL.IsValid() && profileURL.Kind() == reflect.String && profileURL.String() != "" {
		sh.URL = profileURL.String()
	}
	path := sh.Path(base.String())
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.identities == nil {
		p.identities = map[string]*core.ProfileShape{}
	}
	p.identities[path] = sh
}

// identityAt is the identity endpoint that Configure set up at path, or
// nil.
func (p *Provider) identityAt(path string) *core.ProfileShape {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.identities[path]
}

// fakeTenant is the tenant of the fake's ID tokens for a multi-tenant
// issuer (Azure's "common"): Microsoft's tenant of personal accounts.
const fakeTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

// dress makes the fake's ID tokens and key set those of the blueprint
// described by info.
func (p *Provider) dress(info core.Info) error {
	if info.Issuer == "" {
		return nil
	}
	jwks, err := url.Parse(info.JWKSURL)
	if err != nil || jwks.Path == "" {
		return errors.New("dancetest: the preset has an issuer but no usable JWKS URL")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg.Issuer, p.cfg.JWKSPath = info.Issuer, jwks.Path
	if strings.Contains(info.Issuer, "{tenantid}") {
		p.cfg.Issuer = strings.ReplaceAll(info.Issuer, "{tenantid}", fakeTenant)
		claims := maps.Clone(p.cfg.IDToken.Claims)
		if claims == nil {
			claims = map[string]any{}
		}
		if _, set := claims["tid"]; !set {
			claims["tid"] = fakeTenant
		}
		p.cfg.IDToken.Claims = claims
	}
	return nil
}
