// Command load serves each contender's app on a loopback port and drives it
// with concurrent keep-alive clients, one workload and one contender at a
// time, then prints requests per second, p50 and p99 latency, and the
// ratios between contenders of the same run.
//
//	go run ./load -c 64 -d 10s
//	go run ./load -w W2 -x dance -cpuprofile dance-w2.prof
//
// A W2 operation is a whole dance (two requests to the app, and the token
// exchange with the fake provider). Everything stays on 127.0.0.1, and each
// run is bounded by -d and -n.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/gin-dance/dance/bench"
)

func main() {
	conc := flag.Int("c", 64, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "duration of each workload × contender run")
	maxOps := flag.Int64("n", 2_000_000, "at most this many operations per run")
	only := flag.String("w", "", "comma-separated workloads to run (default all)")
	contenders := flag.String("x", "", "comma-separated contenders to run (default all)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measurements to this file")
	flag.Parse()
	if *conc < 1 || *conc > 1024 || *dur <= 0 || *dur > 10*time.Minute || *maxOps < 1 {
		fmt.Fprintln(os.Stderr, "load: want 1 ≤ -c ≤ 1024, 0 < -d ≤ 10m, -n ≥ 1")
		os.Exit(2)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*conc, *dur, *maxOps, *only, *contenders); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

type stats struct {
	ops, errs int64
	rps       float64
	p50, p99  time.Duration
}

func run(conc int, dur time.Duration, maxOps int64, only, contenders string) error {
	want := map[bench.Workload]bool{}
	for _, w := range strings.Split(only, ",") {
		if w = strings.TrimSpace(w); w != "" {
			want[bench.Workload(strings.ToUpper(w))] = true
		}
	}
	pick := map[string]bool{}
	for _, c := range strings.Split(contenders, ",") {
		if c = strings.TrimSpace(c); c != "" {
			pick[c] = true
		}
	}
	// W6's table is built once; the rest is made anew for every
	// measurement (see fresh).
	var w6 *bench.W6Env
	if len(want) == 0 || want[bench.W6] {
		var err error
		if w6, err = bench.NewW6(bench.W6Rows); err != nil {
			return fmt.Errorf("W6 setup: %w", err)
		}
		defer w6.Close()
	}
	env, apps, err := fresh(w6)
	if err != nil {
		return err
	}
	env.Close()
	fmt.Printf("load: %d clients, %s per run, loopback only\n\n", conc, dur)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tcontender\tops/s\tp50\tp99\tops/s ÷ floor\tp99 ÷ floor\terrors\t")
	for _, w := range bench.Workloads {
		if len(want) > 0 && !want[w] {
			continue
		}
		res := map[string]stats{}
		var order []string
		for i, a := range apps {
			if !a.Has(w) || (len(pick) > 0 && !pick[a.Name]) {
				continue
			}
			st, err := measureFresh(w6, i, w, conc, dur, maxOps)
			if err != nil {
				return err
			}
			res[a.Name] = st
			order = append(order, a.Name)
		}
		floor := res[bench.Floor]
		for _, name := range order {
			st := res[name]
			ratios := "n/a\tn/a" // the floor was not run (-x)
			if floor.rps > 0 {
				ratios = fmt.Sprintf("%.3f\t%.3f", st.rps/floor.rps, float64(st.p99)/float64(floor.p99))
			}
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%s\t%d\t\n", w, name, st.rps,
				st.p50.Round(time.Microsecond), st.p99.Round(time.Microsecond), ratios, st.errs)
		}
		if g, ok := res[bench.Goth]; ok && res[bench.Dance].rps > 0 {
			fmt.Fprintf(tw, "%s\tdance ÷ goth\t%.2f×\t\t\t\t\t\t\n", w, res[bench.Dance].rps/g.rps)
		}
	}
	return tw.Flush()
}

// fresh makes a new environment (fake provider, client) and its apps,
// with W6's when w6 is set. Each measurement gets its own: the provider
// remembers every token it issues, so with a shared one a contender
// measured after others would work on a larger heap and pay more for
// garbage collection (about 8 % of W2's throughput for the third one).
func fresh(w6 *bench.W6Env) (*bench.Env, []*bench.App, error) {
	env := bench.NewEnv()
	apps, err := env.Apps()
	if err == nil && w6 != nil {
		env.W6 = w6
		var a6 []*bench.App
		a6, err = env.W6Apps(w6)
		apps = append(apps, a6...)
	}
	if err != nil {
		env.Close()
		return nil, nil, err
	}
	return env, apps, nil
}

// measureFresh measures w on the i-th app of a fresh environment, after a
// garbage collection, so that nothing of an earlier measurement weighs on
// it.
func measureFresh(w6 *bench.W6Env, i int, w bench.Workload, conc int, dur time.Duration, maxOps int64) (stats, error) {
	env, apps, err := fresh(w6)
	if err != nil {
		return stats{}, err
	}
	defer env.Close()
	runtime.GC()
	return measure(env, w, apps[i], conc, dur, maxOps)
}

// measure serves a, checks its answer in full, then drives w for dur with
// conc clients.
func measure(env *bench.Env, w bench.Workload, a *bench.App, conc int, dur time.Duration, maxOps int64) (stats, error) {
	base, stop := bench.Serve(a.Handler)
	defer stop()
	client := bench.NoRedirectClient(conc)
	defer client.CloseIdleConnections()
	s := bench.Remote{Client: client, Base: base}
	if err := bench.Do(env, w, a, s, true); err != nil {
		return stats{}, fmt.Errorf("verification: %w", err)
	}
	var (
		ops, errs atomic.Int64
		mu        sync.Mutex
		lat       []time.Duration
		wg        sync.WaitGroup
		firstErr  atomic.Value
	)
	deadline := time.Now().Add(dur)
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, 4096)
			for time.Now().Before(deadline) && ops.Add(1) <= maxOps {
				t0 := time.Now()
				if err := bench.Do(env, w, a, s, false); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if e := firstErr.Load(); e != nil && errs.Load()*100 > int64(len(lat)) {
		return stats{}, fmt.Errorf("%s %s: %d errors, first: %v", w, a.Name, errs.Load(), e)
	}
	slices.Sort(lat)
	st := stats{ops: int64(len(lat)), errs: errs.Load(), rps: float64(len(lat)) / elapsed.Seconds()}
	if n := len(lat); n > 0 {
		st.p50 = lat[n/2]
		st.p99 = lat[min(n-1, n*99/100)]
	}
	return st, nil
}
