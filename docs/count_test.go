package docs

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/gin-dance/dance/internal/presets"
)

// TestReadmeCountsPresets: the README says how many presets contrib has,
// and the number is presets.All's, so that adding a preset without
// saying so in the README fails.
func TestReadmeCountsPresets(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("\\| Providers \\|[^|]*\\| ([0-9]+) presets in `contrib`").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md's comparison table has no \"N presets in `contrib`\" in its Providers row")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != len(presets.All) {
		t.Errorf("README.md says %d presets, contrib has %d", n, len(presets.All))
	}
}
