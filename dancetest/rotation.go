package dancetest

// family is one authorization's tokens: the access and refresh tokens
// issued from one code and from its refreshes. Reuse detection revokes
// them together.
type family struct {
	access, refresh []string
	revoked         bool
	persona         *Persona // who signed in, with Config.Personas
	clientID        string   // the client it was issued to, when known
}

// issueRefresh mints a refresh token for scope in the grant fam.
func (p *Provider) issueRefresh(scope string, fam *family) string {
	rt := "rt-" + random()
	p.mu.Lock()
	p.issued = append(p.issued, rt)
	p.refresh[rt] = &refreshGrant{scope: scope, valid: !fam.revoked, grant: fam}
	fam.refresh = append(fam.refresh, rt)
	p.mu.Unlock()
	return rt
}

// join adds the access token at to the grant fam; a revoked grant's
// new tokens are dead at once.
func (p *Provider) join(fam *family, at string) {
	p.mu.Lock()
	fam.access = append(fam.access, at)
	p.owners[at] = fam
	if fam.revoked {
		delete(p.tokens, at)
	}
	p.mu.Unlock()
}

// revokeGrant revokes every token of the grant fam.
func (p *Provider) revokeGrant(fam *family) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fam.revoked = true
	for _, at := range fam.access {
		delete(p.tokens, at)
	}
	for _, rt := range fam.refresh {
		if g := p.refresh[rt]; g != nil {
			g.valid = false
		}
	}
}

// RefreshCalls returns how many refresh_token grants the token endpoint
// received, successful or not.
func (p *Provider) RefreshCalls() int {
	n := 0
	for _, r := range p.RequestsTo("/token") {
		if r.Form.Get("grant_type") == "refresh_token" {
			n++
		}
	}
	return n
}

// GrantRevoked reports whether the refresh token rt belongs to a grant
// that reuse detection (Config.DetectRefreshReuse) revoked.
func (p *Provider) GrantRevoked(rt string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	g := p.refresh[rt]
	return g != nil && g.grant != nil && g.grant.revoked
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
