package storage_test

import (
	"testing"

	"github.com/gin-dance/dance/storage"
)

// plain hides Memory's CompareAndDelete, to test the generic fallback.
type plain struct{ storage.Storage }

// TestCompareAndDelete checks both paths: Memory's atomic one and the
// read-compare-delete fallback.
func TestCompareAndDelete(t *testing.T) {
	for name, wrap := range map[string]func(*storage.Memory) storage.Storage{
		"memory":   func(m *storage.Memory) storage.Storage { return m },
		"fallback": func(m *storage.Memory) storage.Storage { return plain{m} },
	} {
		t.Run(name, func(t *testing.T) {
			m := storage.NewMemory(&storage.Token{AccessToken: "at-2", RefreshToken: "rt-2"})
			s := wrap(m)
			cur, err := storage.CompareAndDelete(s, nil, "fake", "rt-1")
			if err != nil || cur == nil || cur.RefreshToken != "rt-2" {
				t.Fatalf("on a newer token: %+v, %v; want it kept and returned", cur, err)
			}
			if got, _ := m.Get(nil, "fake"); got == nil {
				t.Fatal("the newer token was deleted")
			}
			cur, err = storage.CompareAndDelete(s, nil, "fake", "rt-2")
			if err != nil || cur != nil {
				t.Fatalf("on the refused token: %+v, %v; want nil, nil", cur, err)
			}
			if got, _ := m.Get(nil, "fake"); got != nil {
				t.Fatal("the refused token was kept")
			}
		})
	}
}
