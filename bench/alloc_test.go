//go:build !race

// The race detector drops sync.Pool items at random, which changes
// allocation counts; the budgets hold for a normal build.

package bench

import "testing"

// TestAllocationsWithinBudget holds dance's allocations per operation
// over the floor's to [Budgets] on the workloads where both are exact
// (W1, W2, W4, W5, and W3 against the floor that reads the token from
// the session): unlike time, allocations do not depend on the machine.
func TestAllocationsWithinBudget(t *testing.T) {
	byName := map[string]*App{}
	for _, a := range apps {
		byName[a.Name] = a
	}
	allocs := func(w Workload, name string) float64 {
		a := byName[name]
		s := Recorder{a.Handler}
		if err := Do(env, w, a, s, true); err != nil {
			t.Fatalf("%s %s: %v", w, name, err)
		}
		return testing.AllocsPerRun(200, func() {
			if err := Do(env, w, a, s, false); err != nil {
				t.Fatalf("%s %s: %v", w, name, err)
			}
		})
	}
	for _, w := range []Workload{W1, W2, W3, W4, W5} {
		floor := Floor
		if w == W3 {
			floor = FloorSession
		}
		f, d := allocs(w, floor), allocs(w, Dance)
		t.Logf("%s: dance %.0f, %s %.0f allocs/op", w, d, floor, f)
		if over := d - f; over > Budgets[w].Allocs {
			t.Errorf("%s: dance allocates %.0f over the %s per operation, budget +%.0f", w, over, floor, Budgets[w].Allocs)
		}
	}
}
