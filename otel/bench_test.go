package otel_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	danceotel "github.com/gin-dance/dance/otel"
	"github.com/gin-gonic/gin"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// benchApp is the bench module's dance app, reduced to W2 and W4 (see
// bench/workloads.go): GET /login/fake, its callback, and an authorized
// GET / whose handler checks Authorized(). Like the bench module's, it
// logs Warn and above, discarded: a "login completed" line per W2 would
// be timed, and would fill CI's log.
func benchApp(b *testing.B, fake *dancetest.Provider, instrument bool) http.Handler {
	b.Helper()
	oc := fake.OAuth2Config("fake")
	oc.Logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if instrument {
		err := danceotel.Instrument("fake", &oc.Options, danceotel.Config{
			TracerProvider: tracenoop.NewTracerProvider(),
			MeterProvider:  metricnoop.NewMeterProvider(),
			Propagator:     propagation.TraceContext{},
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	bp, err := dance.NewOAuth2(oc)
	if err != nil {
		b.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r.Group("/login"))
	r.GET("/", bp.Middleware(), func(c *gin.Context) {
		if ok, _ := c.MustGet(bp.Name()).(*dance.Client).Authorized(); !ok {
			c.String(http.StatusUnauthorized, "no")
			return
		}
		c.String(http.StatusOK, "authorized")
	})
	return r
}

// noRedirect is the provider-side browser: it stops at the redirect back
// to the app.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(h http.Handler, target, cookie string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// w2 is one whole dance; it returns the logged-in session cookie.
func w2(b *testing.B, h http.Handler) string {
	login := get(h, "http://app.test/login/fake", "")
	if login.Code != http.StatusFound {
		b.Fatalf("login answered %d", login.Code)
	}
	resp, err := noRedirect.Get(login.Header().Get("Location"))
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		b.Fatal(err)
	}
	done := get(h, "http://app.test"+cb.RequestURI(), login.Header().Get("Set-Cookie"))
	if done.Code != http.StatusFound {
		b.Fatalf("callback answered %d", done.Code)
	}
	return done.Header().Get("Set-Cookie")
}

// BenchmarkOverhead runs each workload on the plain app and on the app
// instrumented with no-op providers, alternating request by request so
// that both see the same machine, and reports the ratio of their times
// (budget: at most 1.10).
func BenchmarkOverhead(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	fake := dancetest.NewProvider(dancetest.Config{})
	defer fake.Close()
	apps := [2]http.Handler{benchApp(b, fake, false), benchApp(b, fake, true)}
	cookies := [2]string{w2(b, apps[0]), w2(b, apps[1])}
	workloads := []struct {
		name string
		run  func(i int)
	}{
		{"W2", func(i int) { w2(b, apps[i]) }},
		{"W4", func(i int) {
			if w := get(apps[i], "http://app.test/", cookies[i]); w.Code != http.StatusOK {
				b.Fatalf("W4 answered %d", w.Code)
			}
		}},
	}
	for _, wl := range workloads {
		b.Run(wl.name, func(b *testing.B) {
			var spent [2]time.Duration
			for n := 0; b.Loop(); n++ {
				for k := range 2 {
					i := (n + k) % 2 // alternate which app goes first
					start := time.Now()
					wl.run(i)
					spent[i] += time.Since(start)
				}
			}
			b.ReportMetric(float64(spent[0].Nanoseconds())/float64(b.N), "ns-plain/op")
			b.ReportMetric(float64(spent[1].Nanoseconds())/float64(b.N), "ns-otel/op")
			b.ReportMetric(float64(spent[1])/float64(spent[0]), "ratio")
		})
	}
}
