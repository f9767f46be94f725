package dancetest

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// BackChannelLogoutEvent is the events member of a back-channel logout
// token (OpenID Connect Back-Channel Logout 1.0, section 2.4).
const BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

// SessionID returns the provider session's ID: the "sid" claim of the ID
// tokens issued until the end-session endpoint ends the session.
func (p *Provider) SessionID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sid == "" {
		p.sid = "sid-" + random()[:12]
	}
	return p.sid
}

// LogoutToken makes a back-channel logout token for the provider's user
// and session (the sub and aud of the last ID token issued, else the
// configured user and client ID), signed like its ID tokens: iss, aud, iat,
// exp (two minutes on), a fresh jti, the logout event, sub and sid, with
// typ logout+jwt. claims replace the defaults, so that a test can spoil
// one at a time ({"aud": "someone-else"}, {"nonce": "n"}); a nil value
// removes the claim ({"sid": nil}). The key "typ" sets the header's typ
// instead, and "wrong_key" signs with a key that is not in the JWKS.
func (p *Provider) LogoutToken(claims map[string]any) string {
	now := time.Now()
	p.mu.Lock()
	sub, aud := p.lastSub, p.lastAud
	p.mu.Unlock()
	c := map[string]any{
		"iss":    p.Issuer(),
		"aud":    or(aud, p.cfg.ClientID),
		"iat":    now.Unix(),
		"exp":    now.Add(2 * time.Minute).Unix(),
		"jti":    "jti-" + random(),
		"events": map[string]any{BackChannelLogoutEvent: map[string]any{}},
		"sub":    or(sub, p.subject()),
		"sid":    p.SessionID(),
	}
	typ, key := "logout+jwt", p.oidc.good
	for k, v := range claims {
		switch {
		case k == "typ":
			typ, _ = v.(string)
		case k == "wrong_key":
			key = p.oidc.wrong
		case v == nil:
			delete(c, k)
		default:
			c[k] = v
		}
	}
	return p.sign(c, key, typ)
}

// subject is the "sub" of the provider's user, as its ID tokens say.
func (p *Provider) subject() string { return fmt.Sprint(p.cfg.User["id"]) }

// sign signs claims as a JWS with key under the provider's key ID.
func (p *Provider) sign(claims map[string]any, key any, typ string) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err) // claims are plain JSON values
	}
	opts := &jose.SignerOptions{}
	if typ != "" {
		opts = opts.WithType(jose.ContentType(typ))
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: p.oidc.kid}}, opts)
	if err != nil {
		panic(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return s
}

// BackChannelLogout sends a back-channel logout to the app, as a
// provider does when the user logs out elsewhere: a POST of
// logout_token=token (see [Provider.LogoutToken]) to url, the app's
// back-channel logout route (dance's "/{name}/backchannel-logout"). The
// caller closes the response's body.
func (p *Provider) BackChannelLogout(url, token string) (*http.Response, error) {
	return http.PostForm(url, urlValues("logout_token", token))
}

func urlValues(k, v string) url.Values { return url.Values{k: {v}} }

// endSession is the end-session endpoint (RP-Initiated Logout 1.0): it
// ends the provider session (the next ID tokens carry a new sid), sends a
// back-channel logout for it to Config.BackChannelLogoutURL when set, and
// sends the browser to post_logout_redirect_uri with the state, or shows
// a page. A client_id or id_token_hint of another client is refused.
func (p *Provider) endSession(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if id := q.Get("client_id"); id != "" && id != p.cfg.ClientID && !p.cfg.AnyClient {
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	}
	sid := p.SessionID()
	p.mu.Lock()
	p.sid = ""
	bcl := p.cfg.BackChannelLogoutURL
	p.mu.Unlock()
	if bcl != "" {
		if resp, err := p.BackChannelLogout(bcl, p.LogoutToken(map[string]any{"sid": sid})); err == nil {
			resp.Body.Close()
		}
	}
	back := q.Get("post_logout_redirect_uri")
	if back == "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = loggedOutPage.Execute(w, nil)
		return
	}
	u, err := url.Parse(back)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		http.Error(w, "bad post_logout_redirect_uri", http.StatusBadRequest)
		return
	}
	if state := q.Get("state"); state != "" {
		v := u.Query()
		v.Set("state", state)
		u.RawQuery = v.Encode()
	}
	http.Redirect(w, r, u.String(), http.StatusFound)
}

var loggedOutPage = template.Must(template.New("logout").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Fake provider: logged out</title></head>
<body><h1>You are logged out of the provider.</h1></body></html>`))

// Logout logs out through the app's logout route at logoutURL (the
// absolute URL of dance's Blueprint.LogoutURL), as the app's own page
// does: a form POST with the page's Origin, and next when not empty. The
// body is left open for the caller; with an end-session endpoint the
// answer is a redirect to the provider.
func (b *Browser) Logout(logoutURL, next string) *http.Response {
	b.t.Helper()
	u, err := url.Parse(logoutURL)
	if err != nil {
		b.t.Fatalf("Logout: %v", err)
	}
	form := url.Values{}
	if next != "" {
		form.Set("next", next)
	}
	req, err := http.NewRequest(http.MethodPost, logoutURL, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatalf("Logout: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", u.Scheme+"://"+u.Host)
	resp, err := b.Do(req)
	if err != nil {
		b.t.Fatalf("POST %s: %v", u.Path, err)
	}
	return resp
}
