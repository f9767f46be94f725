package dance

import (
	"math"
	"reflect"
	"testing"
	"time"
)

// TestReplayCacheHoldsNoPointers checks that an entry of the replay
// cache's map holds no pointer, so that the garbage collector never scans
// the map: with a time.Time in the entry (its *Location), every cycle
// walked up to replayCacheMax entries.
func TestReplayCacheHoldsNoPointers(t *testing.T) {
	var key [32]byte
	for _, typ := range []reflect.Type{reflect.TypeOf(key), reflect.TypeFor[expiringEntry[struct{}]]()} {
		if hasPointers(typ) {
			t.Errorf("%v holds a pointer", typ)
		}
	}
}

func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Slice, reflect.String,
		reflect.Interface, reflect.Chan, reflect.Func:
		return true
	}
	return false
}

// TestExpiringEdges checks expiry at the edges of int64 nanoseconds: a
// time far in the future stays live, one far in the past is gone.
func TestExpiringEdges(t *testing.T) {
	e := newExpiring[string, int](10)
	e.put("future", 1, time.Unix(math.MaxInt64/2, 0))
	e.put("past", 2, time.Unix(math.MinInt64/2, 0))
	e.put("soon", 3, now().Add(time.Minute))
	e.put("gone", 4, now().Add(-time.Nanosecond))
	for k, live := range map[string]bool{"future": true, "past": false, "soon": true, "gone": false} {
		if _, ok := e.get(k); ok != live {
			t.Errorf("%s: live %v, want %v", k, ok, live)
		}
	}
	if !e.putNew("past", 5, now().Add(time.Minute)) || e.putNew("soon", 6, now().Add(time.Minute)) {
		t.Error("putNew: an expired key must take a new value and a live one must not")
	}
	if got, want := nanos(time.Unix(1, 5)), int64(time.Second+5); got != want {
		t.Errorf("nanos = %d, want %d", got, want)
	}
}
