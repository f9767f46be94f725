package httpx

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/a":                  "/a",
		"/a/b?c=d#e":          "/a/b?c=d#e",
		"":                    "",
		"a":                   "",
		"//evil.com":          "",
		"https://evil.com":    "",
		`/\evil.com`:          "",
		`/a\b`:                "",
		"/\tx":                "",
		"/%2F%2Fevil.com":     "/%2F%2Fevil.com", // a path on this origin
		"javascript:alert(1)": "",
	} {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeNext: whatever the input, an accepted next URL stays on this
// origin once a browser resolves it.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/a?b=c", "//evil.com", `/\evil.com`, "https://evil.com", "/%2F%2F", "/\t/evil.com", "/a/../b"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://app.example.com/login/github/authorized")
	f.Fuzz(func(t *testing.T, next string) {
		got := SafeNext(next)
		if got == "" {
			return
		}
		if got != next {
			t.Fatalf("SafeNext(%q) = %q, want the input or nothing", next, got)
		}
		u, err := base.Parse(got)
		if err != nil {
			t.Fatalf("accepted %q, which does not parse: %v", got, err)
		}
		if u.Host != base.Host || u.Scheme != base.Scheme {
			t.Fatalf("accepted %q, which leaves the origin: %s", got, u)
		}
		// Browsers read '\' as '/' in http(s) URLs.
		if b, err := base.Parse(strings.ReplaceAll(got, `\`, "/")); err != nil || b.Host != base.Host {
			t.Fatalf("accepted %q, which a browser would take off-origin", got)
		}
	})
}
