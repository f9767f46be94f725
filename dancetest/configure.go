package dancetest

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/internal/core"
)

// Configure points a contrib preset's Config (passed by pointer) at the
// fake provider: it sets ClientID and ClientSecret, the embedded
// contrib.Endpoints (AuthURL, TokenURL) and Options.BaseURL, and, unless
// one is set, Options.HTTPClient to [Provider.StandIn], so that any URL of
// the preset left at the real provider (a revocation or userinfo
// endpoint, a key set) reaches the fake instead of the network.
//
// For the OpenID Connect presets (Google, Azure, LinkedIn, Authentiq) it
// also dresses the fake as the provider: its ID tokens carry the preset's
// issuer (and, for a multi-tenant Azure, a tenant), and its key set is
// served at the path of the preset's JWKS URL, so the ID token is verified
// exactly as in production, offline.
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
	for _, f := range [][2]string{
		{"ClientID", p.cfg.ClientID}, {"ClientSecret", p.cfg.ClientSecret},
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
	build, ok := oidcPresets[v.Type()]
	if !ok {
		return nil
	}
	bp, err := build(cfg)
	if err != nil {
		return fmt.Errorf("dancetest: building the preset to read its issuer: %w", err)
	}
	return p.dress(core.Inspect(bp))
}

// oidcPresets build the presets that verify ID tokens, so that Configure
// can read their issuer and key set URL.
var oidcPresets = map[reflect.Type]func(any) (*dance.Blueprint, error){
	reflect.TypeFor[*contrib.GoogleConfig]():    func(c any) (*dance.Blueprint, error) { return contrib.Google(*c.(*contrib.GoogleConfig)) },
	reflect.TypeFor[*contrib.AzureConfig]():     func(c any) (*dance.Blueprint, error) { return contrib.Azure(*c.(*contrib.AzureConfig)) },
	reflect.TypeFor[*contrib.LinkedInConfig]():  func(c any) (*dance.Blueprint, error) { return contrib.LinkedIn(*c.(*contrib.LinkedInConfig)) },
	reflect.TypeFor[*contrib.AuthentiqConfig](): func(c any) (*dance.Blueprint, error) { return contrib.Authentiq(*c.(*contrib.AuthentiqConfig)) },
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
