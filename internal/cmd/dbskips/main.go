// Command dbskips says, at the end of a test run, which database tests
// skipped because their DANCE_TEST_* variable is unset, and in which
// packages: go test reports a skip only with -v, so a green run could
// hide that PostgreSQL, MariaDB or Redis were never touched.
//
// Run it from the repository's root, after the test command of README.md,
// which runs the tests of every module of the repository (the root, redis,
// integration, the examples with a go.mod of their own, …). It finds the
// packages by the variable's name in their _test.go files, in every
// module.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// services are the variables that turn on the database tests.
var services = []struct{ env, what, example string }{
	{"DANCE_TEST_POSTGRES_DSN", "PostgreSQL", "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable"},
	{"DANCE_TEST_MYSQL_DSN", "MariaDB/MySQL", "root@tcp(127.0.0.1:3306)/test?parseTime=true"},
	{"DANCE_TEST_REDIS_ADDR", "Redis", "127.0.0.1:6379"},
}

func main() {
	uses, err := packagesUsing(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbskips:", err)
		os.Exit(1)
	}
	skipped := 0
	for _, s := range services {
		if os.Getenv(s.env) != "" {
			continue
		}
		skipped++
		fmt.Printf("skipped: the %s tests of %s (set %s, e.g. %q)\n", s.what, strings.Join(uses[s.env], ", "), s.env, s.example)
	}
	if skipped == 0 {
		fmt.Println("no database tests skipped: PostgreSQL, MariaDB/MySQL and Redis were all used")
	}
}

// packagesUsing maps each variable to the directories under root whose
// _test.go files name it.
func packagesUsing(root string) (map[string][]string, error) {
	uses := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Other modules (redis, integration, …) are part of the run too.
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := "./" + filepath.ToSlash(filepath.Dir(path)) + "/"
		if dir == "././" {
			dir = "./ (the root package)"
		}
		for _, s := range services {
			if strings.Contains(string(b), s.env) && !slices.Contains(uses[s.env], dir) {
				uses[s.env] = append(uses[s.env], dir)
			}
		}
		return nil
	})
	return uses, err
}
