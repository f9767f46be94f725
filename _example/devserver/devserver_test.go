package devserver_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var openLine = regexp.MustCompile(`^open (http://localhost:([0-9]+)/)( |$)`)

// Acceptance 4: every example, started as a new user starts it (no
// credentials, PORT=0 for a free port), prints "open http://localhost:PORT/"
// as its first line of standard output, then which provider it uses (the
// fake, here), with no Gin debug banner anywhere; the URL answers with a
// page that has a heading.
func TestExamplesFirstLineIsTheURL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every example")
	}
	bin := t.TempDir()
	// Every example that serves pages; rekey is a command-line tool.
	mains, err := filepath.Glob("../*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range mains {
		if name := filepath.Base(filepath.Dir(m)); name != "rekey" {
			names = append(names, name)
		}
	}
	if len(names) < 7 {
		t.Fatalf("found only the examples %v", names)
	}
	// Each in its own folder, so that an example with a go.mod of its own
	// (redis) builds in its module.
	for _, n := range names {
		build := exec.Command("go", "build", "-o", filepath.Join(bin, n), ".")
		build.Dir = filepath.Join("..", n)
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", n, err, out)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			env := exampleEnv(t, name)
			cmd := exec.Command(filepath.Join(bin, name))
			cmd.Env, cmd.Dir = env, t.TempDir()
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
			if err != nil {
				t.Fatal(err)
			}
			defer errFile.Close()
			cmd.Stderr = errFile
			stderr := func() string { b, _ := os.ReadFile(errFile.Name()); return string(b) }
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

			lines := make(chan string, 8)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			next := func(what string) string {
				select {
				case l, ok := <-lines:
					if !ok {
						t.Fatalf("the example exited before printing %s; stderr:\n%s", what, stderr())
					}
					return l
				case <-time.After(30 * time.Second):
					t.Fatalf("no %s within 30 s; stderr:\n%s", what, stderr())
				}
				return ""
			}
			first := next("its first line")
			m := openLine.FindStringSubmatch(first)
			if m == nil || m[2] == "0" {
				t.Fatalf("first line %q, want \"open http://localhost:PORT/\"", first)
			}
			if second := next("which provider it uses"); !strings.Contains(second, "fake provider at http://127.0.0.1:") {
				t.Errorf("second line %q does not say that the provider is the fake", second)
			}
			resp, err := http.Get(m[1])
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("<h1")) || !bytes.Contains(page, []byte("<style")) {
				t.Errorf("GET %s: %d, want 200 and a page with a heading and a style:\n%s", m[1], resp.StatusCode, page)
			}
			if strings.Contains(stderr(), "GIN-debug") {
				t.Errorf("Gin's debug output is shown:\n%s", stderr())
			}
		})
	}
}

// exampleEnv is the environment of a new user's first run: no provider
// credentials, no GIN_MODE, a free port, and the example's own files in
// temporary places.
func exampleEnv(t *testing.T, name string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.Contains(k, "_OAUTH_") || k == "GIN_MODE" || k == "PORT" || k == "PORT_B" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "PORT=0")
	switch name {
	case "multiuser":
		env = append(env, "MULTIUSER_DB="+filepath.Join(t.TempDir(), "multiuser.db"))
	case "multiprovider":
		env = append(env, "DATABASE="+filepath.Join(t.TempDir(), "multiprovider.db"))
	case "redis":
		dsn, addr := os.Getenv("DANCE_TEST_POSTGRES_DSN"), os.Getenv("DANCE_TEST_REDIS_ADDR")
		if dsn == "" || addr == "" {
			t.Skip("the redis example needs PostgreSQL and Redis: set DANCE_TEST_POSTGRES_DSN and DANCE_TEST_REDIS_ADDR")
		}
		env = append(env, "PORT_B=0", "DATABASE_URL="+dsn, "REDIS_ADDR="+addr,
			fmt.Sprintf("PREFIX=dance_firstline_%d_", time.Now().UnixNano()))
	}
	return env
}
