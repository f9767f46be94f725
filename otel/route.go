package otel

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// route is the route handler of the login and callback routes: a server
// span that continues the incoming trace context, and the login counters.
// It tells the login route from the callback by the callback's query
// (state, code or error).
func (in *instruments) route(c *gin.Context) {
	ctx := in.prop.Extract(c.Request.Context(), propagation.HeaderCarrier(c.Request.Header))
	callback := c.Request.URL.Query().Has("state") || c.Request.URL.Query().Has("code") ||
		c.Request.URL.Query().Has("error") || c.Request.URL.Query().Has("oauth_token")
	name := "dance.login"
	if callback {
		name = "dance.callback"
	}
	ctx, span := in.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(keyProvider.String(in.provider)))
	defer span.End()
	c.Request = c.Request.WithContext(ctx)
	c.Next()

	status := c.Writer.Status()
	attrs := []attribute.KeyValue{keyProvider.String(in.provider)}
	outcome := outcomeOK
	if v, ok := c.Get(errorKey); ok {
		e := v.(*dance.Error)
		outcome = outcomeError
		if e.Stage == dance.StageAuthorize && e.Code == "access_denied" {
			outcome = outcomeDenied
		}
		attrs = append(attrs, keyStage.String(string(e.Stage)))
		if e.Code != "" {
			attrs = append(attrs, keyCode.String(safeCode(e.Code)))
		}
		span.SetStatus(codes.Error, string(e.Stage))
	} else if status >= http.StatusBadRequest {
		outcome = outcomeError
		span.SetStatus(codes.Error, http.StatusText(status))
	}
	attrs = append(attrs, keyOutcome.String(outcome))
	span.SetAttributes(append(attrs, keyStatus.Int(status))...)
	if !callback {
		in.loginStarted.Add(ctx, 1, metric.WithAttributes(keyProvider.String(in.provider), keyOutcome.String(outcome)))
		return
	}
	in.loginCompleted.Add(ctx, 1, metric.WithAttributes(attrs...))
}

// safeCode keeps an OAuth error code only when it is a short token of the
// characters RFC 6749 allows in one, so that a provider cannot put
// arbitrary text into a metric's attributes.
func safeCode(code string) string {
	if len(code) > 64 {
		return "other"
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return "other"
		}
	}
	return code
}

// hook wraps the hooks that feed the route span and the refresh counter
// around h's own, which run after.
func (in *instruments) hook(h *dance.Hooks) {
	onError, onRefreshed := h.OnError, h.OnTokenRefreshed
	h.OnError = func(c *gin.Context, bp *dance.Blueprint, e *dance.Error) {
		in.sawError(c, e)
		if onError != nil {
			onError(c, bp, e)
		}
	}
	h.OnTokenRefreshed = func(c *gin.Context, bp *dance.Blueprint, old, tok *dance.Token) {
		in.refresh.Add(c.Request.Context(), 1, metric.WithAttributes(keyProvider.String(in.provider),
			keyOutcome.String(outcomeOK)))
		trace.SpanFromContext(c.Request.Context()).AddEvent("dance.refresh",
			trace.WithAttributes(keyOutcome.String(outcomeOK)))
		if onRefreshed != nil {
			onRefreshed(c, bp, old, tok)
		}
	}
}

// sawError counts a failed refresh, or leaves the error of a failed dance
// for the route span.
func (in *instruments) sawError(c *gin.Context, e *dance.Error) {
	if e.Stage == dance.StageRefresh {
		in.refresh.Add(c.Request.Context(), 1, metric.WithAttributes(keyProvider.String(in.provider),
			keyOutcome.String(outcomeError)))
		trace.SpanFromContext(c.Request.Context()).AddEvent("dance.refresh",
			trace.WithAttributes(keyOutcome.String(outcomeError)))
		return
	}
	c.Set(errorKey, e)
}

// timedTransport records the latency of each call, by endpoint.
type timedTransport struct {
	next http.RoundTripper
	in   *instruments
}

func (t *timedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	ep := endpoint(r)
	attrs := []attribute.KeyValue{keyProvider.String(t.in.provider)}
	if resp != nil {
		attrs = append(attrs, keyStatus.Int(resp.StatusCode))
	}
	trace.SpanFromContext(r.Context()).SetAttributes(keyProvider.String(t.in.provider), keyEndpoint.String(ep))
	h := t.in.apiDuration
	if ep == "token_endpoint" {
		h = t.in.tokenDuration
	}
	h.Record(r.Context(), time.Since(start).Seconds(), metric.WithAttributes(attrs...))
	return resp, err
}

// tracedStorage puts a span around each storage write and delete. Reads
// are not traced: they happen on every authorized request.
type tracedStorage struct {
	next storage.Storage
	in   *instruments
}

func (s *tracedStorage) Get(c *gin.Context, name string) (*dance.Token, error) {
	return s.next.Get(c, name)
}

func (s *tracedStorage) Set(c *gin.Context, name string, tok *dance.Token) error {
	return s.span(c, "dance.storage.set", func() error { return s.next.Set(c, name, tok) })
}

func (s *tracedStorage) Delete(c *gin.Context, name string) error {
	return s.span(c, "dance.storage.delete", func() error { return s.next.Delete(c, name) })
}

func (s *tracedStorage) span(c *gin.Context, name string, f func() error) error {
	var ctx context.Context = c
	if c.Request != nil {
		ctx = c.Request.Context()
	}
	_, span := s.in.tracer.Start(ctx, name, trace.WithAttributes(keyProvider.String(s.in.provider)))
	defer span.End()
	err := f()
	if err != nil {
		span.SetStatus(codes.Error, "storage failed")
		var e *dance.Error
		if errors.As(err, &e) {
			span.SetAttributes(keyStage.String(string(e.Stage)))
		}
	}
	return err
}
