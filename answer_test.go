package dance

import (
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

var update = flag.Bool("update", false, "rewrite the snapshots in testdata/errors")

// Every stage's default error answer, as HTML and as an RFC 9457 problem
// document, matches its snapshot in testdata/errors (go test -update
// rewrites them). The ID is fixed here; in use it is random.
func TestDefaultErrorAnswerSnapshots(t *testing.T) {
	bp, err := NewOAuth2(OAuth2Config{Name: "github", ClientID: "id", ClientSecret: "s", AuthURL: "https://p.example/a", TokenURL: "https://p.example/t"})
	if err != nil {
		t.Fatal(err)
	}
	bp.Register(gin.New().Group("/login"))
	type answerCase struct {
		name  string
		stage Stage
		err   error
	}
	cases := []answerCase{
		{"id_token", StageToken, errIDToken},
		{"user_required", StageStore, storage.ErrUserRequired},
	}
	for _, stage := range []Stage{StageLogin, StageAuthorize, StageState, StageToken, StageHook, StageStore, StageAPI, StageRefresh, StageRevoke} {
		cases = append(cases, answerCase{string(stage), stage, errStateMismatch})
	}
	for _, ac := range cases {
		stage := ac.stage
		for _, tc := range []struct{ accept, ext, ctype string }{
			{"text/html,application/xhtml+xml", "html", "text/html; charset=utf-8"},
			{"application/json", "json", "application/problem+json"},
		} {
			w := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(w)
			c.Request = httptest.NewRequest("GET", "/login/github/authorized", nil)
			c.Request.Header.Set("Accept", tc.accept)
			bp.answerError(c, 403, &Error{Provider: "github", Stage: stage, Err: ac.err}, "snapshot0id1")
			if got := w.Header().Get("Content-Type"); got != tc.ctype {
				t.Errorf("%s %s: Content-Type %q, want %q", stage, tc.ext, got, tc.ctype)
			}
			path := filepath.Join("testdata", "errors", ac.name+"."+tc.ext)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, w.Body.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestDefaultErrorAnswerSnapshots -update)", err)
			}
			if w.Body.String() != string(want) {
				t.Errorf("%s: answer differs from the snapshot:\ngot:\n%s\nwant:\n%s", path, w.Body.String(), want)
			}
		}
	}
}
