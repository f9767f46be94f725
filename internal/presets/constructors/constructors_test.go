package constructors

import "testing"

// TestListMatchesPresets: every provider of presets.All has its
// constructor here, under its Config type, and no constructor is left
// over.
func TestListMatchesPresets(t *testing.T) {
	if err := Check(); err != nil {
		t.Fatal(err)
	}
	if len(Ordered()) != len(ByConfig) {
		t.Fatalf("%d ordered constructors, %d listed", len(Ordered()), len(ByConfig))
	}
}
