// Package presets describes, as data, the providers of contrib's presets:
// their own URLs and default scopes, the shape of their identity API, and
// what a fake of them serves beyond that. Package contrib builds its
// presets from it; the development provider, dancetest's fakes and the
// docs generator read it. It is a table written by hand, not a registry:
// nothing adds to it at run time.
package presets

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// Provider is one preset's provider, as the preset knows it before any
// configuration: the default tenant, instance or host.
type Provider struct {
	Name   string // the blueprint's name, "github"
	Config string // the preset's Config type in package contrib, "GitHubConfig"
	OAuth1 bool

	RequestTokenURL string // OAuth 1
	AuthURL         string
	TokenURL        string
	BaseURL         string
	// Refreshable says whether the preset refreshes tokens (at
	// RefreshURL, or else TokenURL) by default.
	Refreshable bool
	// RefreshURL is the refresh endpoint of a provider whose refresh is
	// not at its TokenURL (Figma's /v1/oauth/refresh).
	RefreshURL string
	RevokeURL  string // RFC 7009
	// Issuer and JWKSURL turn on ID-token verification; Issuer may hold
	// "{tenantid}".
	Issuer, JWKSURL string
	// Tenant is the default tenant, a path segment of the URLs that a
	// Config's Tenant replaces ("common" for Azure).
	Tenant string
	// Scopes are the default scopes.
	Scopes []string
	// Profile is the identity API; nil when the preset has none.
	Profile *Profile
	// FakePaths are identity endpoints beyond Profile's that a fake
	// serves, by path on the API host.
	FakePaths map[string]func(Identity) any
	// FirstAnswer, when set, is what a fake adds to its first answer to a
	// user (Apple's "user" field).
	FirstAnswer func(Identity) url.Values
	// TokenFields are what the provider's token answer says of the user
	// beyond the token (WeChat's openid, Instagram's user_id,
	// WordPress.com's blog_id); a fake adds them to its token answers.
	TokenFields func(Identity) map[string]any
	// RegisterPath is the path of the provider's dynamic client
	// registration endpoint (Mastodon's /api/v1/apps), which a fake
	// serves: a POST of client_name and redirect_uris answers a new
	// client_id and client_secret that the fake then accepts.
	RegisterPath string
	// Dialect, for a provider whose requests are not standard OAuth 2,
	// rewrites one as it reaches a fake into the standard request that
	// the fake speaks (WeChat's appid for client_id and its GET token
	// request); nil for standard providers. It is the inverse of the
	// preset's quirks, so a fake checks what the preset really sends.
	Dialect func(r *http.Request)
	// TokenWithoutRedirectURI says that the provider's token request has
	// no redirect_uri, and RefreshByClientID that its refresh request
	// names the client without the secret (WeChat's both): a fake then
	// accepts them.
	TokenWithoutRedirectURI, RefreshByClientID bool
	// CallbackParams are the provider's own parameters of its callback
	// (VK ID's device_id), which a fake adds to its own.
	CallbackParams map[string]string
	// Instance names the Config fields that say which instance of the
	// provider a preset serves (Okta's Domain, Shopify's Shop), which have
	// no default, with the example values that the URLs above are made
	// of. Tools that build every preset fill them in (see FillInstance);
	// fakes dress as that example instance.
	Instance map[string]string
	// SignCallback signs the provider's redirect to the callback, whose
	// query is q, with the client secret, as the provider does and the
	// preset checks (Shopify's hmac parameter); a fake signs its own
	// redirects with it.
	SignCallback func(q url.Values, secret string)
	// TokenHeader names the header that carries the access token on API
	// calls instead of Authorization (Shopify's X-Shopify-Access-Token).
	TokenHeader string
}

// FillInstance sets each empty string field of the Config struct cfg that
// Instance names to its example value, so that a tool can build the
// preset with its description's URLs.
func (p *Provider) FillInstance(cfg reflect.Value) {
	for field, v := range p.Instance {
		if f := cfg.FieldByName(field); f.IsValid() && f.Kind() == reflect.String && f.CanSet() && f.String() == "" {
			f.SetString(v)
		}
	}
}

// Profile is where a preset's profile mapping reads each field of the
// identity response: dot-separated paths, a number picking an array
// element. URL is relative to BaseURL or absolute.
type Profile struct {
	URL, Method                              string
	ID, Login, Name, Email, Verified, Avatar string
	// NameParts are joined with a space when Name is empty or absent.
	NameParts []string
}

// Identity is who a fake provider says the user is.
type Identity struct {
	ID, Login, Name, Email string
	Verified               bool
}

// ByConfig returns the provider of the preset whose Config type is named
// config, or nil.
func ByConfig(config string) *Provider {
	for _, p := range All {
		if p.Config == config {
			return p
		}
	}
	return nil
}

// ByName returns the provider of the preset named name, or nil.
func ByName(name string) *Provider {
	for _, p := range All {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Path is the path of the identity endpoint on a provider whose API is at
// base: p.URL resolved against base, or p.URL's own path when it is
// absolute. Fakes serve the identity response there.
func (p *Profile) Path(base string) string {
	ref, err := url.Parse(p.URL)
	if err != nil {
		return p.URL
	}
	if b, err := url.Parse(base); err == nil && base != "" {
		ref = b.ResolveReference(ref)
	}
	if ref.Path == "" {
		return "/"
	}
	return ref.Path
}

// Answer is who in the shape of the identity response: each field at the
// path the profile mapping reads it from, so that the mapping finds who
// again.
func (p *Profile) Answer(who Identity) map[string]any {
	obj := map[string]any{}
	put(obj, p.Login, who.Login)
	put(obj, p.Email, who.Email)
	put(obj, p.Verified, who.Verified)
	if p.Name != "" {
		put(obj, p.Name, who.Name)
	} else if len(p.NameParts) > 0 {
		first, last, _ := strings.Cut(who.Name, " ")
		put(obj, p.NameParts[0], first)
		if len(p.NameParts) > 1 {
			put(obj, p.NameParts[len(p.NameParts)-1], last)
		}
	}
	put(obj, p.ID, who.ID) // last: the ID wins where one field is both (Spotify)
	return obj
}

// put sets v at the dot-separated path in obj, making the objects and
// one-element arrays ("data.0.login") on the way.
func put(obj map[string]any, path string, v any) {
	if path == "" {
		return
	}
	keys := strings.Split(path, ".")
	var cur any = obj
	for i, k := range keys {
		last := i == len(keys)-1
		next := func() any {
			if last {
				return v
			}
			if keys[i+1] == "0" {
				return []any{nil}
			}
			return map[string]any{}
		}
		switch c := cur.(type) {
		case map[string]any:
			if _, ok := c[k]; !ok || last {
				c[k] = next()
			}
			cur = c[k]
		case []any:
			if c[0] == nil || last {
				c[0] = next()
			}
			cur = c[0]
		}
	}
}

// DevURL is the URL on the development provider at dev that stands for
// orig, a URL of the preset name's provider: the same path and query
// under dev/{name}, so that each preset keeps its own paths and presets do
// not collide. A relative orig (resolved against the base URL) is kept.
func DevURL(dev, name, orig string) string {
	u, err := url.Parse(orig)
	if err != nil || !u.IsAbs() || u.Host == "" || u.User != nil {
		return orig
	}
	// The text after the host, as written: templates such as Azure's
	// "{tenantid}" stay unescaped.
	after := orig[strings.Index(orig, "://")+3:]
	rest := ""
	if i := strings.IndexAny(after, "/?#"); i >= 0 {
		rest = after[i:]
	}
	return strings.TrimSuffix(dev, "/") + "/" + name + rest
}
