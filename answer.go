package dance

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"strings"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// stageSentences are the default error answers' human sentences, one per
// stage. They never carry the error's own text.
var stageSentences = map[Stage]string{
	StageLogin:     "The login could not be started.",
	StageAuthorize: "The provider did not grant access.",
	StageState:     "This login link has expired or was already used.",
	StageToken:     "The provider did not complete the login.",
	StageHook:      "The login could not be completed.",
	StageStore:     "The login could not be saved.",
	StageRequest:   "This login link is not valid.",
	StageIDToken:   "The provider's proof of identity could not be verified.",
}

// errorSentence is the human sentence for e: its stage's; for a route
// that needs scopes the provider did not grant, which ones; for a storage
// that needs a user, to sign in first.
func errorSentence(e *Error) string {
	if errors.Is(e, ErrInsufficientScope) && len(e.Scopes) > 0 {
		return "The provider did not grant " + strings.Join(e.Scopes, ", ") + ", which this page needs."
	}
	if errors.Is(e, storage.ErrUserRequired) {
		return "Sign in to this site first, then try again."
	}
	return sentence(e.Stage)
}

// sentence is the human sentence for stage s.
func sentence(s Stage) string {
	if t, ok := stageSentences[s]; ok {
		return t
	}
	return "The login did not work."
}

// problemType is the stable RFC 9457 type URI of a stage's failures.
func problemType(s Stage) string { return "urn:gin-dance:error:" + string(s) }

// newErrorID returns a short random ID that ties an answer to its log line.
func newErrorID() string { return strings.ToLower(rand.Text()[:12]) }

// misconfigured maps the OAuth error codes by which a provider reports an
// app's own misconfiguration to the setting to check.
var misconfigured = map[string]string{
	"invalid_client":        "check the client ID and client secret",
	"unauthorized_client":   "check that the app may use this grant type at the provider",
	"redirect_uri_mismatch": "check that the provider's allowed redirect URIs hold redirect_uri exactly (or set PublicURL/TrustedProxies)",
}

// logFailure logs a failed dance with its error ID: at Error with a hint
// when the provider reports a misconfiguration, else at Warn (with a hint
// when the storage needs a user).
func (bp *Blueprint) logFailure(c *gin.Context, e *Error, id string) {
	attrs := []any{"provider", bp.name, "stage", string(e.Stage), "error_id", id, "err", e.Error()}
	if errors.Is(e, storage.ErrUserRequired) {
		bp.log.WarnContext(c.Request.Context(), "dance: login failed: no user to store the token for", append(attrs, "hint", anonymousHint)...)
		return
	}
	if hint, ok := misconfigured[e.Code]; ok {
		attrs = append(attrs, "hint", hint, "redirect_uri", bp.absoluteURL(c, bp.AuthorizedURL()))
		bp.log.Log(c.Request.Context(), slog.LevelError, "dance: the provider reports a misconfiguration", attrs...)
		return
	}
	bp.log.WarnContext(c.Request.Context(), "dance: login failed", attrs...)
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	ErrorID string `json:"error_id"`
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Login failed</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}p.id{color:#777;font-size:.85rem}a{color:#0550ae}</style>
</head><body>
<h1>Login failed</h1>
<p>{{.Sentence}}</p>
<p><a href="{{.Again}}">Start again</a></p>
<p class="id">Error ID: {{.ID}}</p>
</body></html>
`))

// answerError writes the default error answer: a problem document for a
// client that asks for JSON, else a small HTML page. Neither carries the
// error's text; both carry its ID.
func (bp *Blueprint) answerError(c *gin.Context, status int, e *Error, id string) {
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "no-store")
	if accept := c.GetHeader("Accept"); strings.Contains(accept, "json") && !strings.Contains(accept, "text/html") {
		b, _ := json.Marshal(problem{Type: problemType(e.Stage), Title: errorSentence(e), Status: status, ErrorID: id})
		c.Data(status, "application/problem+json", b)
		c.Abort()
		return
	}
	var b bytes.Buffer
	_ = errorPage.Execute(&b, struct{ Sentence, Again, ID string }{errorSentence(e), bp.LoginURL(), id})
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
	c.Abort()
}
