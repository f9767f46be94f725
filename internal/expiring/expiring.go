// Package expiring is a bounded map whose entries expire: the memory
// behind the replay check of used states and behind the sharing of refresh
// results.
package expiring

import (
	"math"
	"sync"
	"time"
)

// Map is a bounded map whose entries expire. It is safe for concurrent
// use. When it is full, one sweep drops the expired entries and then, only
// if it must, live ones, down to nine tenths of its bound, so that sweeps
// (which walk the whole map under the lock) happen once per many
// additions, not on every one.
type Map[K comparable, V any] struct {
	mu  sync.Mutex
	max int
	now func() time.Time
	m   map[K]entry[V]
}

type entry[V any] struct {
	v V
	// until is in Unix nanoseconds, not a time.Time: its *Location
	// would put a pointer in every entry, and the garbage collector
	// would scan the whole map on every cycle (the replay cache's map,
	// of [32]byte keys and empty values, holds no pointer at all).
	until int64
}

// New returns a map of at most max entries, whose expiry is read on the
// clock now.
func New[K comparable, V any](max int, now func() time.Time) *Map[K, V] {
	return &Map[K, V]{max: max, now: now, m: make(map[K]entry[V])}
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

// Put keeps v under k until the given time.
func (e *Map[K, V]) Put(k K, v V, until time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.m) >= e.max {
		e.sweep()
	}
	e.m[k] = entry[V]{v: v, until: nanos(until)}
}

// PutNew keeps v under k until the given time unless k holds a live value,
// in one step; it reports whether it did.
func (e *Map[K, V]) PutNew(k K, v V, until time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ent, ok := e.m[k]; ok && e.now().UnixNano() <= ent.until {
		return false
	}
	if len(e.m) >= e.max {
		e.sweep()
	}
	e.m[k] = entry[V]{v: v, until: nanos(until)}
	return true
}

// Update keeps f(cur, ok) under k until the given time, in one step: cur
// is the live value under k, and ok whether there is one.
func (e *Map[K, V]) Update(k K, f func(cur V, ok bool) V, until time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ent, ok := e.m[k]
	if ok && e.now().UnixNano() > ent.until {
		ok = false
	}
	if !ok && len(e.m) >= e.max {
		e.sweep()
	}
	var cur V
	if ok {
		cur = ent.v
	}
	e.m[k] = entry[V]{v: f(cur, ok), until: max(nanos(until), ent.until)}
}

// Get returns the live value under k.
func (e *Map[K, V]) Get(k K) (V, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ent, ok := e.m[k]
	if ok && e.now().UnixNano() > ent.until {
		delete(e.m, k)
		ok = false
	}
	if !ok {
		var zero V
		return zero, false
	}
	return ent.v, true
}

// Len returns the number of entries, live or not yet swept.
func (e *Map[K, V]) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.m)
}

// sweep makes room; e.mu is held.
func (e *Map[K, V]) sweep() {
	t := e.now().UnixNano()
	for k, ent := range e.m {
		if t > ent.until {
			delete(e.m, k)
		}
	}
	low := min(e.max-e.max/10, e.max-1) // room for the entry being put
	for k := range e.m {
		if len(e.m) <= low {
			break
		}
		delete(e.m, k)
	}
}
