// Package otel instruments dance blueprints with OpenTelemetry traces and
// metrics. It is a module of its own, so that the dance module gains no
// OpenTelemetry dependency.
//
// One call, [Instrument], changes a blueprint's [dance.Options] before the
// blueprint is built:
//
//   - a span per login and callback route (continuing the incoming trace
//     context), with the provider, outcome, stage, error code and HTTP
//     status as attributes;
//   - otelhttp on the blueprint's HTTP client: a span and a latency point
//     per token-endpoint call and per API call;
//   - a span per storage write and delete;
//   - a child span for each inner step: ID-token verification, the
//     authorized hooks, a revocation (through [dance.Options].Observe);
//   - counters of logins started and completed, of refreshes and of
//     revocations.
//
// No attribute ever carries a token, secret, code, state, or the user's
// e-mail or name.
package otel

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of dance's spans and metrics.
const ScopeName = "github.com/gin-dance/dance/otel"

// Config chooses where the telemetry goes. The zero value uses the global
// providers and propagator (otel.GetTracerProvider, otel.GetMeterProvider,
// otel.GetTextMapPropagator).
type Config struct {
	// TracerProvider makes the spans. Default: the global one.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the metrics. Default: the global one.
	MeterProvider metric.MeterProvider
	// Propagator reads the incoming trace context on the login and
	// callback routes. Default: the global one.
	Propagator propagation.TextMapPropagator
}

// Attribute keys. Their values are never secret.
const (
	keyProvider = attribute.Key("dance.provider")
	keyOutcome  = attribute.Key("dance.outcome")
	keyStage    = attribute.Key("dance.stage")
	keyCode     = attribute.Key("dance.error.code")
	keyStatus   = attribute.Key("http.response.status_code")
	keyEndpoint = attribute.Key("dance.endpoint")
)

// Outcomes of a login or refresh.
const (
	outcomeOK     = "ok"
	outcomeDenied = "denied"
	outcomeError  = "error"
)

// errorKey is where the error hook leaves the dance's *dance.Error for the
// route middleware.
const errorKey = "github.com/gin-dance/dance/otel.error"

// secondsBuckets are the latency buckets that OpenTelemetry's HTTP
// semantic conventions advise for durations in seconds.
var secondsBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

type instruments struct {
	provider       string
	tp             trace.TracerProvider
	tracer         trace.Tracer
	prop           propagation.TextMapPropagator
	loginStarted   metric.Int64Counter
	loginCompleted metric.Int64Counter
	refresh        metric.Int64Counter
	revocation     metric.Int64Counter
	tokenDuration  metric.Float64Histogram
	apiDuration    metric.Float64Histogram
}

func newInstruments(provider string, cfg Config) (*instruments, error) {
	if cfg.TracerProvider == nil {
		cfg.TracerProvider = otel.GetTracerProvider()
	}
	if cfg.MeterProvider == nil {
		cfg.MeterProvider = otel.GetMeterProvider()
	}
	if cfg.Propagator == nil {
		cfg.Propagator = otel.GetTextMapPropagator()
	}
	m := cfg.MeterProvider.Meter(ScopeName)
	in := &instruments{provider: provider, tp: cfg.TracerProvider, tracer: cfg.TracerProvider.Tracer(ScopeName), prop: cfg.Propagator}
	var err [6]error
	in.loginStarted, err[0] = m.Int64Counter("dance.login.started",
		metric.WithDescription("Logins started: redirects to the provider."), metric.WithUnit("{login}"))
	in.loginCompleted, err[1] = m.Int64Counter("dance.login.completed",
		metric.WithDescription("Callbacks handled, by outcome (ok, denied, error), stage and error code."), metric.WithUnit("{login}"))
	in.refresh, err[2] = m.Int64Counter("dance.refresh",
		metric.WithDescription("Token refreshes, by outcome."), metric.WithUnit("{refresh}"))
	in.revocation, err[5] = m.Int64Counter("dance.revocation",
		metric.WithDescription("Token revocations (Client.Revoke), by outcome."), metric.WithUnit("{revocation}"))
	in.tokenDuration, err[3] = m.Float64Histogram("dance.token_endpoint.duration",
		metric.WithDescription("Duration of calls to the provider's token endpoint."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(secondsBuckets...))
	in.apiDuration, err[4] = m.Float64Histogram("dance.api.duration",
		metric.WithDescription("Duration of calls to the provider's API through a dance.Client."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(secondsBuckets...))
	for _, e := range err {
		if e != nil {
			return nil, e
		}
	}
	return in, nil
}

// Instrument changes o, the options of the blueprint named provider (the
// name it is registered under, for example "github"), so that the
// blueprint built from it is instrumented: it adds a route handler, wraps
// o.HTTPClient's transport with otelhttp, wraps o.Storage, and wraps
// o.Hooks' OnError and OnTokenRefreshed (which still run, after the
// instruments have seen the event). Call it once per blueprint, before
// building the blueprint.
func Instrument(provider string, o *dance.Options, cfg Config) error {
	in, err := newInstruments(provider, cfg)
	if err != nil {
		return err
	}
	o.RouteHandlers = append([]gin.HandlerFunc{in.route}, o.RouteHandlers...)
	o.HTTPClient = in.client(o.HTTPClient)
	if o.Storage == nil {
		o.Storage = storage.NewSession()
	}
	o.Storage = &tracedStorage{next: o.Storage, in: in}
	in.hook(&o.Hooks)
	o.Observe = in.observe(o.Observe)
	return nil
}

// observe returns the [dance.Options].Observe that makes a child span per
// inner step (dance.id_token, dance.hooks, dance.revoke) and counts
// revocations, calling next (the Observe already set, if any) inside it.
func (in *instruments) observe(next func(context.Context, string) (context.Context, func(error))) func(context.Context, string) (context.Context, func(error)) {
	return func(ctx context.Context, step string) (context.Context, func(error)) {
		ctx, span := in.tracer.Start(ctx, "dance."+step, trace.WithAttributes(keyProvider.String(in.provider)))
		endNext := func(error) {}
		if next != nil {
			ctx, endNext = next(ctx, step)
		}
		return ctx, func(err error) {
			endNext(err)
			outcome := outcomeOK
			if err != nil {
				outcome = outcomeError
				var e *dance.Error
				if errors.As(err, &e) {
					span.SetAttributes(keyStage.String(string(e.Stage)), keyCode.String(safeCode(e.Code)))
				}
				span.SetStatus(codes.Error, step+" failed")
			}
			span.SetAttributes(keyOutcome.String(outcome))
			span.End()
			if step == "revoke" {
				in.revocation.Add(ctx, 1, metric.WithAttributes(keyProvider.String(in.provider), keyOutcome.String(outcome)))
			}
		}
	}
}

// client returns a copy of hc (or of dance's default client) whose
// transport is wrapped with otelhttp and a latency recorder. Without hc it
// wraps dance's shared keep-alive transport, so instrumented blueprints
// reuse provider connections as plain ones do.
func (in *instruments) client(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	}
	base := c.Transport
	if base == nil {
		base = core.SharedTransport
	}
	c.Transport = otelhttp.NewTransport(&timedTransport{next: base, in: in},
		otelhttp.WithTracerProvider(in.tp),
		otelhttp.WithPropagators(in.prop),
		// dance records its own latency histograms, by provider and endpoint.
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			return "dance " + endpoint(r) + " " + r.Method
		}))
	return &c
}

// endpoint tells a call to the provider's token endpoint (a form POST: the
// code exchange, a refresh or a revocation) from an API call.
func endpoint(r *http.Request) string {
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return "token_endpoint"
	}
	return "api"
}
