package dance

import (
	"slices"
	"strings"

	"golang.org/x/oauth2"
)

// redirectConfig is the OAuth 2 configuration for one redirect URL, with
// its authorization URL template.
type redirectConfig struct {
	oauth2.Config
	// auth is nil when no template could be made; x/oauth2 then builds
	// every URL.
	auth *authTemplate
}

// The values of a login that an authorization URL carries, in the order
// of authTemplate.fill's arguments.
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

// authTemplate is the authorization URL of one redirect URL as x/oauth2
// writes it, cut at the places of the per-login values: filling it in
// writes the URL that Config.AuthCodeURL would, without building and
// sorting a url.Values for every login. The values it is filled with are
// base64url, which a query needs no escaping for.
type authTemplate struct {
	parts []string // one more than holes
	holes []int    // which value goes between parts[i] and parts[i+1]
	size  int      // of the parts
}

// authOptions are the options of the authorization URL: the configured
// parameters, a step-up's parameters when stepUp, PKCE's when challenge
// is set, and the nonce when set.
func (f *oauth2Flow) authOptions(challenge, nonce string, stepUp bool) []oauth2.AuthCodeOption {
	opts := slices.Clip(f.authParams)
	if stepUp {
		opts = append(opts, f.stepUp...)
	}
	if challenge != "" {
		opts = append(opts, s256Method, oauth2.SetAuthURLParam("code_challenge", challenge))
	}
	if nonce != "" {
		opts = append(opts, oauth2.SetAuthURLParam("nonce", nonce))
	}
	return opts
}

// newAuthTemplate makes the template of cfg's authorization URL, or
// returns nil when the stand-in of a hole is not found in it exactly as
// often as the hole is used, once or never (a configured parameter that
// holds one).
func (f *oauth2Flow) newAuthTemplate(cfg *oauth2.Config) *authTemplate {
	used := [holeCount]bool{true, f.pkce, f.openid}
	var stand [holeCount]string // the stand-ins of the holes used
	for h := range stand {
		if used[h] {
			stand[h] = authHoles[h]
		}
	}
	u := cfg.AuthCodeURL(stand[holeState], f.authOptions(stand[holeChallenge], stand[holeNonce], false)...)
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
	t := &authTemplate{}
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

// fill writes the authorization URL with these values.
func (t *authTemplate) fill(state, challenge, nonce string) string {
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
