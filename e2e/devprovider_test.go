package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// runDevProvider builds and starts cmd/dance-provider on a free port and
// returns its origin. It is stopped when the test ends.
func runDevProvider(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "dance-provider")
	build := exec.Command("go", "build", "-o", bin, "./cmd/dance-provider")
	build.Dir = root(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building dance-provider: %v\n%s", err, out)
	}
	port := freePort(t)
	cmd := exec.Command(bin, "-addr", "127.0.0.1:"+port)
	cmd.Env = os.Environ()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`^dance-provider: (http://\S+)`)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		waitListening(t, port)
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("dance-provider printed no origin")
	}
	return ""
}

// The multiprovider example through `go run ./cmd/dance-provider` and its
// -dev-provider flag: log in with GitHub by picking a persona on the
// development provider's sign-in page, then link Google the same way.
func TestDevProviderMultiprovider(t *testing.T) {
	chromium(t)
	dev := runDevProvider(t)
	home := runExampleArgs(t, "multiprovider", []string{"-dev-provider", dev}, append(offline,
		"DATABASE="+filepath.Join(t.TempDir(), "multiprovider.db"))...)
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(home))
	run(t, ctx, chromedp.Click(chromedp.CSS("#login-github")))
	text(t, ctx, "#persona-bob")
	text(t, ctx, "#deny")
	screenshot(t, ctx, "devprovider-sign-in")
	run(t, ctx, chromedp.Click(chromedp.CSS("#persona-bob")))
	if got := text(t, ctx, "#greeting"); got != "Hello, Bob Builder (user 1)" {
		t.Fatalf("greeting = %q", got)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#link-google")))
	run(t, ctx, chromedp.Click(chromedp.CSS("#persona-bob")))
	if got := text(t, ctx, "#flash-0"); got != "Linked google." {
		t.Fatalf("flash after linking Google = %q", got)
	}
	text(t, ctx, "#linked-github")
	text(t, ctx, "#linked-google")
	screenshot(t, ctx, "devprovider-multiprovider")
}
