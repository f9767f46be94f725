package bench

import (
	"net/http"
	"net/http/httptest"
	"time"
)

// newServer serves h on a loopback port.
func newServer(h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Start()
	return srv
}

// Serve serves h on a loopback port and returns its base URL and a
// function that stops it.
func Serve(h http.Handler) (base string, stop func()) {
	srv := newServer(h)
	return srv.URL, srv.Close
}

// NoRedirectClient returns a client with its own keep-alive transport that
// keeps up to conns idle connections and does not follow redirects.
func NoRedirectClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.MaxIdleConns = conns
	tr.MaxIdleConnsPerHost = conns
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
