package bench

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

var (
	env  *Env
	apps []*App
)

func TestMain(m *testing.M) {
	env = NewEnv()
	var err error
	apps, err = env.Apps()
	if err != nil {
		env.Close()
		fmt.Fprintln(os.Stderr, "bench: building the apps:", err)
		os.Exit(1)
	}
	code := m.Run()
	env.Close()
	os.Exit(code)
}

// TestContendersAnswer checks every contender's answer to every workload it
// takes part in, fully (status, Location host and query, body, stored
// token), both in process and over loopback HTTP.
func TestContendersAnswer(t *testing.T) {
	for _, a := range apps {
		srv := serve(t, a)
		for _, w := range a.Workloads {
			if err := Do(env, w, a, Recorder{a.Handler}, true); err != nil {
				t.Errorf("in process: %v", err)
			}
			if err := Do(env, w, a, srv, true); err != nil {
				t.Errorf("over HTTP: %v", err)
			}
		}
	}
}

// TestVerifyCatchesBrokenContender checks that a contender that skips the
// work cannot pass the verification, so cannot look fast.
func TestVerifyCatchesBrokenContender(t *testing.T) {
	broken := map[Workload]gin.HandlerFunc{
		// Redirects somewhere else instead of to the provider.
		W1: func(c *gin.Context) {
			c.SetCookie(SessionCookie, "x", 0, "/", "", false, true)
			c.Redirect(http.StatusFound, "https://elsewhere.example/authorize?state="+strings.Repeat("s", 43))
		},
		// Answers the callback without storing a token.
		W2: func(c *gin.Context) {
			c.SetCookie(SessionCookie, "x", 0, "/", "", false, true)
			c.Redirect(http.StatusFound, "/")
		},
		// Answers /me without calling the provider.
		W3: func(c *gin.Context) { c.String(http.StatusOK, `{}`) },
		// Says "authorized" without looking at the session.
		W4: func(c *gin.Context) { c.String(http.StatusOK, "authorized") },
		// Answers with the wrong body.
		W5: func(c *gin.Context) { c.String(http.StatusOK, "") },
	}
	good := apps[0]
	for _, w := range Workloads {
		r := gin.New()
		switch w {
		case W1:
			r.GET("/login/github", broken[w])
		case W2:
			r.GET("/login/github", func(c *gin.Context) { good.Handler.ServeHTTP(c.Writer, c.Request) })
			r.GET("/login/github/authorized", broken[w])
			r.GET("/", func(c *gin.Context) { c.String(http.StatusUnauthorized, "not authorized") })
		case W3:
			r.GET("/me", broken[w])
		case W4:
			r.GET("/", broken[w])
		case W5:
			r.GET("/plain", broken[w])
		}
		a := &App{Name: "broken", Handler: r, Cookie: SessionCookie, Workloads: Workloads}
		if err := Do(env, w, a, Recorder{r}, true); err == nil {
			t.Errorf("%s: a broken contender passed the verification", w)
		}
	}
}

func serve(t *testing.T, a *App) Remote {
	t.Helper()
	srv := newServer(a.Handler)
	t.Cleanup(srv.Close)
	return Remote{Client: NoRedirectClient(2), Base: srv.URL}
}

// benchmark runs w for every contender that takes part in it, as
// sub-benchmarks named contender=NAME (so that benchstat -col /contender
// puts them side by side), after checking each answer in full.
func benchmark(b *testing.B, w Workload) {
	for _, a := range apps {
		if !a.Has(w) {
			continue
		}
		s := Recorder{a.Handler}
		if err := Do(env, w, a, s, true); err != nil {
			b.Fatalf("verification: %v", err)
		}
		b.Run("contender="+a.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Do(env, w, a, s, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkW1(b *testing.B) { benchmark(b, W1) }
func BenchmarkW2(b *testing.B) { benchmark(b, W2) }
func BenchmarkW3(b *testing.B) { benchmark(b, W3) }
func BenchmarkW4(b *testing.B) { benchmark(b, W4) }
func BenchmarkW5(b *testing.B) { benchmark(b, W5) }
