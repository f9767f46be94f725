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
