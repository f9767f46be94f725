package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// offline clears every provider's credentials, so that the examples start
// their fake providers.
var offline = []string{
	"GOOGLE_OAUTH_CLIENT_ID=", "GOOGLE_OAUTH_CLIENT_SECRET=",
	"GITLAB_OAUTH_CLIENT_ID=", "GITLAB_OAUTH_CLIENT_SECRET=",
}

// authorize follows a "log in" or "link" link to the fake provider's
// consent page, which must be on another origin than home, and clicks
// Authorize there.
func authorize(t *testing.T, ctx context.Context, home, link string) {
	t.Helper()
	run(t, ctx, chromedp.Click(chromedp.CSS(link)))
	text(t, ctx, "#authorize")
	if consent := location(t, ctx); sameOrigin(consent, home) {
		t.Fatalf("consent page %s is not on another origin than %s", consent, home)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#authorize")))
}

// count returns how many elements match sel on the current page.
func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		fail(t, ctx, err)
	}
	return n
}

func jsString(s string) string { return `"` + s + `"` } // selectors here hold no quotes

// The multiuser example: the first login with GitHub creates local user 1;
// a second login, in a fresh browser with no cookies, finds that user.
func TestMultiuser(t *testing.T) {
	chromium(t)
	home := runExample(t, "multiuser", append(offline, "MULTIUSER_DB="+filepath.Join(t.TempDir(), "multiuser.db"))...)

	t.Run("first login creates the user", func(t *testing.T) {
		ctx := browser(t)
		run(t, ctx, chromedp.Navigate(home))
		authorize(t, ctx, home, "#login-github")
		if got := text(t, ctx, "#greeting"); got != "Hello, The Octocat (user 1)" {
			t.Fatalf("greeting = %q", got)
		}
		if got := text(t, ctx, "#flash-0"); got != "Successfully signed in with github." {
			t.Fatalf("flash = %q", got)
		}
		text(t, ctx, "#linked-github")
		screenshot(t, ctx, "multiuser-first-login")
	})
	t.Run("second login finds the user", func(t *testing.T) {
		ctx := browser(t)
		run(t, ctx, chromedp.Navigate(home))
		authorize(t, ctx, home, "#login-github")
		if got := text(t, ctx, "#greeting"); got != "Hello, The Octocat (user 1)" {
			t.Fatalf("greeting in a fresh browser = %q", got)
		}
		run(t, ctx, chromedp.Reload())
		if got := text(t, ctx, "#greeting"); got != "Hello, The Octocat (user 1)" {
			t.Fatalf("after reload: %q", got)
		}
		screenshot(t, ctx, "multiuser-second-login")
	})
}

// The multiprovider example: log in with GitHub, link Google (whose
// consent page is on a third origin), see both listed; log out and log in
// with Google: the same user, with both providers.
func TestMultiprovider(t *testing.T) {
	chromium(t)
	home := runExample(t, "multiprovider", append(offline, "DATABASE="+filepath.Join(t.TempDir(), "multiprovider.db"))...)
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(home))

	authorize(t, ctx, home, "#login-github")
	if got := text(t, ctx, "#greeting"); got != "Hello, The Octocat (user 1)" {
		t.Fatalf("greeting = %q", got)
	}
	authorize(t, ctx, home, "#link-google")
	if got := text(t, ctx, "#flash-0"); got != "Linked google." {
		t.Fatalf("flash after linking = %q", got)
	}
	text(t, ctx, "#linked-github")
	text(t, ctx, "#linked-google")
	if n := count(t, ctx, "#linked li"); n != 2 {
		t.Fatalf("%d linked providers listed, want 2", n)
	}
	if got := text(t, ctx, "#greeting"); got != "Hello, The Octocat (user 1)" {
		t.Fatalf("greeting after linking = %q", got)
	}
	screenshot(t, ctx, "multiprovider-linked")

	run(t, ctx, chromedp.Click(chromedp.CSS("#logout")))
	text(t, ctx, "#login-google")
	if count(t, ctx, "#greeting") != 0 {
		t.Fatal("still greeted after logging out")
	}
	authorize(t, ctx, home, "#login-google")
	if got := text(t, ctx, "#greeting"); got != "Hello, The Octocat (user 1)" {
		t.Fatalf("greeting after logging in with Google = %q", got)
	}
	text(t, ctx, "#linked-github")
	text(t, ctx, "#linked-google")
	screenshot(t, ctx, "multiprovider-second-provider")
}

// The redis example: two app instances on two ports sharing PostgreSQL and
// Redis. Log in on A; open B in the same browser: logged in; log out on B;
// A shows the user logged out.
func TestRedis(t *testing.T) {
	dsn, addr := os.Getenv("DANCE_TEST_POSTGRES_DSN"), os.Getenv("DANCE_TEST_REDIS_ADDR")
	if dsn == "" || addr == "" {
		t.Skip("DANCE_TEST_POSTGRES_DSN and DANCE_TEST_REDIS_ADDR are not both set")
	}
	chromium(t)
	b := make([]byte, 4)
	rand.Read(b)
	prefix := "dance_e2e_redis_" + hex.EncodeToString(b) + "_"
	t.Cleanup(func() { dropPrefix(t, dsn, addr, prefix) })
	portB := freePort(t)
	homeA := runExample(t, "redis", "PORT_B="+portB, "DATABASE_URL="+dsn, "REDIS_ADDR="+addr, "PREFIX="+prefix)
	waitListening(t, portB)
	homeB := "http://localhost:" + portB + "/"

	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(homeA))
	if got := text(t, ctx, "#instance"); got != "Instance A" {
		t.Fatalf("instance = %q", got)
	}
	authorize(t, ctx, homeA, "#login")
	if got := text(t, ctx, "#greeting"); got != "You are @octocat on GitHub" {
		t.Fatalf("greeting on A = %q", got)
	}

	run(t, ctx, chromedp.Navigate(homeB))
	if got := text(t, ctx, "#instance"); got != "Instance B" {
		t.Fatalf("instance = %q", got)
	}
	if got := text(t, ctx, "#greeting"); got != "You are @octocat on GitHub" {
		t.Fatalf("greeting on B = %q", got)
	}
	if got := text(t, ctx, "#user"); got != "Local user 1" {
		t.Fatalf("user on B = %q", got)
	}
	screenshot(t, ctx, "redis-b-authorized")

	run(t, ctx, chromedp.Click(chromedp.CSS("#logout")))
	if got := text(t, ctx, "#flash"); got != "You are logged out." {
		t.Fatalf("flash on B = %q", got)
	}
	text(t, ctx, "#login")

	run(t, ctx, chromedp.Navigate(homeA))
	if got := text(t, ctx, "#instance"); got != "Instance A" {
		t.Fatalf("instance = %q", got)
	}
	text(t, ctx, "#login")
	if count(t, ctx, "#greeting") != 0 {
		t.Fatal("A still greets the user after the logout on B")
	}
	screenshot(t, ctx, "redis-a-logged-out")
}

// dropPrefix drops the redis example's tables and Redis keys of one run.
func dropPrefix(t *testing.T, dsn, addr, prefix string) {
	ctx := context.Background()
	if conn, err := pgx.Connect(ctx, dsn); err != nil {
		t.Errorf("cleanup: %v", err)
	} else {
		for _, table := range []string{prefix + "oauth", prefix + "users"} {
			if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS "+pgx.Identifier{table}.Sanitize()); err != nil {
				t.Errorf("cleanup: dropping %s: %v", table, err)
			}
		}
		_ = conn.Close(ctx)
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	keys, err := rdb.Keys(ctx, prefix+"*").Result()
	if err == nil && len(keys) > 0 {
		err = rdb.Del(ctx, keys...).Err()
	}
	if err != nil {
		t.Errorf("cleanup: redis: %v", err)
	}
}
