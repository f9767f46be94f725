package dance_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// TestLeadingSlashWarnsOnce: a reference that starts with "/" on a
// blueprint whose BaseURL has a path (GitLab's …/api/v4/) drops that path.
// The Client logs one Warn per blueprint for it, and none for a relative
// reference, a reference that keeps the base path, or a root base URL.
func TestLeadingSlashWarnsOnce(t *testing.T) {
	newBP := func(name, base string, logs *apptest.SyncBuffer) *dance.Blueprint {
		bp, err := dance.NewOAuth2(dance.OAuth2Config{
			Name: name, ClientID: "id", ClientSecret: "secret",
			AuthURL: "https://p.example/authorize", TokenURL: "https://p.example/token",
			Options: dance.Options{
				BaseURL: base,
				Storage: storage.NewMemory(dancetest.Token("tok")),
				Logger:  slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return bp
	}
	request := func(bp *dance.Blueprint, ref string) string {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		bp.Middleware()(c) // puts the client into c
		req, err := apptest.Client(c, bp).NewRequest(http.MethodGet, ref, nil)
		if err != nil {
			t.Fatalf("NewRequest(%q): %v", ref, err)
		}
		return req.URL.String()
	}

	logs := new(apptest.SyncBuffer)
	gitlab := newBP("gitlab", "https://gitlab.example/api/v4/", logs)
	for _, ref := range []string{"user", "/api/v4/user", "https://other.example/x"} {
		request(gitlab, ref)
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("a reference that keeps the base path was warned about:\n%s", logs)
	}
	if got, want := request(gitlab, "/user?secret=s3cr3t"), "https://gitlab.example/user?secret=s3cr3t"; got != want {
		t.Errorf("/user resolved to %s, want %s (RFC 3986; the warning must not change it)", got, want)
	}
	request(gitlab, "/projects")
	out := logs.String()
	if n := strings.Count(out, "level=WARN"); n != 1 {
		t.Fatalf("got %d warnings for two leading-slash references, want exactly 1:\n%s", n, out)
	}
	for _, want := range []string{"provider=gitlab", "ref=/user", "base_path=/api/v4/", "resolves_to=/user"} {
		if !strings.Contains(out, want) {
			t.Errorf("the warning lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "s3cr3t") {
		t.Errorf("the warning logs the reference's query:\n%s", out)
	}

	// Once per blueprint: a second blueprint warns on its own.
	other := newBP("gitlab2", "https://gitlab.example/api/v4/", logs)
	request(other, "/user")
	if n := strings.Count(logs.String(), "level=WARN"); n != 2 {
		t.Errorf("a second blueprint gave %d warnings in all, want 2", n)
	}

	// A root base URL (GitHub's) loses nothing: no warning.
	rootLogs := new(apptest.SyncBuffer)
	request(newBP("github", "https://api.github.example/", rootLogs), "/user")
	if strings.Contains(rootLogs.String(), "level=WARN") {
		t.Errorf("warned for a root base URL:\n%s", rootLogs)
	}
}
