package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Every module is found, the root first, each with ./... and the
// examples that belong to it: an example with a go.mod of its own is a
// module, not a pattern of the root; hidden folders and testdata do not
// count.
func TestModules(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{
		"go.mod", "a.go",
		"_example/one/main.go", "_example/one/main_test.go",
		"_example/two/main.go",
		"_example/own/go.mod", "_example/own/main.go",
		"_example/empty/README.md",
		"redis/go.mod", "redis/lock/lock.go",
		"integration/go.mod", "integration/x_test.go",
		".git/go.mod", "testdata/go.mod", "pkg/testdata/go.mod",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := modules(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []module{
		{".", []string{"./...", "./_example/one/", "./_example/two/"}},
		{"_example/own", []string{"./..."}},
		{"integration", []string{"./..."}},
		{"redis", []string{"./..."}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("modules:\n got %v\nwant %v", got, want)
	}
}
