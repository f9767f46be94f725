package flowstate

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// A full replay cache makes room for a tenth of its size at once: a
// browser that fills it with its own used states (a login and a callback
// each) must not make every later callback walk the whole cache under its
// lock. Expired states go first; the newest state is always kept.
func TestReplayCacheFullSweepsRarely(t *testing.T) {
	r := NewReplayCache(time.Now)
	live := time.Now().Add(time.Hour)
	for i := range ReplayCacheMax {
		until := live
		if i < 100 {
			until = time.Now().Add(-time.Minute) // expired
		}
		r.add("s"+strconv.Itoa(i), until)
	}
	if r.m.Len() != ReplayCacheMax {
		t.Fatalf("%d states before the cache is full", r.m.Len())
	}
	r.add("newest", live)
	if n, want := r.m.Len(), ReplayCacheMax*9/10+1; n > want {
		t.Fatalf("a sweep left %d of %d states, want at most %d", n, ReplayCacheMax, want)
	}
	if !r.seen("newest") {
		t.Fatal("the newest state was dropped")
	}
	for i := range 100 {
		if r.seen("s" + strconv.Itoa(i)) {
			t.Fatal("an expired state was kept while live ones were dropped")
		}
	}
}

// BenchmarkReplayCacheFull is the cost of one used state once the cache is
// full of live ones: about 1.5 ms (a walk of the whole map) before the
// cache swept to a low-water mark, and amortized to microseconds after.
func BenchmarkReplayCacheFull(b *testing.B) {
	r := NewReplayCache(time.Now)
	until := time.Now().Add(time.Hour)
	for i := range ReplayCacheMax {
		r.add("s"+strconv.Itoa(i), until)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r.add("t"+strconv.Itoa(i), until)
	}
}

// add records state as a callback would.
func (r *ReplayCache) add(state string, until time.Time) {
	_, _ = r.Use(context.Background(), Key(Hash(state)), until)
}

// seen reports whether state is recorded.
func (r *ReplayCache) seen(state string) bool {
	_, ok := r.m.Get(Hash(state))
	return ok
}
