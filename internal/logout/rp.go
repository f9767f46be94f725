package logout

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// The refusals of the return from the provider's end-session endpoint.
var (
	ErrNoLogout      = errors.New("no logout is in progress in this session")
	ErrStateMismatch = errors.New("the logout's state is not this session's")
	ErrCrossSite     = errors.New("the logout request does not come from the app's own pages (its Origin, Sec-Fetch-Site or Referer)")
)

// EndSessionURL is the end-session endpoint with the parameters of
// RP-Initiated Logout 1.0 section 2 added to its own query; an empty
// idTokenHint is left out.
func EndSessionURL(endpoint, idTokenHint, postLogout, clientID, state string) string {
	u, err := url.Parse(endpoint)
	if err != nil { // checked when the blueprint was built
		return endpoint
	}
	q := u.Query()
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	q.Set("post_logout_redirect_uri", postLogout)
	q.Set("client_id", clientID)
	q.Set("state", state)
	u.RawQuery = q.Encode()
	return u.String()
}

// SameOrigin reports whether r, a POST to the logout route, comes from a
// page of the app's origin (scheme://host): by its Origin header, which
// browsers send with every POST; else by Sec-Fetch-Site; else by its
// Referer. A request with none of them (not a browser's) is refused, so
// that no other site can log a user out (a cross-site form POST always
// carries an Origin).
func SameOrigin(r *http.Request, origin string) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		return strings.EqualFold(o, origin)
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return true
	case "":
	default:
		return false
	}
	ref, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || ref.Host == "" {
		return false
	}
	return strings.EqualFold(ref.Scheme+"://"+ref.Host, origin)
}
