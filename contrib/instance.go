package contrib

import (
	"fmt"
	"net/url"
	"strings"
)

// Presets of a provider that runs as many instances (an Okta org, an Auth0
// tenant, a Keycloak realm, a Cognito user pool, a ZITADEL instance, a
// Shopify shop) take the instance in their Config, and there is no
// default: a Config without one is refused when the blueprint is built.
//
// How the OpenID Connect presets among them find their endpoints: from the
// provider's documented, stable paths under the instance (Okta's
// /oauth2/{server}/v1/…, Keycloak's /realms/{realm}/protocol/openid-connect/…),
// written here as data, not from the discovery document. Building the
// blueprint then needs no network call and cannot fail because the
// provider is briefly down, the constructors keep the form of every other
// preset, and the development provider and the fakes serve them from the
// same data. Issuer and JWKSURL are set, so ID tokens are verified
// (signature, iss, aud, exp, nonce) as with dance.NewOIDC. A provider
// configured in an unusual way (a custom domain whose paths differ, an
// issuer that is not where the paths say) is what dance.NewOIDC, which
// reads the discovery document, is for.
//
// In development mode ([DevProvider]) the stand-in is the example
// instance of internal/presets, whatever the Config names, so that its
// paths are the stand-in's.

// instanceBase returns the base URL of the instance named by value, a host
// ("dev-123.okta.com") or an http(s) URL ("http://localhost:8080/auth"),
// without a trailing slash. In development mode it returns the example
// instance's, from example (one of the description's URLs, whose origin
// is the example instance's), whatever value says. field names value's
// Config field in the error when value is empty or unusable.
func instanceBase(name, field, value string, dev *DevProvider, example string) (string, error) {
	if dev != nil {
		u, _ := url.Parse(example)
		return u.Scheme + "://" + u.Host, nil
	}
	if value == "" {
		return "", fmt.Errorf("dance: %s: %s is required: the provider's instance has no default", name, field)
	}
	raw := value
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(u.Host, " /\\") {
		return "", fmt.Errorf("dance: %s: %s %q is not a host name or an http(s) URL", name, field, value)
	}
	return strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// rebase moves every URL of the provider (the endpoints, the base URL,
// the issuer, the key set and the identity endpoint) that starts with the
// prefix from to start with to instead: the example instance's URLs to the
// configured instance's.
func (p *preset) rebase(from, to string) {
	if from == to {
		return
	}
	move := func(u *string) {
		if rest, ok := strings.CutPrefix(*u, from); ok {
			*u = to + rest
		}
	}
	for _, u := range []*string{&p.AuthURL, &p.TokenURL, &p.BaseURL, &p.RevokeURL, &p.Issuer, &p.JWKSURL} {
		move(u)
	}
	if p.Profile != nil {
		prof := *p.Profile // the description is shared: change a copy
		move(&prof.URL)
		p.Profile = &prof
	}
}
