package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// op is the running oidc-provider, set up once by TestMain.
var op struct {
	issuer    string // the main provider
	parIssuer string // the one whose discovery requires PAR
	err       error  // why it is not running, when DANCE_INTEROP=1
	logs      syncBuffer
	keyPEM    string // the private_key_jwt client's private key, as PEM
	keyJWK    string // the same key as a JWK, with its kid
	keyID     string // its kid: its RFC 7638 thumbprint
}

// apps is the test apps' origin: one listener, whose handler each test
// sets, since the provider's clients are registered with its URIs.
var apps appServer

// provider returns the main issuer, and skips the test when DANCE_INTEROP
// is not 1 (or fails it when the provider could not start).
func provider(t *testing.T) string {
	t.Helper()
	if os.Getenv("DANCE_INTEROP") != "1" {
		t.Skip("interop tests need node and npm ci --prefix interop/node; set DANCE_INTEROP=1 to run them")
	}
	if op.err != nil {
		t.Fatalf("oidc-provider is not running: %v", op.err)
	}
	return op.issuer
}

func TestMain(m *testing.M) {
	if os.Getenv("DANCE_INTEROP") != "1" {
		os.Exit(m.Run())
	}
	stop, err := start()
	if err != nil {
		op.err = err
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	if code != 0 && op.logs.Len() > 0 {
		fmt.Fprintf(os.Stderr, "--- oidc-provider's output:\n%s\n", op.logs.String())
	}
	os.Exit(code)
}

// start opens the apps' listener, makes the private_key_jwt client's key,
// and starts node/server.mjs; it returns a func that stops both.
func start() (func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	apps.origin = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: &apps, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stopApps := func() { _ = srv.Close() }

	jwks, err := clientKey()
	if err != nil {
		stopApps()
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		stopApps()
		return nil, fmt.Errorf("node is not installed: %w", err)
	}
	dir, err := filepath.Abs("node")
	if err != nil {
		stopApps()
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider", "package.json")); err != nil {
		stopApps()
		return nil, fmt.Errorf("oidc-provider is not installed (run npm ci --prefix interop/node): %w", err)
	}
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DANCE_INTEROP_APP="+apps.origin, "DANCE_INTEROP_CLIENT_JWKS="+jwks)
	cmd.Stderr = &op.logs
	stdin, err := cmd.StdinPipe() // closed when the tests end: the server exits
	if err != nil {
		stopApps()
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stopApps()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		stopApps()
		return nil, err
	}
	stop := func() {
		_ = stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		stopApps()
	}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if !sc.Scan() {
			ready <- errors.New("node/server.mjs ended before it was ready")
			return
		}
		var line struct{ Issuer, ParIssuer string }
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil || line.Issuer == "" {
			ready <- fmt.Errorf("node/server.mjs said %q", sc.Text())
			return
		}
		op.issuer, op.parIssuer = line.Issuer, line.ParIssuer
		ready <- nil
		_, _ = io.Copy(&op.logs, stdout)
	}()
	select {
	case err = <-ready:
	case <-time.After(30 * time.Second):
		err = errors.New("node/server.mjs was not ready within 30 s")
	}
	if err != nil {
		stop()
		return nil, fmt.Errorf("%w\n%s", err, op.logs.String())
	}
	return stop, nil
}

// clientKey makes the private_key_jwt client's P-256 key: its PEM goes to
// op.keyPEM, and its public JWKS (kid: the RFC 7638 thumbprint, which
// dance uses for a PEM key) is returned for the provider.
func clientKey() (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	op.keyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	pub := jose.JSONWebKey{Key: &key.PublicKey, Algorithm: "ES256", Use: "sig"}
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	pub.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	op.keyID = pub.KeyID
	priv := jose.JSONWebKey{Key: key, KeyID: pub.KeyID, Algorithm: "ES256", Use: "sig"}
	pj, err := priv.MarshalJSON()
	if err != nil {
		return "", err
	}
	op.keyJWK = string(pj)
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}})
	return string(b), err
}

// secret is a client's secret; node/server.mjs makes the same.
func secret(clientID string) string {
	return clientID + "-secret-0123456789abcdefghijklmnopqrstuvwxyz"
}

// appServer serves the current test's app at one origin.
type appServer struct {
	origin string
	h      atomic.Pointer[http.Handler]
}

func (s *appServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := s.h.Load()
	if h == nil {
		http.Error(w, "no app", http.StatusServiceUnavailable)
		return
	}
	(*h).ServeHTTP(w, r)
}

// requests records what an app answered, by method and path.
type requests struct {
	mu   sync.Mutex
	list []string // "POST /path 200"
}

// wrap returns h, recording each request's answer.
func (r *requests) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, req)
		r.mu.Lock()
		r.list = append(r.list, fmt.Sprintf("%s %s %d", req.Method, req.URL.Path, sw.status))
		r.mu.Unlock()
	})
}

// count returns how many answers were "METHOD /path STATUS".
func (r *requests) count(line string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, l := range r.list {
		if l == line {
			n++
		}
	}
	return n
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// serve makes h the app until the test ends.
func serve(t *testing.T, h http.Handler) {
	t.Helper()
	apps.h.Store(&h)
	t.Cleanup(func() { apps.h.Store(nil) })
}

// browser is a user agent: a cookie jar, and redirects followed one by
// one so that the test sees (and may change) each of them.
type browser struct {
	t       *testing.T
	client  *http.Client
	visited []*url.URL
	// rewrite, when set, may change each URL before it is requested.
	rewrite func(u *url.URL)
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, client: &http.Client{
		Jar:           jar,
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is where a browser ended.
type page struct {
	status int
	url    *url.URL
	header http.Header
	body   string
}

// get follows ref (relative to the app) through every redirect.
func (b *browser) get(ref string) *page {
	b.t.Helper()
	u, err := url.Parse(apps.origin)
	if err != nil {
		b.t.Fatal(err)
	}
	u, err = u.Parse(ref)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.follow(http.MethodGet, u, nil)
}

// follow requests u and the redirects that follow it.
func (b *browser) follow(method string, u *url.URL, form url.Values) *page {
	b.t.Helper()
	for range 20 {
		if b.rewrite != nil {
			b.rewrite(u)
		}
		b.visited = append(b.visited, u)
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, u.String(), body)
		if err != nil {
			b.t.Fatal(err)
		}
		if form != nil {
			// A form of the page at u's origin, as a browser posts it.
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", u.Scheme+"://"+u.Host)
		}
		req.Header.Set("Accept", "text/html")
		resp, err := b.client.Do(req)
		if err != nil {
			b.t.Fatalf("%s %s: %v", method, u.Redacted(), err)
		}
		text, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode >= 400 || loc == "" {
			return &page{status: resp.StatusCode, url: u, header: resp.Header, body: string(text)}
		}
		next, err := u.Parse(loc)
		if err != nil {
			b.t.Fatalf("redirect to %q: %v", loc, err)
		}
		if resp.StatusCode != http.StatusTemporaryRedirect && resp.StatusCode != http.StatusPermanentRedirect {
			method, form = http.MethodGet, nil
		}
		u = next
	}
	b.t.Fatal("more than 20 redirects")
	return nil
}

// post submits form to u (absolute) and follows the redirects.
func (b *browser) post(u string, form url.Values) *page {
	b.t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.follow(http.MethodPost, parsed, form)
}

// visits returns the URLs visited whose path is path, at origin.
func (b *browser) visits(origin, path string) []*url.URL {
	var out []*url.URL
	for _, u := range b.visited {
		if u.Scheme+"://"+u.Host == origin && u.Path == path {
			out = append(out, u)
		}
	}
	return out
}

// calls records the app's requests to the provider (its HTTP client's
// transport), with the request's DPoP header and authentication.
type calls struct {
	mu   sync.Mutex
	list []call
	next http.RoundTripper
	// edit, when set, may change a response before dance reads it.
	edit func(req *http.Request, resp *http.Response)
}

type call struct {
	method, path string
	dpop         string // the DPoP header
	auth         string // the Authorization scheme, "Basic", "DPoP", ...
	form         url.Values
	status       int
	body         string // the answer's body, when it is an error (>= 400)
}

func (c *calls) RoundTrip(req *http.Request) (*http.Response, error) {
	var form url.Values
	if req.Body != nil && req.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		form, _ = url.ParseQuery(string(b))
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	next := c.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	cl := call{method: req.Method, path: req.URL.Path, dpop: req.Header.Get("DPoP"), form: form}
	cl.auth, _, _ = strings.Cut(req.Header.Get("Authorization"), " ")
	if resp != nil {
		cl.status = resp.StatusCode
		if resp.StatusCode >= 400 {
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			cl.body = string(b)
			resp.Body = io.NopCloser(bytes.NewReader(b))
		}
		if c.edit != nil {
			c.edit(req, resp)
		}
	}
	c.mu.Lock()
	c.list = append(c.list, cl)
	c.mu.Unlock()
	return resp, err
}

// to returns the calls to path.
func (c *calls) to(path string) []call {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []call
	for _, cl := range c.list {
		if cl.path == path {
			out = append(out, cl)
		}
	}
	return out
}

// httpClient is an HTTP client whose calls c records.
func (c *calls) httpClient() *http.Client {
	return &http.Client{Transport: c, Timeout: 20 * time.Second}
}

// introspect asks the provider's introspection endpoint about tok, as
// the "resource" client (a resource server).
func introspect(t *testing.T, issuer, tok string) map[string]any {
	t.Helper()
	out, err := introspection(issuer, tok)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// introspection is introspect for handlers, which must not stop a test.
func introspection(issuer, tok string) (map[string]any, error) {
	form := url.Values{"token": {tok}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, issuer+"/token/introspection", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("resource", secret("resource"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("introspection: status %d, %v", resp.StatusCode, err)
	}
	return out, nil
}

// sha is base64url(SHA-256(s)), as in ath and jkt.
func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// syncBuffer is a bytes.Buffer safe for the node process's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
