// Package oauth2x is what dance adds to golang.org/x/oauth2: a template of
// the authorization URL, the capture of a token endpoint's raw answer and
// the token read from it, and the client authentication (secrets and RFC
// 7523 assertions) that the exchange, refresh, revocation and pushed
// authorization requests share.
package oauth2x

import (
	"maps"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/oauth2"
)

// The values of a login that an authorization URL carries, in the order
// of Template.Fill's arguments.
const (
	holeState = iota
	holeChallenge
	holeNonce
	holeCount
)

// authHoles are what the template is made with in place of the values:
// unreserved characters only, so that x/oauth2 writes them as they are,
// and not base64url (they hold a '.'), so that no real value is one.
var authHoles = [holeCount]string{"dance.state.hole", "dance.challenge.hole", "dance.nonce.hole"}

// Template is the authorization URL of one redirect URL as x/oauth2
// writes it, cut at the places of the per-login values: filling it in
// writes the URL that Config.AuthCodeURL would, without building and
// sorting a url.Values for every login. The values it is filled with are
// base64url, which a query needs no escaping for.
type Template struct {
	parts []string // one more than holes
	holes []int    // which value goes between parts[i] and parts[i+1]
	size  int      // of the parts
}

// AuthOptions are the options of an authorization URL: params, then
// PKCE's when challenge is set, and the nonce when set.
func AuthOptions(params []oauth2.AuthCodeOption, challenge, nonce string) []oauth2.AuthCodeOption {
	opts := slices.Clip(params)
	if challenge != "" {
		opts = append(opts, s256Method, oauth2.SetAuthURLParam("code_challenge", challenge))
	}
	if nonce != "" {
		opts = append(opts, oauth2.SetAuthURLParam("nonce", nonce))
	}
	return opts
}

// s256Method is the PKCE parameter code_challenge_method=S256.
var s256Method = oauth2.SetAuthURLParam("code_challenge_method", "S256")

// NewTemplate makes the template of cfg's authorization URL with params,
// for logins with a PKCE challenge (pkce) and a nonce (openid), or returns
// nil when the stand-in of a hole is not found in it exactly as often as
// the hole is used, once or never (a configured parameter that holds one).
func NewTemplate(cfg *oauth2.Config, params []oauth2.AuthCodeOption, pkce, openid bool) *Template {
	used := [holeCount]bool{true, pkce, openid}
	var stand [holeCount]string // the stand-ins of the holes used
	for h := range stand {
		if used[h] {
			stand[h] = authHoles[h]
		}
	}
	u := cfg.AuthCodeURL(stand[holeState], AuthOptions(params, stand[holeChallenge], stand[holeNonce])...)
	type at struct{ pos, hole int }
	var found []at
	for h, s := range authHoles {
		switch n := strings.Count(u, s); {
		case used[h] && n == 1:
			found = append(found, at{strings.Index(u, s), h})
		case used[h] || n != 0:
			return nil
		}
	}
	slices.SortFunc(found, func(a, b at) int { return a.pos - b.pos })
	t := &Template{}
	rest, off := u, 0
	for _, a := range found {
		i := a.pos - off
		t.parts = append(t.parts, rest[:i])
		t.holes = append(t.holes, a.hole)
		rest = rest[i+len(authHoles[a.hole]):]
		off = a.pos + len(authHoles[a.hole])
	}
	t.parts = append(t.parts, rest)
	for _, p := range t.parts {
		t.size += len(p)
	}
	return t
}

// Fill writes the authorization URL with these values.
func (t *Template) Fill(state, challenge, nonce string) string {
	values := [holeCount]string{state, challenge, nonce}
	n := t.size
	for _, h := range t.holes {
		n += len(values[h])
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(t.parts[0])
	for i, h := range t.holes {
		b.WriteString(values[h])
		b.WriteString(t.parts[i+1])
	}
	return b.String()
}

// Params are params as x/oauth2 options, sorted by name.
func Params(params map[string]string) []oauth2.AuthCodeOption {
	var opts []oauth2.AuthCodeOption
	for _, k := range slices.Sorted(maps.Keys(params)) {
		opts = append(opts, oauth2.SetAuthURLParam(k, params[k]))
	}
	return opts
}

// Form is params as a form, nil when there are none.
func Form(params map[string]string) url.Values {
	if len(params) == 0 {
		return nil
	}
	v := make(url.Values, len(params))
	for k, p := range params {
		v.Set(k, p)
	}
	return v
}

// WithDefault is params with k set to v unless params sets k; params
// itself is not changed.
func WithDefault(params map[string]string, k, v string) map[string]string {
	if _, set := params[k]; set {
		return params
	}
	out := maps.Clone(params)
	if out == nil {
		out = map[string]string{}
	}
	out[k] = v
	return out
}
