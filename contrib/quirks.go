package contrib

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/session"
	"github.com/gin-gonic/gin"
)

// wrapTransport returns a copy of hc (nil: the shared client) whose
// transport is wrap of hc's, for presets whose provider needs its token
// requests or answers rewritten.
func wrapTransport(hc *http.Client, wrap func(http.RoundTripper) http.RoundTripper) *http.Client {
	if hc == nil {
		hc = core.SharedClient
	}
	c := *hc
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = wrap(rt)
	return &c
}

// resolve is ref resolved against base, as the blueprint resolves its
// endpoints.
func resolve(base, ref string) string {
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	b, err := url.Parse(base)
	if err != nil || base == "" {
		return ref
	}
	return b.ResolveReference(r).String()
}

// sameEndpoint reports whether req goes to the endpoint u (scheme, host
// and path; the query is ignored).
func sameEndpoint(req *http.Request, u string) bool {
	e, err := url.Parse(u)
	return err == nil && req.URL.Host == e.Host && req.URL.Path == e.Path && req.URL.Scheme == e.Scheme
}

// rewriteAuthURL is the before-login hook of a preset whose provider wants
// another authorization URL than x/oauth2 writes: it rewrites the URL,
// runs the user's hook with the rewritten one, and redirects there unless
// that hook answered. A rewrite that fails (a registration the instance
// refused) answers 502 and logs at Error.
func rewriteAuthURL(name string, rewrite func(*gin.Context, string) (string, error), user func(*gin.Context, *dance.Blueprint, string), log *slog.Logger) func(*gin.Context, *dance.Blueprint, string) {
	if log == nil {
		log = slog.Default()
	}
	return func(c *gin.Context, bp *dance.Blueprint, authURL string) {
		u, err := rewrite(c, authURL)
		if err != nil {
			log.ErrorContext(c.Request.Context(), "dance: the login could not start", "provider", name, "error", err.Error())
			c.String(http.StatusBadGateway, "The login with %s could not start: the provider could not be reached or refused this app. Try again later.", name)
			c.Abort()
			return
		}
		if user != nil {
			user(c, bp, u)
			if c.Writer.Written() || c.IsAborted() {
				return
			}
		}
		if s, ok := session.From(c); ok {
			if err := s.Save(); err != nil { // whatever the user's hook changed
				log.ErrorContext(c.Request.Context(), "dance: saving the session failed", "provider", name, "error", err.Error())
				c.String(http.StatusInternalServerError, "The login could not start.")
				c.Abort()
				return
			}
		}
		c.Redirect(http.StatusFound, u)
	}
}
