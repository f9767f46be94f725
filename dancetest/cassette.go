package dancetest

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-dance/dance/internal/core"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// CassetteDir is where [Cassette] keeps cassettes, relative to the test's
// package directory.
const CassetteDir = "testdata/cassettes"

// Redacted replaces every secret in a recorded cassette.
const Redacted = "REDACTED"

// ReplayToken is the access token [AccessToken] returns when replaying: any
// value works, since the cassette is matched without the token.
const ReplayToken = "replay-token"

// Cassette returns an HTTP client that records and replays the calls to
// the provider for the rest of the test, built on go-vcr: give it to the
// blueprint named name as its Options.HTTPClient.
//
//	github, err := contrib.GitHub(contrib.GitHubConfig{
//		Options: dance.Options{HTTPClient: dancetest.Cassette(t, "github")},
//	})
//
// The cassette is testdata/cassettes/{test name}.yaml. When it exists, it
// is replayed and no request leaves the process. When it does not, and a
// real token is in {NAME}_OAUTH_ACCESS_TOKEN (GITHUB_OAUTH_ACCESS_TOKEN for
// "github"), the calls go to the provider and are recorded; without a token
// the test fails at once, saying so. Set DANCE_RECORD=1 with a token to
// record again over an existing cassette.
//
// Recorded cassettes are scrubbed before they reach the disk: the
// Authorization and Cookie headers are dropped, and the token (and any
// extra secrets given) are replaced by "REDACTED" wherever they appear.
func Cassette(t testing.TB, name string, secrets ...string) *http.Client {
	t.Helper()
	file := filepath.Join(CassetteDir, cassetteName(t.Name()))
	envName := core.EnvName(name) + "_OAUTH_ACCESS_TOKEN"
	token := os.Getenv(envName)
	_, statErr := os.Stat(file + ".yaml")
	exists := statErr == nil

	mode := recorder.ModeReplayOnly
	switch {
	case token != "" && (!exists || os.Getenv("DANCE_RECORD") == "1"):
		mode = recorder.ModeRecordOnly
	case !exists:
		t.Fatalf("dancetest: no cassette %s.yaml and no %s to record with", file, envName)
	}
	secrets = append(secrets, token)

	rec, err := recorder.New(file,
		recorder.WithMode(mode),
		recorder.WithRealTransport(core.SharedTransport),
		recorder.WithSkipRequestLatency(true),
		recorder.WithMatcher(matchWithoutSecrets),
		recorder.WithHook(func(i *cassette.Interaction) error { return scrub(i, secrets) }, recorder.AfterCaptureHook),
	)
	if err != nil {
		t.Fatalf("dancetest: cassette %s: %v", file, err)
	}
	t.Cleanup(func() {
		if err := rec.Stop(); err != nil {
			t.Errorf("dancetest: saving cassette %s: %v", file, err)
		}
	})
	return &http.Client{Transport: rec}
}

// AccessToken returns the real token from {NAME}_OAUTH_ACCESS_TOKEN (for
// the blueprint named name) when recording, and [ReplayToken] otherwise,
// for the test's logged-in user.
func AccessToken(name string) string {
	if tok := os.Getenv(core.EnvName(name) + "_OAUTH_ACCESS_TOKEN"); tok != "" {
		return tok
	}
	return ReplayToken
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func cassetteName(testName string) string {
	return unsafeChars.ReplaceAllString(testName, "_")
}

// matchWithoutSecrets matches on method, URL and body, ignoring headers
// (the Authorization header is never recorded) and the secrets scrubbed
// out of the recording.
func matchWithoutSecrets(r *http.Request, i cassette.Request) bool {
	if r.Method != i.Method || r.URL.String() != i.URL {
		return false
	}
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return string(body) == i.Body
}

func scrub(i *cassette.Interaction, secrets []string) error {
	for _, h := range []http.Header{i.Request.Headers, i.Response.Headers} {
		h.Del("Authorization")
		h.Del("Cookie")
		h.Del("Set-Cookie")
	}
	i.Request.RemoteAddr = ""
	for _, s := range secrets {
		if s == "" {
			continue
		}
		i.Request.URL = strings.ReplaceAll(i.Request.URL, s, Redacted)
		i.Request.Body = strings.ReplaceAll(i.Request.Body, s, Redacted)
		i.Request.RequestURI = strings.ReplaceAll(i.Request.RequestURI, s, Redacted)
		i.Response.Body = strings.ReplaceAll(i.Response.Body, s, Redacted)
		for k, vs := range i.Request.Form {
			for j, v := range vs {
				i.Request.Form[k][j] = strings.ReplaceAll(v, s, Redacted)
			}
		}
		for _, h := range []http.Header{i.Request.Headers, i.Response.Headers} {
			for k, vs := range h {
				for j, v := range vs {
					h[k][j] = strings.ReplaceAll(v, s, Redacted)
				}
			}
		}
	}
	return nil
}
