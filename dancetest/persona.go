package dancetest

import (
	"crypto/subtle"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-dance/dance/internal/presets"
)

// Persona is someone the fake provider can sign in as, picked on its
// sign-in page when [Config.Personas] is set.
type Persona struct {
	// ID is the provider's user ID. Default: the Login.
	ID string `json:"id,omitempty"`
	// Login is the user name.
	Login string `json:"login"`
	// Name is the display name.
	Name string `json:"name"`
	// Email is the e-mail address, and Verified whether the provider
	// vouches for it.
	Email    string `json:"email"`
	Verified bool   `json:"verified"`
}

// UserID is p.ID, or p.Login when it has none.
func (p Persona) UserID() string {
	if p.ID != "" {
		return p.ID
	}
	return p.Login
}

// identity is the persona as a preset's identity response describes it.
func (p Persona) identity() presets.Identity {
	return presets.Identity{ID: p.UserID(), Login: p.Login, Name: p.Name, Email: p.Email, Verified: p.Verified}
}

// userPersona is the user of Config.User, as a persona: its "id",
// "login", "name" and "email" (the ID tokens' sub, name and email).
func (p *Provider) userPersona() Persona {
	u := p.cfg.User
	text := func(k string) string { s, _ := u[k].(string); return s }
	who := Persona{Login: text("login"), Name: text("name"), Email: text("email")}
	if id, ok := u["id"]; ok && id != nil {
		who.ID = fmt.Sprint(id)
	}
	return who
}

// identityAPI answers a preset's identity endpoint, which Configure set
// up, in the preset's shape: with the token's persona, or else the user
// of Config.User. A token without a persona on /user, the fake's own user
// endpoint, gets Config.User as it is, as it always has, when the mapping
// reads its "id" (GitHub's, GitLab's). Any
// Authorization scheme is accepted, as for PersonaPaths.
func (p *Provider) identityAPI(w http.ResponseWriter, r *http.Request, ep identityEndpoint) {
	at := p.accessToken(r)
	p.mu.Lock()
	valid := p.tokens[at]
	var who *Persona
	if fam := p.owners[at]; fam != nil {
		who = fam.persona
	}
	p.mu.Unlock()
	if !valid {
		writeJSON(w, 401, map[string]any{"message": "Bad credentials"})
		return
	}
	if !p.scopeCheck(w, r.URL.Path, at) {
		return
	}
	if who == nil {
		if r.URL.Path == "/user" && ep.asUser {
			writeJSON(w, 200, p.cfg.User)
			return
		}
		u := p.userPersona()
		who = &u
	}
	writeJSON(w, 200, ep.answer(who.identity()))
}

// claims are the persona's ID-token claims; hd is the e-mail's domain,
// as Google sends for a Workspace account.
func (p Persona) claims() map[string]any {
	c := map[string]any{"sub": p.UserID(), "name": p.Name, "preferred_username": p.Login}
	if p.Email != "" {
		c["email"], c["email_verified"] = p.Email, p.Verified
		if _, domain, ok := strings.Cut(p.Email, "@"); ok {
			c["hd"] = domain
		}
	}
	return c
}

// personaParam carries the picked persona from the sign-in form to the
// grant, inside the authorization request's query.
const personaParam = "dance_persona"

// pickPersona puts the persona the sign-in form picked into q; it reports
// false for an unknown one. A denial needs none.
func (p *Provider) pickPersona(q url.Values, picked, decision string) bool {
	if decision != "authorize" {
		return true
	}
	i, err := strconv.Atoi(picked)
	if err != nil || i < 0 || i >= len(p.cfg.Personas) {
		return false
	}
	q.Set(personaParam, picked)
	return true
}

// persona is the persona an authorization request picked, or nil.
func (p *Provider) persona(q url.Values) *Persona {
	i, err := strconv.Atoi(q.Get(personaParam))
	if err != nil || i < 0 || i >= len(p.cfg.Personas) {
		return nil
	}
	who := p.cfg.Personas[i]
	return &who
}

// personaAPI answers an API call with f's view of the token's persona.
// Any Authorization scheme is accepted.
func (p *Provider) personaAPI(w http.ResponseWriter, r *http.Request, f func(Persona) any) {
	at := p.accessToken(r)
	p.mu.Lock()
	var who *Persona
	if fam := p.owners[at]; fam != nil && p.tokens[at] {
		who = fam.persona
	}
	p.mu.Unlock()
	if who == nil {
		writeJSON(w, 401, map[string]any{"message": "Bad credentials"})
		return
	}
	writeJSON(w, 200, f(*who))
}

// BearerOf is the access token of an API call: the credentials of its
// Authorization header, whatever the scheme ("Bearer", "token",
// Zoho's "Zoho-oauthtoken").
func BearerOf(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if i := strings.LastIndexByte(h, ' '); i >= 0 {
		return h[i+1:]
	}
	return ""
}

// accessToken is the access token of an API call: the value of the
// Config's TokenHeader when the call has one, else [BearerOf].
func (p *Provider) accessToken(r *http.Request) string {
	if th := p.tokenHeader(); th != "" && r.Header.Get(th) != "" {
		return r.Header.Get(th)
	}
	return BearerOf(r)
}

// tokenHeader is Config.TokenHeader, which Configure may set.
func (p *Provider) tokenHeader() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg.TokenHeader
}

// knownClient reports whether the provider knows the client ID id.
func (p *Provider) knownClient(id string) bool {
	p.mu.Lock()
	_, reg := p.registered[id]
	p.mu.Unlock()
	return id != "" && (p.cfg.AnyClient || id == p.cfg.ClientID || reg)
}

// clientOK checks client credentials, the secret in constant time.
func (p *Provider) clientOK(id, secret string) bool {
	if p.cfg.AnyClient {
		return id != "" && secret != ""
	}
	p.mu.Lock()
	reg, ok := p.registered[id]
	p.mu.Unlock()
	if ok {
		return subtle.ConstantTimeCompare([]byte(secret), []byte(reg)) == 1
	}
	return id == p.cfg.ClientID && subtle.ConstantTimeCompare([]byte(secret), []byte(p.cfg.ClientSecret)) == 1
}

// signInPage shows the personas to pick from, and Deny. The form posts
// back to the URL it was served on, so it works under any path.
func (p *Provider) signInPage(w http.ResponseWriter, q url.Values) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = signInPage.Execute(w, map[string]any{"Query": q.Encode(), "Scope": q.Get("scope"), "Personas": p.cfg.Personas})
}

var signInPage = template.Must(template.New("signin").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Development provider: sign in</title>
<style>body{font-family:sans-serif;max-width:32em;margin:4em auto}button{font-size:1.1em;margin:.3em 0;display:block;width:100%;text-align:left}</style>
</head><body>
<h1>Sign in as…</h1>
<p>An app wants to sign you in{{if .Scope}} with the scope <code>{{.Scope}}</code>{{end}}.
This is dance's development provider: anyone can sign in as anyone, and nothing leaves this machine.</p>
<form method="post">
<input type="hidden" name="query" value="{{.Query}}">
<input type="hidden" name="decision" value="authorize">
{{range $i, $p := .Personas}}<button name="persona" value="{{$i}}" id="persona-{{$p.Login}}"><b>{{$p.Name}}</b> ({{$p.Login}}){{if $p.Email}} &lt;{{$p.Email}}&gt;{{if not $p.Verified}}, unverified{{end}}{{end}}</button>
{{end}}</form>
<form method="post">
<input type="hidden" name="query" value="{{.Query}}">
<button name="decision" value="deny" id="deny">Deny</button>
</form></body></html>`))
