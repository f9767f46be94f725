package devprovider

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-dance/dance/contrib"
)

// Start serves a development provider on a loopback port for the test
// and returns development mode for it, to set as a preset's
// Endpoints.Dev (or OAuth1Endpoints.Dev).
func Start(t testing.TB, cfg Config) *contrib.DevProvider {
	t.Helper()
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	cfg.URL = srv.URL
	dp, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = dp
	return &contrib.DevProvider{URL: srv.URL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}
}
