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
// logout a second dance logs the same user in again.
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
		if !strings.HasPrefix(kv, "GITHUB_OAUTH_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PORT=0", "DB="+filepath.Join(cmd.Dir, "app.db"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	first := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		first <- line
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var base string
	select {
	case line := <-first:
		m := regexp.MustCompile(`^open (http://\S+/)\n$`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first line %q, want \"open http://…/\"", line)
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
