// Package ginlog is a Gin request logger that keeps OAuth callback
// parameters (code, state, tokens) out of the access log. Use it instead of
// gin.Logger (which gin.Default installs).
package ginlog

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-gonic/gin"
)

// secretParams are the query parameters of a callback that must not be
// logged: OAuth 2 (code, state) and OAuth 1 (oauth_token, oauth_verifier).
var secretParams = []string{"code", "state", "oauth_token", "oauth_verifier", "access_token", "id_token"}

// Logger returns a middleware that logs each request as gin.Logger does,
// without the query of the callback routes of bps, and without the query
// of any request that carries a callback parameter (code, state,
// oauth_token, oauth_verifier, access_token, id_token).
func Logger(bps ...*dance.Blueprint) gin.HandlerFunc {
	return gin.LoggerWithConfig(gin.LoggerConfig{Formatter: func(p gin.LogFormatterParams) string {
		return fmt.Sprintf("[GIN] %v | %3d | %13v | %15s | %-7s %q\n%s",
			p.TimeStamp.Format("2006/01/02 - 15:04:05"), p.StatusCode, p.Latency.Truncate(time.Microsecond),
			p.ClientIP, p.Method, redact(p.Path, bps), p.ErrorMessage)
	}})
}

// redact returns path (a path and its query) without the query when it
// belongs to a callback.
func redact(path string, bps []*dance.Blueprint) string {
	p, rawQuery, ok := strings.Cut(path, "?")
	if !ok {
		return path
	}
	for _, bp := range bps {
		if p == bp.AuthorizedURL() {
			return p
		}
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return p // cannot tell what it holds
	}
	for _, k := range secretParams {
		if q.Has(k) {
			return p
		}
	}
	return path
}
