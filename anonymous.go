package dance

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// What dance does for a visitor whom the storage cannot serve without a
// user (storage.ErrUserRequired: a gormstore with a user lookup and no one
// signed in), so that such a visitor goes round the provider at most once
// and ends on a human answer:
//
//   - [Blueprint.Required] sends them to [Options].AnonymousURL when it is
//     set (no trip), else to the login route: an authorized hook may sign
//     the user in (the multi-user pattern), after which the storage finds
//     one.
//   - The callback, when the storage still refuses the token, does not
//     send them back to "next" (a Required route would start the dance
//     again): after the error hooks it sends them to AnonymousURL, or
//     answers 401 with the error page. The token is dropped.
//   - Required, when the visitor comes back from a dance (this session's
//     login record is used and not past its lifetime) still without a
//     user, answers 401 with the error page instead of a second trip.
//     That covers the ways back that the callback does not control: an
//     authorized hook that vetoes storage without signing anyone in, or
//     an error hook that redirects to the page. No error hook runs there:
//     the dance's own hooks have run already, and a hook that redirected
//     back would loop again. Starting a login from the login route (the
//     page's link) is a new dance.
//
// 401, not 403: signing in is what would help, and clients take 401 as
// "sign in". No WWW-Authenticate goes with it, as usual for a session
// sign-in, which has no HTTP authentication scheme to name.

// anonymousHint is the log's hint for a dance that ends without a user.
const anonymousHint = "the storage needs a user and the request has none: log the user in in an authorized hook, or set Options.AnonymousURL to the app's sign-in page"

// anonymousVisitor answers [Blueprint.Required] for a visitor whom the
// storage cannot serve without a user.
func (bp *Blueprint) anonymousVisitor(c *gin.Context) {
	ctx := c.Request.Context()
	switch {
	case bp.anonymousURL != "":
		bp.log.DebugContext(ctx, "dance: anonymous visitor sent to sign in", "provider", bp.name)
		redirectWithNext(c, bp.anonymousURL)
	case bp.backFromDance(c):
		id := newErrorID()
		bp.log.WarnContext(ctx, "dance: an anonymous visitor came back from the provider still without a user; not sending them again",
			"provider", bp.name, "error_id", id, "hint", anonymousHint)
		bp.answerError(c, http.StatusUnauthorized, &Error{Provider: bp.name, Stage: StageStore, Err: storage.ErrUserRequired}, id)
	default:
		bp.log.DebugContext(ctx, "dance: anonymous visitor sent to log in", "provider", bp.name)
		redirectWithNext(c, bp.LoginURL())
	}
}

// backFromDance reports whether this session's last login for the
// blueprint came back from the provider (its record is used) within the
// state's lifetime.
func (bp *Blueprint) backFromDance(c *gin.Context) bool {
	sess, err := storage.SessionFrom(c)
	if err != nil {
		return false
	}
	fl := bp.loadFlow(sess)
	return fl != nil && fl.Used && now().Unix() <= fl.Expires
}

// failAnonymous ends a callback whose token the storage refused for want
// of a user: the log line with its hint, the error hooks, then, unless a
// hook answered, AnonymousURL (with the login's next) or the 401 page.
// It never sends the visitor to next: a Required route there would start
// the dance again.
func (bp *Blueprint) failAnonymous(c *gin.Context, fl *flow, e *Error) {
	id := newErrorID()
	bp.logFailure(c, e, id)
	bp.saveSession(c)
	bp.hooks.runError(c, bp, e)
	if answered(c) {
		return
	}
	if bp.anonymousURL != "" {
		redirectFound(c, withNext(bp.anonymousURL, bp.nextURL(fl)))
		return
	}
	bp.answerError(c, http.StatusUnauthorized, e, id)
}

// withNext adds next to target's query.
func withNext(target, next string) string {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	return target + sep + "next=" + url.QueryEscape(next)
}
