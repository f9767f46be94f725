package main

import (
	"io"
	"strings"
	"testing"

	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-gonic/gin"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// After a dance against the fake provider, /metrics shows the login
// counters and the token endpoint's latency in Prometheus format.
func TestMetricsAfterDance(t *testing.T) {
	gin.SetMode(gin.TestMode)
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	spans := tracetest.NewSpanRecorder()
	app, err := newApp(fakeGitHub(fake), sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	b, base := dancetest.Dance(t, app, "/login/github")
	resp := b.Get(base + "/metrics")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(body)
	if testing.Verbose() {
		t.Log(metrics)
	}
	for _, want := range []string{
		`dance_login_started_total{dance_outcome="ok",dance_provider="github"`,
		`dance_login_completed_total{dance_outcome="ok",dance_provider="github"`,
		`dance_token_endpoint_duration_seconds_count{dance_provider="github",http_response_status_code="200"`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, metrics)
		}
	}
	for _, s := range fake.Secrets() {
		if strings.Contains(metrics, s) {
			t.Errorf("/metrics carries a secret")
		}
	}
	if len(spans.Ended()) < 3 {
		t.Errorf("%d spans, want the login, the callback and the token exchange", len(spans.Ended()))
	}
}
