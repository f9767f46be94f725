package dance

// Calling the provider's API as the current user: requests resolved
// against the BaseURL, the transport that adds the token, API errors, the
// scopes the provider says it granted, and the common profile.

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/httpx"
	"github.com/gin-dance/dance/internal/oauth2x"
)

// HTTPClient returns an *http.Client that sends the user's token with every
// request, over the blueprint's shared transport: the one to hand to a
// provider's SDK. URLs given to it must be absolute; [Client.NewRequest]
// resolves relative ones.
func (cl *Client) HTTPClient() *http.Client {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.hc == nil {
		base := cl.bp.httpClient
		cl.hc = &http.Client{
			Transport:     &authTransport{cl: cl, base: oauth2x.Transport(base)},
			CheckRedirect: base.CheckRedirect,
			Jar:           base.Jar,
			Timeout:       base.Timeout,
		}
	}
	return cl.hc
}

// NewRequest builds a request to ref, resolved against the BaseURL, bound
// to the gin request's context so that a client disconnect cancels it.
func (cl *Client) NewRequest(method, ref string, body io.Reader) (*http.Request, error) {
	u, err := cl.bp.resolve(ref)
	if err != nil {
		return nil, err
	}
	return http.NewRequestWithContext(cl.c.Request.Context(), method, u.String(), body)
}

// Do sends req with the user's token.
func (cl *Client) Do(req *http.Request) (*http.Response, error) {
	return cl.HTTPClient().Do(req)
}

// GetJSON sends a GET to ref and decodes a 2xx JSON answer into v. Any
// other answer is an [*Error] of stage [StageAPI] with the status, and the
// start of the body as its Description.
func (cl *Client) GetJSON(ref string, v any) error {
	req, err := cl.NewRequest(http.MethodGet, ref, nil)
	if err != nil {
		return err
	}
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if missing := insufficientScope(resp); missing != nil {
			return cl.insufficientError(resp.StatusCode, missing)
		}
		return cl.apiError(core.NewResponseError(resp))
	}
	if err := core.DecodeJSON(resp.Body, v); err != nil {
		return &Error{Provider: cl.bp.name, Stage: StageAPI, Err: err}
	}
	return nil
}

// resolve resolves ref against the base URL (RFC 3986). Without a base
// URL, ref must be absolute.
func (bp *Blueprint) resolve(ref string) (*url.URL, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("dance: %s: invalid URL: %w", bp.name, err)
	}
	if bp.base != nil {
		bp.warnLeadingSlash(u)
		u = bp.base.ResolveReference(u)
	}
	if u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("dance: %s: relative URL %q with no BaseURL to resolve it against", bp.name, ref)
	}
	return u, nil
}

// warnLeadingSlash logs, once per blueprint, that ref starts with "/" and
// so drops the path of a BaseURL that has one: under RFC 3986, "/user"
// against https://gitlab.com/api/v4/ is https://gitlab.com/user, while
// "user" is https://gitlab.com/api/v4/user. The call still goes where
// the reference says (it may be meant), but the mistake no longer hides.
// Only paths are logged, never the query (it may hold a secret).
func (bp *Blueprint) warnLeadingSlash(ref *url.URL) {
	if ref.IsAbs() || ref.Host != "" || !strings.HasPrefix(ref.Path, "/") {
		return
	}
	if base := strings.TrimSuffix(bp.base.Path, "/"); base == "" || strings.HasPrefix(ref.Path, base+"/") {
		return
	}
	bp.slashWarned.Do(func() {
		bp.log.Warn("dance: an API reference that starts with \"/\" drops the base URL's path; write it without the leading slash",
			"provider", bp.name, "ref", ref.Path, "base_path", bp.base.Path,
			"resolves_to", bp.base.ResolveReference(&url.URL{Path: ref.Path}).Path)
	})
}

// authTransport adds the user's token (refreshed first if it has expired)
// and the blueprint's headers to each request, then hands it to the shared
// transport.
type authTransport struct {
	cl   *Client
	base http.RoundTripper
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.cl.Token()
	if err != nil {
		closeBody(req)
		return nil, err
	}
	if !tok.Valid() {
		closeBody(req)
		return nil, &Error{Provider: t.cl.bp.name, Stage: StageAPI, Err: ErrNoToken}
	}
	r := req.Clone(req.Context())
	for k, v := range t.cl.bp.header {
		if _, set := r.Header[k]; !set {
			r.Header[k] = v
		}
	}
	if err := t.cl.bp.proto.authorize(r, tok); err != nil {
		closeBody(req)
		return nil, &Error{Provider: t.cl.bp.name, Stage: StageAPI, Err: err}
	}
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		t.cl.observe(resp)
	}
	return resp, err
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// apiError is the *Error for a provider API's failed answer.
func (cl *Client) apiError(re *core.ResponseError) *Error {
	return &Error{
		Provider: cl.bp.name, Stage: StageAPI, Status: re.Status, Description: re.Description,
		Err: errors.New(re.Error()),
	}
}

// Scopes returns the scopes granted to the current user's token, and
// whether the provider said what it granted. They come from the token's
// "scope" field (split on spaces and commas, as GitHub separates them),
// or, once an API answer in this request carried GitHub's X-OAuth-Scopes
// header, from that header. known is false when neither is there: the
// provider did not say, which is not the same as "no scopes". An error
// means the storage could not be read.
func (cl *Client) Scopes() (granted []string, known bool, err error) {
	tok, err := cl.load()
	if err != nil {
		return nil, false, err
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.seenScopes != nil {
		return slices.Clone(cl.seenScopes), true, nil
	}
	if tok == nil || tok.Scope == nil {
		return nil, false, nil
	}
	return splitScopes(strings.Join(tok.Scope, " ")), true, nil
}

// splitScopes splits a scope list on spaces and commas.
func splitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
}

// without returns the scopes of need that are not in have.
func without(need, have []string) []string {
	var out []string
	for _, s := range need {
		if !slices.Contains(have, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// observe reads what an API answer says about scopes: GitHub's
// X-OAuth-Scopes (what the token holds) and, on a refusal, the scopes it
// lacks.
func (cl *Client) observe(resp *http.Response) {
	var missing []string
	held, hasHeld := resp.Header["X-Oauth-Scopes"]
	if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound {
		missing = insufficientScope(resp)
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if hasHeld {
		cl.seenScopes = splitScopes(strings.Join(held, " "))
		if cl.seenScopes == nil {
			cl.seenScopes = []string{}
		}
	}
	cl.lacks = append(cl.lacks, without(missing, cl.lacks)...)
}

// insufficientScope returns the scopes that a refused answer says are
// missing: RFC 6750's WWW-Authenticate error="insufficient_scope" (with
// its scope attribute, on a 403), or GitHub's X-Accepted-OAuth-Scopes
// when none of them is in X-OAuth-Scopes. A refusal that names no scope
// returns an empty, non-nil list.
func insufficientScope(resp *http.Response) []string {
	if resp.StatusCode == http.StatusForbidden {
		for _, h := range resp.Header.Values("WWW-Authenticate") {
			params := httpx.AuthParams(h)
			if params["error"] == "insufficient_scope" {
				return append([]string{}, splitScopes(params["scope"])...)
			}
		}
	}
	accepted := splitScopes(resp.Header.Get("X-Accepted-OAuth-Scopes"))
	if len(accepted) == 0 {
		return nil
	}
	held := splitScopes(resp.Header.Get("X-OAuth-Scopes"))
	if len(without(accepted, held)) < len(accepted) {
		return nil // one of the accepted scopes is held: refused for another reason
	}
	return accepted
}

// insufficientError is the *Error of an API answer that lacks scopes.
func (cl *Client) insufficientError(status int, missing []string) *Error {
	e := &Error{Provider: cl.bp.name, Stage: StageAPI, Status: status, Err: ErrInsufficientScope, Scopes: missing}
	if len(missing) > 0 {
		e.Description = "missing scope: " + strings.Join(missing, " ")
	}
	return e
}

// missingScopes returns the scopes of need that the token is known to
// lack: not among the granted scopes when the provider says what it
// granted, or named by an API answer in this request.
func (cl *Client) missingScopes(need []string) ([]string, error) {
	granted, known, err := cl.Scopes()
	if err != nil {
		return nil, err
	}
	var missing []string
	if known {
		missing = without(need, granted)
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for _, s := range need {
		if slices.Contains(cl.lacks, s) && !slices.Contains(missing, s) {
			missing = append(missing, s)
		}
	}
	return missing, nil
}

// The session key bp.shortKey holds the scopes that the blueprint's last
// step-up asked for and did not get (declined, or granted fewer), so that
// a route needing them answers 403 instead of sending the user round the
// provider again.

// Profile is who the user is at the provider, in one shape for every
// provider, like OmniAuth's auth hash and Passport's profile. Presets fill it from the provider's identity API; fields the
// provider does not give are empty.
type Profile struct {
	// Provider is the blueprint's name, for example "github".
	Provider string
	// ID is the provider's stable user ID, always as a string.
	ID string
	// Login is the username or handle, where the provider has one.
	Login string
	// Name is the display name.
	Name string
	// Email is the user's e-mail address, where the provider gives one.
	Email string
	// EmailVerified says whether the provider verified Email; nil when the
	// provider does not say.
	EmailVerified *bool
	// AvatarURL is the URL of the user's picture.
	AvatarURL string
	// Raw is the provider's identity response, decoded from JSON.
	Raw map[string]any
}

// ProfileFunc fetches the current user's profile through the client. An
// error that is not an [*Error] reaches the caller of [Client.Profile]
// wrapped in an *Error of stage [StageAPI].
type ProfileFunc func(cl *Client) (*Profile, error)

// errNoProfile means the blueprint has no profile mapping (Options.Profile).
var errNoProfile = errors.New("this blueprint has no profile mapping: set Options.Profile")

// Profile returns the current user's profile, fetched through the
// blueprint's [ProfileFunc] (set by presets, or by Options.Profile). It
// makes at least one API call; cache the result if you need it often.
func (cl *Client) Profile() (*Profile, error) {
	if cl.bp.profile == nil {
		return nil, &Error{Provider: cl.bp.name, Stage: StageAPI, Err: errNoProfile}
	}
	p, err := cl.bp.profile(cl)
	if err != nil {
		var e *Error
		var re *core.ResponseError
		switch {
		case errors.As(err, &e):
		case errors.As(err, &re):
			err = cl.apiError(re)
		default:
			err = &Error{Provider: cl.bp.name, Stage: StageAPI, Err: err}
		}
		return nil, err
	}
	if p.Provider == "" {
		p.Provider = cl.bp.name
	}
	return p, nil
}
