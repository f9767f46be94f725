// Command observability is a dance app instrumented with OpenTelemetry:
// it writes its spans to stdout and serves its metrics in Prometheus
// format at /metrics.
//
//	cd otel && go run ./example/observability
//
// It lives in the otel module, not in _example/, so that the dance module
// itself never depends on OpenTelemetry. With GITHUB_OAUTH_CLIENT_ID and
// GITHUB_OAUTH_CLIENT_SECRET set, it talks to GitHub; without them, it
// starts dance's fake provider in the same process.
package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	danceotel "github.com/gin-dance/dance/otel"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func main() {
	cfg := contrib.GitHubConfig{}
	if os.Getenv("GITHUB_OAUTH_CLIENT_ID") == "" {
		fake := dancetest.NewProvider(dancetest.Config{})
		defer fake.Close()
		cfg = fakeGitHub(fake)
		log.Printf("no GITHUB_OAUTH_CLIENT_ID: using the fake provider at %s", fake.URL)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(must(stdouttrace.New(stdouttrace.WithPrettyPrint()))))
	defer tp.Shutdown(context.Background())
	r, err := newApp(cfg, tp, os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("open http://localhost:8080/ (metrics at /metrics)")
	log.Fatal(http.ListenAndServe(":8080", r))
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

// fakeGitHub points the GitHub preset at a fake provider.
func fakeGitHub(p *dancetest.Provider) contrib.GitHubConfig {
	return contrib.GitHubConfig{
		ClientID:     p.ClientID(),
		ClientSecret: p.ClientSecret(),
		Endpoints:    contrib.Endpoints{AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token"},
		Options:      dance.Options{BaseURL: p.URL + "/"},
	}
}

// newApp instruments the GitHub blueprint with tp and a Prometheus
// exporter of its own registry, served at /metrics.
func newApp(cfg contrib.GitHubConfig, tp *sdktrace.TracerProvider, _ io.Writer) (*gin.Engine, error) {
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	err = danceotel.Instrument("github", &cfg.Options, danceotel.Config{
		TracerProvider: tp, MeterProvider: mp, Propagator: propagation.TraceContext{},
	})
	if err != nil {
		return nil, err
	}
	github, err := contrib.GitHub(cfg)
	if err != nil {
		return nil, err
	}
	r := gin.New()
	key := make([]byte, 32)
	rand.Read(key)
	r.Use(sessions.Sessions("observability", cookie.NewStore(key)))
	github.Register(r.Group("/login"))
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	r.GET("/", github.Middleware(), func(c *gin.Context) {
		var user struct{ Login string }
		if err := c.MustGet("github").(*dance.Client).GetJSON("user", &user); err != nil {
			c.String(http.StatusOK, `<a href="/login/github">Log in with GitHub</a>`)
			return
		}
		c.String(http.StatusOK, "You are @%s on GitHub", user.Login)
	})
	return r, nil
}
