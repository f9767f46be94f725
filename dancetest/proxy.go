package dancetest

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Proxy is a TCP proxy on 127.0.0.1 in front of a service that a test
// shares with others (a database, Redis). [Proxy.Down] and [Proxy.Up]
// simulate an outage of the service for the clients that go through the
// proxy, without stopping the service itself.
type Proxy struct {
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener // nil while down
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewProxy starts a proxy to target (host:port) on a free loopback port.
// It is closed when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{target: target, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
	p.serve(ln)
	t.Cleanup(func() {
		p.Down()
		p.wg.Wait()
	})
	return p
}

// Addr returns the proxy's host:port, which stays the same across an
// outage.
func (p *Proxy) Addr() string { return p.addr }

// Down stops listening and cuts every open connection: clients see their
// connections drop and new connections refused, as when the service is
// down.
func (p *Proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Up listens again on the same address: the service is back. It returns
// an error rather than failing the test, so that any goroutine may call it.
func (p *Proxy) Up() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return err
	}
	p.serveLocked(ln)
	return nil
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serveLocked(ln)
}

func (p *Proxy) serveLocked(ln net.Listener) {
	p.ln = ln
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by Down
			}
			p.wg.Go(func() { p.pipe(ln, c) })
		}
	})
}

// track records c as open, or closes it when the listener it came from
// has been closed meanwhile.
func (p *Proxy) track(ln net.Listener, c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != ln {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) pipe(ln net.Listener, client net.Conn) {
	if !p.track(ln, client) {
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil || !p.track(ln, server) {
		if server != nil {
			server.Close()
		}
		client.Close()
		return
	}
	var wg sync.WaitGroup
	copyAndClose := func(dst, src net.Conn) { // either side closing ends both
		io.Copy(dst, src)
		dst.Close()
		src.Close()
	}
	wg.Go(func() { copyAndClose(server, client) })
	copyAndClose(client, server)
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
}
