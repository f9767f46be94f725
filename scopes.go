package dance

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/httpx"
	"github.com/gin-dance/dance/internal/session"
	"github.com/gin-gonic/gin"
)

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

// stepUp lets the request through (true) when the token holds need, as
// far as anyone knows. Otherwise it starts a login that asks for the
// union of the blueprint's scopes, the granted ones and need, coming back
// to this route; or, when the last step-up for these scopes came back
// short, it answers 403 (after the error hook) instead of looping.
func (bp *Blueprint) stepUp(c *gin.Context, cl *Client, need []string) bool {
	missing, err := cl.missingScopes(need)
	if err == nil && len(missing) == 0 {
		return true
	}
	sess, ok := bp.sessionOrFail(c, StageLogin)
	if !ok {
		return false
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Provider: bp.name, Stage: StageStore, Err: err}
		}
		bp.fail(c, http.StatusInternalServerError, e)
		return false
	}
	short, _ := sess.Get(bp.shortKey).(string)
	if len(without(missing, splitScopes(short))) == 0 {
		bp.fail(c, http.StatusForbidden, &Error{
			Provider: bp.name, Stage: StageAuthorize, Err: ErrInsufficientScope, Scopes: missing,
			Description: "the provider did not grant " + strings.Join(missing, " ") + " when asked; log in again to retry",
		})
		return false
	}
	granted, _, _ := cl.Scopes()
	ask := bp.proto.scopes()
	ask = append(ask, granted...)
	ask = append(ask, need...)
	bp.startLogin(c, sess, httpx.SafeNext(c.Request.URL.RequestURI()), without(ask, nil))
	return false
}

// noteStepUp remembers, at the end of a step-up login (fl.Scope set), the
// asked scopes that tok does not hold: all of them when the user declined
// (tok nil) or the provider did not say what it granted. It forgets them
// when everything was granted. The caller saves the session.
func (bp *Blueprint) noteStepUp(c *gin.Context, fl *flowstate.Record, tok *Token) {
	sess, ok := session.From(c)
	if !ok || fl == nil || fl.Scope == nil {
		return
	}
	short := fl.Scope
	if tok != nil && tok.Scope != nil {
		short = without(fl.Scope, splitScopes(strings.Join(tok.Scope, " ")))
	}
	setShort(sess, bp.shortKey, short)
}

func setShort(sess sessions.Session, key any, short []string) {
	if len(short) == 0 {
		sess.Delete(key)
		return
	}
	sess.Set(key, strings.Join(short, " "))
}
