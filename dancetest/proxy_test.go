package dancetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The proxy forwards, refuses connections while down (and cuts the open
// ones), and forwards again on the same address once up.
func TestProxyDownAndUp(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "hello")
	}))
	t.Cleanup(srv.Close)
	p := NewProxy(t, srv.Listener.Addr().String())
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	get := func() error {
		resp, err := hc.Get("http://" + p.Addr() + "/")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && string(b) != "hello" {
			t.Fatalf("body %q", b)
		}
		return err
	}
	if err := get(); err != nil {
		t.Fatalf("up: %v", err)
	}
	addr := p.Addr()
	p.Down()
	if err := get(); err == nil {
		t.Fatal("a request went through while the proxy was down")
	}
	if err := p.Up(); err != nil {
		t.Fatal(err)
	}
	if p.Addr() != addr {
		t.Fatalf("address changed from %s to %s", addr, p.Addr())
	}
	if err := get(); err != nil {
		t.Fatalf("up again: %v", err)
	}
}
