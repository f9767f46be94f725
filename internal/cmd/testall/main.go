// Command testall runs go test in every module of the repository: the
// root module (with the examples that belong to it, which ./... skips
// because their folder starts with "_"), and each folder with a go.mod of
// its own (redis, integration, otel, bench, e2e, the examples that have
// their own). Its arguments go to every go test; it prints each command
// before it runs it, runs them all, and exits 1 if any failed.
//
//	go run ./internal/cmd/testall -race && go run ./internal/cmd/dbskips
//
// Run it from the repository's root. It is the test command of README.md
// and of .ci/run.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	mods, err := modules(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testall:", err)
		os.Exit(2)
	}
	var failed []string
	for _, m := range mods {
		args := append(append([]string{"test"}, os.Args[1:]...), m.patterns...)
		fmt.Printf("== %s: go %s\n", m.dir, strings.Join(args, " "))
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = m.dir, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			failed = append(failed, m.dir)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(os.Stderr, "testall: the tests failed in %s\n", strings.Join(failed, ", "))
		os.Exit(1)
	}
}

// module is a folder with a go.mod, and the packages to test there.
type module struct {
	dir      string   // relative to the root, "." for the root
	patterns []string // "./..." and the module's examples
}

// modules returns the modules under root, the root first, each with
// "./..." and its _example/NAME folders that have no go.mod of their own.
// Hidden folders and testdata are skipped.
func modules(root string) ([]module, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "go.mod" {
			rel, err := filepath.Rel(root, filepath.Dir(path))
			if err != nil {
				return err
			}
			dirs = append(dirs, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(dirs) // "." sorts first
	var mods []module
	for _, dir := range dirs {
		m := module{dir: dir, patterns: []string{"./..."}}
		examples, err := filepath.Glob(filepath.Join(root, dir, "_example", "*", "*.go"))
		if err != nil {
			return nil, err
		}
		for _, f := range examples {
			ex := filepath.Dir(f)
			if _, err := os.Stat(filepath.Join(ex, "go.mod")); err == nil {
				continue // a module of its own
			}
			p := "./_example/" + filepath.Base(ex) + "/"
			if !slices.Contains(m.patterns, p) {
				m.patterns = append(m.patterns, p)
			}
		}
		mods = append(mods, m)
	}
	return mods, nil
}
