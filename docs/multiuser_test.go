package docs

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance/dancetest"
)

// Acceptance 1: the whole program of multi-user.md, exactly as the page
// shows it, builds and runs: a first dance creates the user and logs them
// in, /me then reads their token through the GORM storage, and after a
// logout a second dance logs the same user in again. It leaves Gin's mode
// to GIN_MODE (issue 27): run with GIN_MODE=debug, Gin's debug lines come
// before the program's "open" line.
func TestMultiUserProgramRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	root := repoRoot(t)
	bs, err := blocks(root, "docs/multi-user.md")
	if err != nil {
		t.Fatal(err)
	}
	var src string
	for _, b := range bs {
		if strings.HasPrefix(b.Src, "package main\n") {
			if src != "" {
				t.Fatal("multi-user.md has two whole programs")
			}
			src = b.Src
		}
	}
	if src == "" {
		t.Fatal("multi-user.md has no whole program (a block starting with \"package main\")")
	}
	dir, write := module(t, root)
	write("main.go", src)
	bin := filepath.Join(dir, "app")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of multi-user.md's program: %v\n%s", err, out)
	}

	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITHUB_OAUTH_") && !strings.HasPrefix(kv, "GIN_MODE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PORT=0", "DB="+filepath.Join(cmd.Dir, "app.db"), "GIN_MODE=debug")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	// The "open" line, and whether Gin's debug lines came before it.
	first := make(chan string, 1)
	debug := false
	go func() {
		rd := bufio.NewReader(stdout)
		for {
			line, err := rd.ReadString('\n')
			debug = debug || strings.HasPrefix(line, "[GIN-debug]")
			if strings.HasPrefix(line, "open ") || err != nil {
				first <- line
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var base string
	select {
	case line := <-first:
		m := regexp.MustCompile(`^open (http://\S+/)\n$`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("no line \"open http://…/\" (the last: %q)", line)
		}
		if !debug {
			t.Fatal("no [GIN-debug] line before the open line with GIN_MODE=debug: the program does not leave Gin's mode to GIN_MODE")
		}
		base = m[1]
	case <-time.After(30 * time.Second):
		t.Fatal("the program printed nothing in 30 s")
	}

	br := dancetest.NewBrowser(t)
	page := func(path string) string {
		t.Helper()
		resp := br.Get(base + path)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	want := dancetest.Want{Stored: "/me"}
	br.Dance(base+"login/github", want)
	if got := page(""); !strings.Contains(got, "You are The Octocat (user 1).") || !strings.Contains(got, "Signed in as The Octocat") {
		t.Fatalf("home after the first login:\n%s", got)
	}
	if got := page("me"); got != "You are octocat on GitHub" {
		t.Fatalf("/me: %q", got)
	}
	resp, err := br.Post(base+"logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := page(""); !strings.Contains(got, `href="/login/github"`) {
		t.Fatalf("home after logout:\n%s", got)
	}
	br.Dance(base+"login/github", want)
	if got := page(""); !strings.Contains(got, "You are The Octocat (user 1).") {
		t.Fatalf("home after logging in again (the same user, not a new one):\n%s", got)
	}
}
