// Package e2e drives the examples in a real browser (headless Chromium
// through chromedp): cookies, SameSite, cross-origin redirects and the
// consent page, as a person clicks them. It is its own module so that
// chromedp stays out of the library's go.mod.
//
// The tests skip when no Chromium is found, unless DANCE_E2E=1 (as in CI),
// when they fail instead. With E2E_ARTIFACTS set, each flow saves a
// screenshot of its last page there.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium returns the browser's path, or skips (or fails, with
// DANCE_E2E=1) the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("DANCE_E2E") == "1" {
		t.Fatal("DANCE_E2E=1 but no chromium found (apt-get install chromium)")
	}
	t.Skip("no chromium found; set DANCE_E2E=1 to make this a failure")
	return ""
}

// browser starts a fresh headless Chromium (new profile) for one flow.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// screenshot saves the current page under $E2E_ARTIFACTS.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("E2E_ARTIFACTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	_ = os.MkdirAll(dir, 0o755)
	_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}

// root is the repository root (the parent of this module).
func root(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// runExample builds and starts _example/NAME on a free port with env, and
// returns the URL it prints. The process is stopped when the test ends.
func runExample(t *testing.T, name string, env ...string) string {
	t.Helper()
	return runExampleArgs(t, name, nil, env...)
}

// runExampleArgs is runExample with command-line arguments. It builds
// in the example's folder, so that an example with a go.mod of its own
// (redis, rekey) builds in its module.
func runExampleArgs(t *testing.T, name string, args []string, env ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join(root(t), "_example", name)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, out)
	}
	port := freePort(t)
	cmd := exec.Command(bin, args...)
	// No credentials: every example runs offline against its fake. The
	// caller's env comes last, so that it wins.
	cmd.Env = append(os.Environ(), append([]string{"PORT=" + port, "GIN_MODE=release",
		"GITHUB_OAUTH_CLIENT_ID=", "GITHUB_OAUTH_CLIENT_SECRET=",
		"GOOGLE_OAUTH_CLIENT_ID=", "GOOGLE_OAUTH_CLIENT_SECRET=",
		"TWITTER_OAUTH_CLIENT_KEY=", "TWITTER_OAUTH_CLIENT_SECRET=",
		"OAUTH_EXAMPLE_OAUTH_CLIENT_ID=", "OAUTH_EXAMPLE_OAUTH_CLIENT_SECRET="}, env...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`open (http://\S+)`)
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
		t.Fatalf("%s printed no URL to open", name)
	}
	return ""
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

func waitListening(t *testing.T, port string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on port %s", port)
}

// text waits for the element sel and returns its text.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		fail(t, ctx, fmt.Errorf("waiting for %s: %w", sel, err))
	}
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		fail(t, ctx, err)
	}
	return strings.TrimSpace(s)
}

// run runs the actions, failing the test with the page it is on.
func run(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		fail(t, ctx, err)
	}
}

func fail(t *testing.T, ctx context.Context, err error) {
	t.Helper()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	page, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	t.Fatalf("%v at %s\npage:\n%s", err, loc, page)
}

// location returns the page's URL.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		fail(t, ctx, err)
	}
	return loc
}

// The quickstart: log in through the fake provider's consent page (on
// another origin), come back greeted, stay logged in across a reload; and
// in a second browser, deny and see the error hook's message.
func TestQuickstart(t *testing.T) {
	chromium(t)
	home := runExample(t, "quickstart")

	t.Run("authorize", func(t *testing.T) {
		ctx := browser(t)
		login(t, ctx, home, "authorize")
		greeted(t, ctx, "You are @octocat on GitHub")
		screenshot(t, ctx, "quickstart-authorized")
	})
	t.Run("deny", func(t *testing.T) {
		ctx := browser(t)
		login(t, ctx, home, "deny")
		denied(t, ctx, "Login with GitHub failed: The user denied the request.")
		screenshot(t, ctx, "quickstart-denied")
		// The denied login's callback, played again with a forged
		// state: the error hook flashes but does not answer, so dance
		// answers with its HTML page, which shows no internal error.
		errorPage(t, ctx, home+"login/github/authorized?state=forged&code=forged",
			"This login link is not valid, has expired or was already used.")
		screenshot(t, ctx, "quickstart-error-page")
	})
}

func sameOrigin(a, b string) bool {
	origin := func(s string) string {
		if i := strings.Index(s[len("http://"):], "/"); i >= 0 {
			return s[:len("http://")+i]
		}
		return s
	}
	return origin(a) == origin(b)
}

// login opens home, clicks the login link, checks that the consent page is
// on another origin than the app, and presses button ("authorize" or
// "deny") there.
func login(t *testing.T, ctx context.Context, home, button string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(home), chromedp.Click(chromedp.CSS("#login")))
	text(t, ctx, "#"+button)
	if consent := location(t, ctx); sameOrigin(consent, home) {
		t.Fatalf("consent page %s is not on another origin than %s", consent, home)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+button)))
}

// greeted checks the page's greeting, reloads, and checks that the user is
// still logged in.
func greeted(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if got := text(t, ctx, "#greeting"); got != want {
		t.Fatalf("greeting = %q, want %q", got, want)
	}
	run(t, ctx, chromedp.Reload())
	if got := text(t, ctx, "#greeting"); got != want {
		t.Fatalf("after reload: %q, want %q", got, want)
	}
}

// denied checks the error hook's message and that nobody is logged in.
func denied(t *testing.T, ctx context.Context, flash string) {
	t.Helper()
	if got := text(t, ctx, "#flash"); got != flash {
		t.Fatalf("flash = %q, want %q", got, flash)
	}
	loggedOut(t, ctx)
}

// errorPage opens url and checks dance's default HTML error page: the
// stage's sentence, an error ID, a link to start again, and no internal
// error text.
func errorPage(t *testing.T, ctx context.Context, url, sentence string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(url))
	if got := text(t, ctx, "h1 + p"); got != sentence {
		t.Fatalf("error page sentence = %q, want %q", got, sentence)
	}
	page := text(t, ctx, "body")
	if !strings.Contains(page, "Error ID: ") || !strings.Contains(page, "Start again") || strings.Contains(page, "dance:") {
		t.Fatalf("error page:\n%s", page)
	}
}

// loggedOut fails the test if the page greets anyone.
func loggedOut(t *testing.T, ctx context.Context) {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#greeting").length`))
	if err != nil || n != 0 {
		t.Fatal("logged in after denying")
	}
}

// The Twitter example (OAuth 1): authorize on the fake's consent page,
// come back greeted by screen name, stay logged in across a reload; and in
// a second browser, deny and see the error hook's message.
func TestTwitter(t *testing.T) {
	chromium(t)
	home := runExample(t, "twitter")

	t.Run("authorize", func(t *testing.T) {
		ctx := browser(t)
		login(t, ctx, home, "authorize")
		greeted(t, ctx, "You are @twitterdev on Twitter")
		screenshot(t, ctx, "twitter-authorized")
	})
	t.Run("deny", func(t *testing.T) {
		ctx := browser(t)
		login(t, ctx, home, "deny")
		denied(t, ctx, "Login with Twitter failed: you did not authorize this app.")
		screenshot(t, ctx, "twitter-denied")
	})
}

// The Google example: authorize, and the page shows the verified ID token
// claims and the profile; expiring the token makes the next page refresh
// it; denying shows the error hook's message.
func TestGoogle(t *testing.T) {
	chromium(t)
	home := runExample(t, "google")

	t.Run("authorize", func(t *testing.T) {
		ctx := browser(t)
		login(t, ctx, home, "authorize")
		if got := text(t, ctx, "#greeting"); got != "You are Ada Lovelace <ada@example.com> on Google" {
			t.Fatalf("greeting = %q", got)
		}
		for sel, want := range map[string]string{
			"#claim-iss":   "https://accounts.google.com",
			"#claim-sub":   "108204268033311374519",
			"#claim-email": "ada@example.com",
		} {
			if got := text(t, ctx, sel); got != want {
				t.Fatalf("%s = %q, want %q", sel, got, want)
			}
		}
		screenshot(t, ctx, "google-authorized")
	})
	t.Run("refresh", func(t *testing.T) {
		ctx := browser(t)
		login(t, ctx, home, "authorize")
		text(t, ctx, "#greeting")
		run(t, ctx, chromedp.Click(chromedp.CSS("#expire")))
		if got := text(t, ctx, "#flash"); !strings.HasPrefix(got, "Your access token had expired; dance refreshed it.") {
			t.Fatalf("flash = %q", got)
		}
		if got := text(t, ctx, "#greeting"); got != "You are Ada Lovelace <ada@example.com> on Google" {
			t.Fatalf("after the refresh: %q", got)
		}
		screenshot(t, ctx, "google-refreshed")
	})
	t.Run("deny", func(t *testing.T) {
		ctx := browser(t)
		login(t, ctx, home, "deny")
		denied(t, ctx, "Login with Google failed: The user denied the request.")
		screenshot(t, ctx, "google-denied")
	})
}

// The custom example (the generic OAuth 2 blueprint): authorize, greeted,
// still logged in after a reload.
func TestCustom(t *testing.T) {
	chromium(t)
	home := runExample(t, "custom")

	t.Run("authorize", func(t *testing.T) {
		ctx := browser(t)
		login(t, ctx, home, "authorize")
		greeted(t, ctx, "You are octocat at OAuth Example")
		screenshot(t, ctx, "custom-authorized")
	})
}
