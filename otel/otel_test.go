package otel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	danceotel "github.com/gin-dance/dance/otel"
	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// rig is an instrumented app in front of a fake provider, with in-memory
// span and metric readers.
type rig struct {
	fake   *dancetest.Provider
	bp     *dance.Blueprint
	srv    *httptest.Server
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	b      *dancetest.Browser
	states []string // the states the app sent to the provider
}

func newRig(t *testing.T, cfg dancetest.Config, change ...func(*dance.OAuth2Config)) *rig {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := &rig{fake: dancetest.NewProvider(cfg), spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	t.Cleanup(r.fake.Close)
	oc := r.fake.OAuth2Config("fake")
	for _, f := range change {
		f(&oc)
	}
	err := danceotel.Instrument("fake", &oc.Options, danceotel.Config{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans)),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader)),
		Propagator:     propagation.TraceContext{},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.bp, err = dance.NewOAuth2(oc)
	if err != nil {
		t.Fatal(err)
	}
	app := gin.New()
	app.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	r.bp.Register(app.Group("/login"))
	app.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "home") })
	app.GET("/me", r.bp.Middleware(), func(c *gin.Context) {
		cl := c.MustGet("fake").(*dance.Client)
		req, err := cl.NewRequest(http.MethodGet, "user", nil)
		if err != nil {
			c.String(http.StatusBadGateway, "api failed")
			return
		}
		resp, err := cl.Do(req)
		if err != nil {
			c.String(http.StatusBadGateway, "api failed")
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		c.Data(resp.StatusCode, "application/json", body)
	})
	app.GET("/revoke", r.bp.Middleware(), func(c *gin.Context) {
		if err := c.MustGet("fake").(*dance.Client).Revoke(); err != nil {
			c.String(http.StatusBadGateway, "revoke failed")
			return
		}
		c.Status(http.StatusNoContent)
	})
	r.srv = httptest.NewServer(app)
	t.Cleanup(r.srv.Close)
	r.b = dancetest.NewBrowser(t)
	return r
}

// spanNames lists the ended spans' names.
func (r *rig) span(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	var names []string
	for _, s := range r.spans.Ended() {
		if s.Name() == name {
			return s
		}
		names = append(names, s.Name())
	}
	t.Fatalf("no span %q among %v", name, names)
	return nil
}

func attr(s sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.String()
		}
	}
	return ""
}

// sum is the value of the counter name at the point whose attributes
// include want.
func (r *rig) sum(t *testing.T, name string, want ...attribute.KeyValue) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
				if hasAll(p.Attributes, want) {
					n += p.Value
				}
			}
		}
	}
	return n
}

// histCount is the number of points recorded in histogram name whose
// attributes include want.
func (r *rig) histCount(t *testing.T, name string, want ...attribute.KeyValue) uint64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				for _, p := range m.Data.(metricdata.Histogram[float64]).DataPoints {
					if hasAll(p.Attributes, want) {
						n += p.Count
					}
				}
			}
		}
	}
	return n
}

func hasAll(set attribute.Set, want []attribute.KeyValue) bool {
	for _, kv := range want {
		if v, ok := set.Value(kv.Key); !ok || v != kv.Value {
			return false
		}
	}
	return true
}

var (
	provider = attribute.String("dance.provider", "fake")
	ok       = attribute.String("dance.outcome", "ok")
)

func TestSuccessfulDance(t *testing.T) {
	r := newRig(t, dancetest.Config{})
	resp := r.b.Dance(r.srv.URL + "/login/fake")
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("dance ended with %d", resp.StatusCode)
	}
	cb := r.span(t, "dance.callback")
	if got := attr(cb, "dance.outcome"); got != "ok" {
		t.Errorf("callback outcome %q, want ok", got)
	}
	if got := attr(cb, "http.response.status_code"); got != "302" {
		t.Errorf("callback status %q, want 302", got)
	}
	login := r.span(t, "dance.login")
	if attr(login, "dance.provider") != "fake" {
		t.Errorf("login span lacks the provider: %v", login.Attributes())
	}
	tokenSpan := r.span(t, "dance token_endpoint POST")
	if tokenSpan.Parent().SpanID() != cb.SpanContext().SpanID() {
		t.Errorf("token exchange span is not a child of the callback span")
	}
	store := r.span(t, "dance.storage.set")
	if store.Parent().SpanID() != cb.SpanContext().SpanID() {
		t.Errorf("storage span is not a child of the callback span")
	}
	if n := r.sum(t, "dance.login.started", provider); n != 1 {
		t.Errorf("dance.login.started = %d, want 1", n)
	}
	if n := r.sum(t, "dance.login.completed", provider, ok); n != 1 {
		t.Errorf("dance.login.completed{ok} = %d, want 1", n)
	}
	if n := r.histCount(t, "dance.token_endpoint.duration", provider); n != 1 {
		t.Errorf("dance.token_endpoint.duration has %d points, want 1", n)
	}
	checkNoSecrets(t, r)
}

func TestIncomingTraceContextContinued(t *testing.T) {
	r := newRig(t, dancetest.Config{})
	req, _ := http.NewRequest(http.MethodGet, r.srv.URL+"/login/fake", nil)
	req.Header.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	login := r.span(t, "dance.login")
	if got := login.SpanContext().TraceID().String(); got != "0af7651916cd43dd8448eb211c80319c" {
		t.Errorf("login span trace %s, want the incoming one", got)
	}
	if got := login.Parent().SpanID().String(); got != "b7ad6b7169203331" {
		t.Errorf("login span parent %s, want the incoming span", got)
	}
}

// callback runs the login, then calls the callback with q plus (unless
// q has one) the login's state.
func (r *rig) callback(t *testing.T, q url.Values) *http.Response {
	t.Helper()
	loc := r.b.Location(r.b.Get(r.srv.URL + "/login/fake"))
	r.states = append(r.states, loc.Query().Get("state"))
	if !q.Has("state") {
		q.Set("state", loc.Query().Get("state"))
	}
	return r.b.Get(r.srv.URL + "/login/fake/authorized?" + q.Encode())
}

func TestDeniedDance(t *testing.T) {
	r := newRig(t, dancetest.Config{})
	r.callback(t, url.Values{"error": {"access_denied"}}).Body.Close()
	cb := r.span(t, "dance.callback")
	if got := attr(cb, "dance.outcome"); got != "denied" {
		t.Errorf("outcome %q, want denied", got)
	}
	if got := attr(cb, "dance.error.code"); got != "access_denied" {
		t.Errorf("code %q, want access_denied", got)
	}
	if n := r.sum(t, "dance.login.completed", provider, attribute.String("dance.outcome", "denied"),
		attribute.String("dance.stage", "authorize"), attribute.String("dance.error.code", "access_denied")); n != 1 {
		t.Errorf("dance.login.completed{denied} = %d, want 1", n)
	}
	checkNoSecrets(t, r)
}

func TestStateMismatch(t *testing.T) {
	r := newRig(t, dancetest.Config{})
	r.callback(t, url.Values{"code": {"some-code"}, "state": {"forged-state"}}).Body.Close()
	cb := r.span(t, "dance.callback")
	if got := attr(cb, "dance.stage"); got != "state" {
		t.Errorf("stage %q, want state", got)
	}
	if n := r.sum(t, "dance.login.completed", provider, attribute.String("dance.outcome", "error"),
		attribute.String("dance.stage", "state")); n != 1 {
		t.Errorf("dance.login.completed{error,state} = %d, want 1", n)
	}
	checkNoSecrets(t, r, "forged-state", "some-code")
}

func TestTokenEndpoint500(t *testing.T) {
	r := newRig(t, dancetest.Config{})
	r.fake.Fail(dancetest.FailStatus500)
	r.b.Dance(r.srv.URL + "/login/fake").Body.Close()
	cb := r.span(t, "dance.callback")
	if got := attr(cb, "dance.stage"); got != "token" {
		t.Errorf("stage %q, want token", got)
	}
	tok := r.span(t, "dance token_endpoint POST")
	if got := attr(tok, "http.response.status_code"); got != "500" {
		t.Errorf("token endpoint span status %q, want 500", got)
	}
	if n := r.sum(t, "dance.login.completed", provider, attribute.String("dance.outcome", "error"),
		attribute.String("dance.stage", "token")); n != 1 {
		t.Errorf("dance.login.completed{error,token} = %d, want 1", n)
	}
	if n := r.histCount(t, "dance.token_endpoint.duration", provider, attribute.Int("http.response.status_code", 500)); n != 1 {
		t.Errorf("token endpoint latency points with status 500: %d, want 1", n)
	}
	checkNoSecrets(t, r)
}

func TestAPICall(t *testing.T) {
	r := newRig(t, dancetest.Config{User: map[string]any{"login": "hubot", "email": "hubot@example.com", "name": "Hu Bot"}})
	r.b.Dance(r.srv.URL + "/login/fake").Body.Close()
	resp := r.b.Get(r.srv.URL + "/me")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var u map[string]any
	if err := json.Unmarshal(body, &u); err != nil || u["login"] != "hubot" {
		t.Fatalf("/me answered %d %s", resp.StatusCode, body)
	}
	api := r.span(t, "dance api GET")
	if attr(api, "dance.endpoint") != "api" || attr(api, "http.response.status_code") != "200" {
		t.Errorf("api span attributes %v", api.Attributes())
	}
	if n := r.histCount(t, "dance.api.duration", provider); n != 1 {
		t.Errorf("dance.api.duration has %d points, want 1", n)
	}
	checkNoSecrets(t, r, "hubot@example.com", "Hu Bot")
}

func TestRefresh(t *testing.T) {
	// A token that expires within dance's leeway is refreshed at once.
	r := newRig(t, dancetest.Config{ExpiresIn: 1, RefreshToken: true},
		func(oc *dance.OAuth2Config) { oc.RefreshURL = "/token" })
	r.b.Dance(r.srv.URL + "/login/fake").Body.Close()
	resp := r.b.Get(r.srv.URL + "/me")
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/me answered %d", resp.StatusCode)
	}
	if n := r.sum(t, "dance.refresh", provider, ok); n != 1 {
		t.Errorf("dance.refresh{ok} = %d, want 1", n)
	}
	if n := r.histCount(t, "dance.token_endpoint.duration", provider); n != 2 {
		t.Errorf("token endpoint points %d, want 2 (exchange and refresh)", n)
	}
	checkNoSecrets(t, r)
}

// checkNoSecrets fails if any span name, attribute, event or status of the
// recorded spans, or any metric attribute, contains a secret the fake
// provider handed out (client secret, codes, tokens, states) or extra.
func checkNoSecrets(t *testing.T, r *rig, extra ...string) {
	t.Helper()
	secrets := append(append(r.fake.Secrets(), r.states...), extra...)
	var texts []string
	for _, s := range r.spans.Ended() {
		texts = append(texts, s.Name(), s.Status().Description)
		for _, kv := range s.Attributes() {
			texts = append(texts, kv.Value.String())
		}
		for _, ev := range s.Events() {
			texts = append(texts, ev.Name)
			for _, kv := range ev.Attributes {
				texts = append(texts, kv.Value.String())
			}
		}
	}
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	texts = append(texts, fmt.Sprintf("%+v", rm))
	if len(secrets) < 2 {
		t.Fatalf("the fake reported only %d secrets", len(secrets))
	}
	for _, text := range texts {
		for _, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("telemetry carries a secret: %q", text)
			}
		}
	}
}

// The inner steps that dance reports through Options.Observe: a child span
// of the callback for ID-token verification and for the authorized hooks
// (whose API calls are its children), a span per revocation whose provider
// call is its child, and the revocation counter by outcome.
func TestInnerStepSpansAndRevocations(t *testing.T) {
	r := newRig(t, dancetest.Config{}, func(c *dance.OAuth2Config) {
		c.Scopes = []string{"openid", "email"}
		c.Issuer, c.JWKSURL, c.RevokeURL = strings.TrimSuffix(c.BaseURL, "/"), "/jwks", "/revoke"
		c.Hooks.OnAuthorized = func(c *gin.Context, bp *dance.Blueprint, tok *dance.Token) (bool, error) {
			cl := c.MustGet(bp.Name()).(*dance.Client)
			req, err := cl.NewRequest(http.MethodGet, "user", nil)
			if err != nil {
				return false, err
			}
			resp, err := cl.Do(req)
			if err != nil {
				return false, err
			}
			resp.Body.Close()
			return true, nil
		}
	})
	resp := r.b.Dance(r.srv.URL + "/login/fake")
	resp.Body.Close()
	cb := r.span(t, "dance.callback")
	for _, name := range []string{"dance.id_token", "dance.hooks"} {
		s := r.span(t, name)
		if s.Parent().SpanID() != cb.SpanContext().SpanID() {
			t.Errorf("%s is not a child of the callback span", name)
		}
		if attr(s, "dance.outcome") != "ok" {
			t.Errorf("%s outcome = %q, want ok", name, attr(s, "dance.outcome"))
		}
	}
	hooks := r.span(t, "dance.hooks")
	var hookCall bool
	for _, s := range r.spans.Ended() { // the key set's fetch is an API span too
		if s.Name() == "dance api GET" && s.Parent().SpanID() == hooks.SpanContext().SpanID() {
			hookCall = true
		}
	}
	if !hookCall {
		t.Error("the hook's API call is not a child of the hooks span")
	}
	if resp := r.b.Get(r.srv.URL + "/revoke"); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke = %d, want 204", resp.StatusCode)
	}
	rev := r.span(t, "dance.revoke")
	var revokeCall bool
	for _, s := range r.spans.Ended() {
		if s.Name() == "dance token_endpoint POST" && s.Parent().SpanID() == rev.SpanContext().SpanID() {
			revokeCall = true
		}
	}
	if !revokeCall {
		t.Error("the revocation request is not a child of the dance.revoke span")
	}
	if n := r.sum(t, "dance.revocation", provider, ok); n != 1 {
		t.Errorf("dance.revocation{ok} = %d, want 1", n)
	}
	if resp := r.b.Get(r.srv.URL + "/revoke"); resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("a second revoke (no token) = %d, want 502", resp.StatusCode)
	}
	if n := r.sum(t, "dance.revocation", provider, attribute.String("dance.outcome", "error")); n != 1 {
		t.Errorf("dance.revocation{error} = %d, want 1", n)
	}
	checkNoSecrets(t, r)
}
