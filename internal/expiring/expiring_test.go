package expiring

import (
	"math"
	"reflect"
	"testing"
	"time"
)

// TestReplayCacheHoldsNoPointers checks that an entry of the replay
// cache's map holds no pointer, so that the garbage collector never scans
// the map: with a time.Time in the entry (its *Location), every cycle
// walked up to every entry of a full replay cache.
func TestReplayCacheHoldsNoPointers(t *testing.T) {
	var key [32]byte
	for _, typ := range []reflect.Type{reflect.TypeOf(key), reflect.TypeFor[entry[struct{}]]()} {
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
	e := New[string, int](10, time.Now)
	e.Put("future", 1, time.Unix(math.MaxInt64/2, 0))
	e.Put("past", 2, time.Unix(math.MinInt64/2, 0))
	e.Put("soon", 3, time.Now().Add(time.Minute))
	e.Put("gone", 4, time.Now().Add(-time.Nanosecond))
	for k, live := range map[string]bool{"future": true, "past": false, "soon": true, "gone": false} {
		if _, ok := e.Get(k); ok != live {
			t.Errorf("%s: live %v, want %v", k, ok, live)
		}
	}
	if !e.PutNew("past", 5, time.Now().Add(time.Minute)) || e.PutNew("soon", 6, time.Now().Add(time.Minute)) {
		t.Error("putNew: an expired key must take a new value and a live one must not")
	}
	if got, want := nanos(time.Unix(1, 5)), int64(time.Second+5); got != want {
		t.Errorf("nanos = %d, want %d", got, want)
	}
}

// model is what Map stands in for: a plain map of values and their
// expiry as time.Time, which never forgets a live entry.
type model map[byte]struct {
	v     int
	until time.Time
}

func (m model) live(k byte, now time.Time) (int, bool) {
	e, ok := m[k]
	return e.v, ok && !now.After(e.until)
}

// FuzzMapMatchesModel holds Map to the plain map with time.Time expiry
// that it replaces to keep pointers out of the garbage collector's way.
// ops is read four bytes at a time: the operation, the key, how far the
// clock moves (milliseconds) and the expiry from now (milliseconds, signed;
// 127 and -128 stand for times far beyond int64 nanoseconds). Map may forget
// a live entry only to stay within its bound; it never answers a value
// the model does not hold, or an expired one.
func FuzzMapMatchesModel(f *testing.F) {
	f.Add(uint8(4), []byte{0, 1, 0, 10, 2, 1, 5, 0, 2, 1, 6, 0, 1, 1, 0, 20})
	f.Add(uint8(2), []byte{0, 1, 0, 127, 0, 2, 0, 0x80, 0, 3, 0, 5, 2, 1, 0, 0, 2, 2, 0, 0, 1, 2, 0, 9})
	f.Add(uint8(1), []byte{1, 7, 0, 1, 1, 7, 1, 1, 1, 7, 2, 1, 3, 0, 0, 0})
	f.Fuzz(func(t *testing.T, bound uint8, ops []byte) {
		max := int(bound%16) + 1
		now := time.Unix(1750000000, 0)
		m := New[byte, int](max, func() time.Time { return now })
		want := model{}
		for i := 0; i+3 < len(ops); i += 4 {
			op, k := ops[i]%4, ops[i+1]%8
			now = now.Add(time.Duration(ops[i+2]) * time.Millisecond)
			until := now.Add(time.Duration(int8(ops[i+3])) * time.Millisecond)
			switch int8(ops[i+3]) {
			case 127:
				until = time.Unix(math.MaxInt64/2, 0)
			case -128:
				until = time.Unix(math.MinInt64/2, 0)
			}
			switch op {
			case 0:
				m.Put(k, i, until)
				want[k] = struct {
					v     int
					until time.Time
				}{i, until}
			case 1:
				_, live := want.live(k, now)
				put := m.PutNew(k, i, until)
				if !put && !live {
					t.Fatalf("op %d: PutNew(%d) refused with no live value", i, k)
				}
				if put {
					want[k] = struct {
						v     int
						until time.Time
					}{i, until}
				}
			case 2:
				v, ok := m.Get(k)
				wv, live := want.live(k, now)
				if ok && (!live || v != wv) {
					t.Fatalf("op %d: Get(%d) = %d, want %d (live %v)", i, k, v, wv, live)
				}
				if !ok {
					delete(want, k) // forgotten, or expired
				}
			case 3:
				if n := m.Len(); n > max {
					t.Fatalf("op %d: %d entries, bound %d", i, n, max)
				}
			}
		}
	})
}
