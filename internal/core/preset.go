package core

import (
	"net/url"
	"strings"
)

// Preset is what the development provider (cmd/dance-provider) needs to
// know of a contrib preset to speak like its provider: the provider's own
// URLs, as the preset knows them before any override, and the shape of its
// identity API. Package contrib records one when a preset is built.
type Preset struct {
	Name                                        string
	OAuth1                                      bool
	RequestTokenURL, AuthURL, TokenURL, BaseURL string
	RefreshURL, RevokeURL, Issuer, JWKSURL      string
	Profile                                     *ProfileShape // nil: no identity API
}

// ProfileShape is where a preset's profile mapping reads each field of
// the identity response: dot-separated paths, a number picking an array
// element. URL is relative to BaseURL or absolute.
type ProfileShape struct {
	URL, Method                              string
	ID, Login, Name, Email, Verified, Avatar string
	NameParts                                []string
}

// DescribedPresets returns the description of every preset built so
// far, by name; set by package contrib.
var DescribedPresets func() []Preset

// DevURL is the URL on the development provider at dev that stands for
// orig, a URL of the blueprint name's provider: the same path and query
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

// Identity is who a fake provider says the user is: a dancetest persona,
// or the fake's configured user.
type Identity struct {
	ID, Login, Name, Email string
	Verified               bool
}

// Path is the path of the identity endpoint on a provider whose API is at
// base: s.URL resolved against base, or s.URL's own path when it is
// absolute. Fakes serve the identity response there.
func (s *ProfileShape) Path(base string) string {
	ref, err := url.Parse(s.URL)
	if err != nil {
		return s.URL
	}
	if b, err := url.Parse(base); err == nil && base != "" {
		ref = b.ResolveReference(ref)
	}
	if ref.Path == "" {
		return "/"
	}
	return ref.Path
}

// Answer is who in the shape of the preset's identity response: each
// field at the path the profile mapping reads it from, so that the
// mapping finds who again.
func (s *ProfileShape) Answer(who Identity) map[string]any {
	obj := map[string]any{}
	put(obj, s.Login, who.Login)
	put(obj, s.Email, who.Email)
	put(obj, s.Verified, who.Verified)
	if s.Name != "" {
		put(obj, s.Name, who.Name)
	} else if len(s.NameParts) > 0 {
		first, last, _ := strings.Cut(who.Name, " ")
		put(obj, s.NameParts[0], first)
		if len(s.NameParts) > 1 {
			put(obj, s.NameParts[len(s.NameParts)-1], last)
		}
	}
	put(obj, s.ID, who.ID) // last: the ID wins where one field is both (Spotify)
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
