package contrib

import (
	"slices"
	"strings"
	"sync"

	"github.com/gin-dance/dance/internal/core"
)

// described holds a core.Preset per preset name, recorded when it is
// built, for the development provider.
var described sync.Map

func init() {
	core.DescribedPresets = func() []core.Preset {
		var out []core.Preset
		described.Range(func(_, v any) bool {
			out = append(out, v.(core.Preset))
			return true
		})
		slices.SortFunc(out, func(a, b core.Preset) int { return strings.Compare(a.Name, b.Name) })
		return out
	}
}

// describe records the preset's own URLs and identity shape.
func (p preset) describe() {
	d := core.Preset{
		Name: p.name, AuthURL: p.authURL, TokenURL: p.tokenURL, BaseURL: p.baseURL,
		RevokeURL: p.revokeURL, Issuer: p.issuer, JWKSURL: p.jwksURL,
	}
	if p.refreshable {
		d.RefreshURL = p.tokenURL
	}
	if s := p.profile; s != nil {
		d.Profile = &core.ProfileShape{
			URL: s.url, Method: s.method, ID: s.id, Login: s.login, Name: s.name,
			Email: s.email, Verified: s.verified, Avatar: s.avatar, NameParts: s.nameParts,
		}
	}
	described.Store(p.name, d)
}

// describe records the OAuth 1 preset's own URLs.
func (p oauth1Preset) describe() {
	described.Store(p.name, core.Preset{
		Name: p.name, OAuth1: true, RequestTokenURL: p.requestTokenURL,
		AuthURL: p.authURL, TokenURL: p.accessTokenURL, BaseURL: p.baseURL,
	})
}
