package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The packages are found by the variable's name in their tests, in every
// module (a folder with a go.mod of its own too: the test command runs
// every module); non-test files, testdata and hidden folders do not count.
func TestPackagesUsing(t *testing.T) {
	root := t.TempDir()
	for name, text := range map[string]string{
		"a/a_test.go":        `os.Getenv("DANCE_TEST_REDIS_ADDR")`,
		"b/b.go":             `os.Getenv("DANCE_TEST_REDIS_ADDR")`,
		"sub/go.mod":         "module sub",
		"sub/c/c_test.go":    `os.Getenv("DANCE_TEST_REDIS_ADDR")`,
		"d/d_test.go":        `"DANCE_TEST_POSTGRES_DSN" "DANCE_TEST_REDIS_ADDR"`,
		"d/more_test.go":     `"DANCE_TEST_POSTGRES_DSN"`,
		"root_test.go":       `"DANCE_TEST_MYSQL_DSN"`,
		".git/x/x_test.go":   `"DANCE_TEST_MYSQL_DSN"`,
		"testdata/t_test.go": `"DANCE_TEST_MYSQL_DSN"`,
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root)
	uses, err := packagesUsing(".")
	if err != nil {
		t.Fatal(err)
	}
	for env, want := range map[string][]string{
		"DANCE_TEST_REDIS_ADDR":   {"./a/", "./d/", "./sub/c/"},
		"DANCE_TEST_POSTGRES_DSN": {"./d/"},
		"DANCE_TEST_MYSQL_DSN":    {"./ (the root package)"},
	} {
		if got := uses[env]; !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", env, got, want)
		}
	}
}
