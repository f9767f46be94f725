package devprovider

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-dance/dance/contrib"
)

// Start serves a development provider on a loopback port for the test,
// and turns development mode on (DANCE_DEV_PROVIDER) until it ends. It
// returns the provider's origin.
func Start(t testing.TB, cfg Config) string {
	t.Helper()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	cfg.URL = srv.URL
	dp, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = dp
	t.Setenv(contrib.DevProviderEnv, srv.URL)
	return srv.URL
}
