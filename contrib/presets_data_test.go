package contrib_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-dance/dance/internal/presets/constructors"
)

// placeholderKeys are an RSA key (JIRA's) and an ES256 key (Apple's) in
// PEM, for presets built with placeholder credentials.
var placeholderKeys = sync.OnceValues(func() (rsaPEM, p8 string) {
	rsaPEM, _ = dancetest.RSAKey()
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	return rsaPEM, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
})

// buildPlaceholder calls the contrib constructor fn with placeholder
// credentials, the description's example instance, the endpoints ep
// (when not nil) and the options o.
func buildPlaceholder(fn any, ep *contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
	fv := reflect.ValueOf(fn)
	cfg := reflect.New(fv.Type().In(0)).Elem()
	desc := presets.ByConfig(cfg.Type().Name())
	rsaPEM, p8 := placeholderKeys()
	for field, v := range map[string]string{
		"ClientID": "placeholder-id", "AppKey": "placeholder-id", "Key": "placeholder-id", "APIKey": "placeholder-id", "ConsumerKey": "placeholder-id",
		"ClientSecret": placeholderSecret, "AppSecret": placeholderSecret, "Secret": placeholderSecret, "APISecret": placeholderSecret, "ConsumerSecret": placeholderSecret,
		"RSAKey": rsaPEM, "PrivateKey": p8, "TeamID": "placeholder-team", "KeyID": "placeholder-key",
	} {
		if f := cfg.FieldByName(field); f.IsValid() {
			f.SetString(v)
		}
	}
	desc.FillInstance(cfg) // the description's URLs are the example instance's
	if ep != nil {
		cfg.FieldByName("Endpoints").Set(reflect.ValueOf(*ep))
	}
	cfg.FieldByName("Options").Set(reflect.ValueOf(o))
	call := func() (*dance.Blueprint, error) {
		out := fv.Call([]reflect.Value{cfg})
		bp, _ := out[0].Interface().(*dance.Blueprint)
		err, _ := out[1].Interface().(error)
		return bp, err
	}
	bp, err := call()
	if err != nil && strings.Contains(err.Error(), "BaseURL") && o.BaseURL == "" {
		// An installation's preset (JIRA) has no default BaseURL: the
		// description's is an example one.
		cfg.FieldByName("BaseURL").SetString(desc.BaseURL)
		bp, err = call()
	}
	return bp, err
}

// TestPresetsMatchDescriptions: every preset, built with placeholder
// credentials and nothing else, does what internal/presets says of its
// provider, which the development provider, dancetest's fakes and the
// docs generator believe: its name and protocol, the login's redirect to
// AuthURL (after OAuth 1's request token at RequestTokenURL) with the
// default Scopes, the token request to TokenURL, API calls under BaseURL,
// the identity call at Profile.URL, the RFC 7009 revocation at RevokeURL,
// and the refresh of an expired token at RefreshURL (or else TokenURL) if
// and only if Refreshable. And every Config type of contrib has a preset, and a
// description with its name, and every description a Config type.
func TestPresetsMatchDescriptions(t *testing.T) {
	built := map[string]bool{}
	for _, fn := range constructors.Ordered() {
		fv := reflect.ValueOf(fn)
		config := fv.Type().In(0).Name()
		built[config] = true
		t.Run(config, func(t *testing.T) {
			desc := presets.ByConfig(config)
			if desc == nil {
				t.Fatalf("internal/presets has no provider with Config %q", config)
			}
			build := func(o dance.Options) (*dance.Blueprint, error) {
				return buildPlaceholder(fn, nil, o)
			}
			o := observe(t, build)

			check := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s: the preset does %q, its description says %q", what, got, want)
				}
			}
			check("name", o.Name, desc.Name)
			if o.OAuth1 != desc.OAuth1 {
				t.Errorf("OAuth 1: the preset %v, its description %v", o.OAuth1, desc.OAuth1)
			}
			if o.OAuth1 {
				check("request token", o.RequestToken.Endpoint(), desc.RequestTokenURL)
			}
			check("authorization", o.AuthURL(), desc.AuthURL)
			if o.Token == nil {
				t.Fatal("the callback sent no token request")
			}
			check("token", o.Token.Endpoint(), desc.TokenURL)
			check("base URL", o.BaseURL(), desc.BaseURL)
			if !slices.Equal(o.Scopes(), desc.Scopes) && len(o.Scopes())+len(desc.Scopes) > 0 {
				t.Errorf("default scopes: the preset asks %q, its description says %q", o.Scopes(), desc.Scopes)
			}
			// Every OAuth 2 preset refreshes a token that has a refresh
			// token, at RefreshURL or else the token endpoint.
			if !desc.OAuth1 {
				check("refresh", o.Refresh.Endpoint(), or(desc.RefreshURL, desc.TokenURL))
			} else if o.Refresh != nil {
				t.Errorf("refresh: the OAuth 1 preset refreshes at %s", o.Refresh.Endpoint())
			}
			switch {
			case desc.Profile == nil && o.Profile != nil:
				t.Errorf("profile: the preset calls %s, its description has no identity API", o.Profile.Endpoint())
			case desc.Profile != nil && o.Profile == nil:
				t.Errorf("profile: the preset makes no call, its description has %s", desc.Profile.URL)
			case desc.Profile != nil:
				base, _ := url.Parse(desc.BaseURL)
				ref, _ := url.Parse(desc.Profile.URL)
				want := base.ResolveReference(ref)
				want.RawQuery = ""
				// A path that holds the token (HubSpot's) has the
				// observed one there.
				want.Path = strings.ReplaceAll(want.Path, "{token}", "observed-access")
				check("profile", o.Profile.Method+" "+o.Profile.Endpoint(), or(desc.Profile.Method, http.MethodGet)+" "+want.String())
			}
			if desc.RevokeURL != "" {
				check("revocation", o.Revoke.Endpoint(), desc.RevokeURL)
			}
		})
	}

	// Every Config type has a preset in the list above and a description,
	// and every description a Config type.
	configs := contribConfigs(t)
	for _, c := range configs {
		if !built[c] {
			t.Errorf("contrib.%s has no constructor in this test's list", c)
		}
		if presets.ByConfig(c) == nil {
			t.Errorf("contrib.%s has no entry in presets.All", c)
		}
	}
	for _, desc := range presets.All {
		if !slices.Contains(configs, desc.Config) {
			t.Errorf("presets.All describes %s (Config %q), which is not a Config type of contrib", desc.Name, desc.Config)
		}
	}
}

// contribConfigs are the preset Config types of contrib: its struct types
// whose names end in "Config".
func contribConfigs(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				if _, ok := ts.Type.(*ast.StructType); ok && strings.HasSuffix(ts.Name.Name, "Config") {
					out = append(out, ts.Name.Name)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no Config types in contrib/*.go")
	}
	return out
}
