package contrib_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-gonic/gin"
)

// TestDevProviderRefusedInReleaseMode: with DANCE_DEV_PROVIDER set, a
// preset built in Gin's release mode fails with an error that says why;
// OAuth 1 presets too.
func TestDevProviderRefusedInReleaseMode(t *testing.T) {
	t.Setenv(contrib.DevProviderEnv, "http://127.0.0.1:9000")
	mode := gin.Mode()
	gin.SetMode(gin.ReleaseMode)
	t.Cleanup(func() { gin.SetMode(mode) })
	_, err := contrib.GitHub(contrib.GitHubConfig{ClientID: "id", ClientSecret: "secret"})
	if err == nil || !strings.Contains(err.Error(), "release mode") || !strings.Contains(err.Error(), contrib.DevProviderEnv) {
		t.Errorf("GitHub in release mode with a development provider: err = %v", err)
	}
	if _, err := contrib.Twitter(contrib.TwitterConfig{APIKey: "k", APISecret: "s"}); err == nil {
		t.Error("Twitter in release mode with a development provider was built")
	}
}

// TestDevProviderPointsEveryURL: in development mode a preset's
// endpoints, base URL, issuer and JWKS are the development provider's,
// under /{name} with the provider's paths, and it logs one warning.
func TestDevProviderPointsEveryURL(t *testing.T) {
	t.Setenv(contrib.DevProviderEnv, "http://127.0.0.1:9000/")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	bp, err := contrib.Google(contrib.GoogleConfig{ClientID: "id", ClientSecret: "secret", Scopes: []string{"openid", "email"}, Options: dance.Options{Logger: log}})
	if err != nil {
		t.Fatal(err)
	}
	info := core.Inspect(bp)
	for got, want := range map[string]string{
		info.OAuth2.Endpoint.AuthURL:  "http://127.0.0.1:9000/google/o/oauth2/auth",
		info.OAuth2.Endpoint.TokenURL: "http://127.0.0.1:9000/google/o/oauth2/token",
		info.BaseURL.String():         "http://127.0.0.1:9000/google/",
	} {
		if got != want {
			t.Errorf("URL %q, want %q", got, want)
		}
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "provider=google") {
		t.Errorf("%d warnings, want 1 naming the provider:\n%s", n, logs.String())
	}
}
