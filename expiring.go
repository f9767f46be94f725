package dance

import (
	"math"
	"sync"
	"time"
)

// expiring is a bounded map whose entries expire: the memory behind the
// replay check of used states and behind the sharing of refresh results.
// It is safe for concurrent use. When it is full, one sweep drops the
// expired entries and then, only if it must, live ones, down to nine
// tenths of its bound, so that sweeps (which walk the whole map under the
// lock) happen once per many additions, not on every one.
type expiring[K comparable, V any] struct {
	mu  sync.Mutex
	max int
	m   map[K]expiringEntry[V]
}

type expiringEntry[V any] struct {
	v V
	// until is in Unix nanoseconds, not a time.Time: its *Location
	// would put a pointer in every entry, and the garbage collector
	// would scan the whole map on every cycle (the replay cache's map,
	// of [32]byte keys and empty values, holds no pointer at all).
	until int64
}

func newExpiring[K comparable, V any](max int) *expiring[K, V] {
	return &expiring[K, V]{max: max, m: make(map[K]expiringEntry[V])}
}

// nanos is t in Unix nanoseconds, held to int64's range (UnixNano's
// result outside it is undefined).
func nanos(t time.Time) int64 {
	switch sec := t.Unix(); {
	case sec >= math.MaxInt64/int64(time.Second):
		return math.MaxInt64
	case sec <= math.MinInt64/int64(time.Second):
		return math.MinInt64
	}
	return t.UnixNano()
}

// put keeps v under k until the given time.
func (e *expiring[K, V]) put(k K, v V, until time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.m) >= e.max {
		e.sweep()
	}
	e.m[k] = expiringEntry[V]{v: v, until: nanos(until)}
}

// putNew keeps v under k until the given time unless k holds a live value,
// in one step; it reports whether it did.
func (e *expiring[K, V]) putNew(k K, v V, until time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ent, ok := e.m[k]; ok && now().UnixNano() <= ent.until {
		return false
	}
	if len(e.m) >= e.max {
		e.sweep()
	}
	e.m[k] = expiringEntry[V]{v: v, until: nanos(until)}
	return true
}

// get returns the live value under k.
func (e *expiring[K, V]) get(k K) (V, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ent, ok := e.m[k]
	if ok && now().UnixNano() > ent.until {
		delete(e.m, k)
		ok = false
	}
	if !ok {
		var zero V
		return zero, false
	}
	return ent.v, true
}

// len returns the number of entries, live or not yet swept.
func (e *expiring[K, V]) len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.m)
}

// sweep makes room; e.mu is held.
func (e *expiring[K, V]) sweep() {
	t := now().UnixNano()
	for k, ent := range e.m {
		if t > ent.until {
			delete(e.m, k)
		}
	}
	low := e.max - e.max/10
	for k := range e.m {
		if len(e.m) <= low {
			break
		}
		delete(e.m, k)
	}
}
