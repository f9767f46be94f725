package integration_test

import (
	"os"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/apptest"
	"github.com/gin-gonic/gin"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// harness is the root package's test app (internal/apptest), with the
// helpers of this module's tests as its methods.
type harness struct{ *apptest.Harness }

// newHarness builds the app. edit may change the blueprint configuration
// before it is built.
func newHarness(t *testing.T, pcfg dancetest.Config, edit func(*dance.OAuth2Config)) *harness {
	t.Helper()
	return &harness{apptest.New(t, pcfg, edit)}
}
