package bench

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-gonic/gin"
)

var (
	env  *Env
	apps []*App
	// w6 holds the W6 setups by number of rows, built on first use.
	w6 = map[int]*w6Setup{}
)

// testW6Rows is the size of the W6 table in the plain tests; the 100,000
// rows of [W6Rows] are built only under -bench.
const testW6Rows = 1000

type w6Setup struct {
	env  *Env // env with this W6 setup
	apps []*App
}

// w6For returns the W6 setup with rows token rows, building it once.
func w6For(tb testing.TB, rows int) *w6Setup {
	tb.Helper()
	if s := w6[rows]; s != nil {
		return s
	}
	w, err := NewW6(rows)
	if err != nil {
		tb.Fatalf("W6 setup: %v", err)
	}
	e := *env
	e.W6 = w
	a, err := e.W6Apps(w)
	if err != nil {
		w.Close()
		tb.Fatalf("W6 apps: %v", err)
	}
	s := &w6Setup{env: &e, apps: a}
	w6[rows] = s
	return s
}

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
	for _, s := range w6 {
		s.env.W6.Close()
	}
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

// TestW6ContendersAnswer checks the W6 contenders' answers, on a small
// table: a user with a token row, a user without one, and no user.
func TestW6ContendersAnswer(t *testing.T) {
	s := w6For(t, testW6Rows)
	if len(s.apps) != 5 {
		t.Fatalf("%d W6 contenders, want 5", len(s.apps))
	}
	for _, a := range s.apps {
		srv := serve(t, a)
		// Twice, so that the cached contender answers from its cache too.
		for range 2 {
			if err := Do(s.env, W6, a, Recorder{a.Handler}, true); err != nil {
				t.Errorf("in process: %v", err)
			}
			if err := Do(s.env, W6, a, srv, true); err != nil {
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
		// Says "authorized" for any logged-in user without looking for
		// the token row.
		W6: func(c *gin.Context) {
			if sessionUserID(c) == nil {
				c.String(http.StatusUnauthorized, "not authorized")
				return
			}
			c.String(http.StatusOK, "authorized")
		},
	}
	e := w6For(t, testW6Rows).env
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
		case W6:
			r.Use(sessions.Sessions(SessionCookie, newStore()))
			r.GET("/", broken[w])
		}
		a := &App{Name: "broken", Handler: r, Cookie: SessionCookie, Workloads: Workloads}
		if err := Do(e, w, a, Recorder{r}, true); err == nil {
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
func benchmark(b *testing.B, w Workload) { benchmarkApps(b, env, apps, w) }

func benchmarkApps(b *testing.B, env *Env, apps []*App, w Workload) {
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

// BenchmarkW6 is W4 with the GORM storage among W6Rows token rows. The
// table is built here, so only under -bench.
func BenchmarkW6(b *testing.B) {
	s := w6For(b, W6Rows)
	benchmarkApps(b, s.env, s.apps, W6)
}
