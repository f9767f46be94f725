package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// The fleet test (issue 21): three instances of e2e/fleetapp as separate
// OS processes behind nginx (round-robin, no stickiness), the development
// provider (cmd/dance-provider) with one persona per browser, tokens in
// PostgreSQL, sessions and used states in Redis. It runs with
// DANCE_FLEET=1; DANCE_FLEET_DANCES (default 400) and
// DANCE_FLEET_BROWSERS (default 100) size it.

// fleetPhases are the timed steps of one dance.
var fleetPhases = []string{"login redirect", "provider sign-in", "callback", "API call"}

// fleet is the running fleet: its processes and addresses.
type fleet struct {
	t        *testing.T
	dir      string
	app      string // the fleetapp binary
	env      []string
	ports    []string // the instances' ports
	procs    []*exec.Cmd
	mu       sync.Mutex
	provider string // the development provider's origin
	front    string // nginx's origin
	dsn      string
	prefix   string
	personas []persona
	redis    string
	keys     [][]byte // the session cookie's hash and block keys
}

// persona is one browser's user at the development provider.
type persona struct {
	ID       string `json:"id"`
	Login    string `json:"login"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Verified bool   `json:"verified"`
}

// start runs cmd in a process group of its own, logging to dir/name.log,
// and kills the group, by its ID, when the test ends. It may be called
// from any goroutine.
func (f *fleet) start(name string, cmd *exec.Cmd) (*exec.Cmd, error) {
	logf, err := os.Create(filepath.Join(f.dir, name+".log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	f.t.Cleanup(func() {
		if cmd.ProcessState == nil { // not killed and reaped already
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
		}
		logf.Close()
	})
	return cmd, nil
}

// mustStart is start that fails the test.
func (f *fleet) mustStart(name string, cmd *exec.Cmd) {
	f.t.Helper()
	if _, err := f.start(name, cmd); err != nil {
		f.t.Fatal(err)
	}
}

// startInstance starts (or restarts) instance i and waits until it
// answers. It may be called from any goroutine.
func (f *fleet) startInstance(i int) error {
	cmd := exec.Command(f.app, "-dev-provider", f.provider)
	cmd.Env = append(slices.Clone(f.env), fmt.Sprintf("FLEET_NAME=app%d", i), "FLEET_ADDR=127.0.0.1:"+f.ports[i])
	cmd, err := f.start(fmt.Sprintf("app%d-%d", i, time.Now().UnixNano()), cmd)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.procs[i] = cmd
	f.mu.Unlock()
	return waitHTTP("http://127.0.0.1:" + f.ports[i] + "/healthz")
}

// kill sends SIGKILL to instance i's process group and reaps it.
func (f *fleet) kill(i int) {
	f.mu.Lock()
	cmd := f.procs[i]
	f.mu.Unlock()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
}

// viaFront is the instance that answers GET /healthz through nginx.
func (f *fleet) viaFront() string {
	resp, err := http.Get(f.front + "/healthz")
	if err != nil {
		return ""
	}
	resp.Body.Close()
	return resp.Header.Get("X-Instance")
}

// waitHTTP waits until u answers 200.
func waitHTTP(u string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s does not answer", u)
}

// goBuild builds pkg of the module in dir into the test's folder.
func goBuild(t *testing.T, dir, pkg, out string) string {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// nginxConf is the configuration the fleet test runs nginx with (and
// docs/fleet.md shows): one process, round-robin over the instances with
// no stickiness. proxy_next_upstream "error timeout" (no
// non_idempotent) retries a GET on the next instance when its instance
// refuses the connection or drops it before answering; never a POST. A
// callback retried that way after it reached an instance that died is
// refused there: its state is in the shared used-state record.
const nginxConf = `daemon off;
master_process off;
worker_processes 1;
pid {{dir}}/nginx.pid;
error_log {{dir}}/nginx-error.log warn;
events { worker_connections 2048; }
http {
	# $uri, not $request_uri: the callback's code and state stay out of the log.
	log_format fleet '$remote_addr "$request_method $uri" $status upstream=$upstream_addr/$upstream_status $request_time';
	access_log {{dir}}/nginx-access.log fleet;
	client_body_temp_path {{dir}}/client_body;
	proxy_temp_path {{dir}}/proxy;
	fastcgi_temp_path {{dir}}/fastcgi;
	uwsgi_temp_path {{dir}}/uwsgi;
	scgi_temp_path {{dir}}/scgi;
	upstream fleet {
{{servers}}	}
	server {
		listen 127.0.0.1:{{port}};
		location / {
			proxy_pass http://fleet;
			proxy_set_header Host $http_host;
			proxy_next_upstream error timeout;
			proxy_next_upstream_tries 3;
			proxy_connect_timeout 1s;
			add_header X-Upstream $upstream_addr always;
		}
	}
}
`

// startFleet builds and starts the development provider, n instances and
// nginx, with browsers personas.
func startFleet(t *testing.T, n, browsers int) *fleet {
	t.Helper()
	dsn, addr := os.Getenv("DANCE_TEST_POSTGRES_DSN"), os.Getenv("DANCE_TEST_REDIS_ADDR")
	if dsn == "" || addr == "" {
		t.Fatal("the fleet test needs DANCE_TEST_POSTGRES_DSN and DANCE_TEST_REDIS_ADDR")
	}
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		t.Fatal("the fleet test needs nginx (apt-get install nginx)")
	}
	f := &fleet{t: t, dir: t.TempDir(), procs: make([]*exec.Cmd, n), dsn: dsn, redis: addr}
	b := make([]byte, 4)
	rand.Read(b)
	f.prefix = "dance_fleet_" + hex.EncodeToString(b) + "_"
	t.Cleanup(func() { dropPrefix(t, dsn, addr, f.prefix) })

	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	f.app = goBuild(t, wd, "./fleetapp", filepath.Join(f.dir, "fleetapp"))
	provider := goBuild(t, root(t), "./cmd/dance-provider", filepath.Join(f.dir, "dance-provider"))

	for i := range browsers {
		f.personas = append(f.personas, persona{ID: strconv.Itoa(50001 + i), Login: fmt.Sprintf("fleet%03d", i),
			Name: fmt.Sprintf("Fleet User %d", i), Email: fmt.Sprintf("fleet%03d@example.com", i), Verified: true})
	}
	pj, _ := json.Marshal(f.personas)
	personasFile := filepath.Join(f.dir, "personas.json")
	if err := os.WriteFile(personasFile, pj, 0o600); err != nil {
		t.Fatal(err)
	}
	pport := freePort(t)
	f.provider = "http://127.0.0.1:" + pport
	f.mustStart("dance-provider", exec.Command(provider, "-addr", "127.0.0.1:"+pport, "-personas", personasFile))
	if err := waitHTTP(f.provider + "/"); err != nil {
		t.Fatal(err)
	}

	hashKey, blockKey := make([]byte, 32), make([]byte, 32)
	rand.Read(hashKey)
	rand.Read(blockKey)
	f.keys = [][]byte{hashKey, blockKey}
	f.env = append(os.Environ(), "FLEET_PREFIX="+f.prefix,
		"FLEET_HASH_KEY="+hex.EncodeToString(hashKey), "FLEET_BLOCK_KEY="+hex.EncodeToString(blockKey),
		"GITHUB_OAUTH_CLIENT_ID=", "GITHUB_OAUTH_CLIENT_SECRET=", "GOOGLE_OAUTH_CLIENT_ID=", "GOOGLE_OAUTH_CLIENT_SECRET=")
	var servers strings.Builder
	for i := range n {
		f.ports = append(f.ports, freePort(t))
		fmt.Fprintf(&servers, "\t\tserver 127.0.0.1:%s max_fails=1 fail_timeout=1s;\n", f.ports[i])
	}
	for i := range n { // one by one: the first creates the tables
		if err := f.startInstance(i); err != nil {
			t.Fatal(err)
		}
	}

	nport := freePort(t)
	conf := strings.NewReplacer("{{dir}}", f.dir, "{{port}}", nport, "{{servers}}", servers.String()).Replace(nginxConf)
	confFile := filepath.Join(f.dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	f.mustStart("nginx", exec.Command(nginx, "-p", f.dir, "-e", filepath.Join(f.dir, "nginx-error.log"), "-c", confFile))
	f.front = "http://127.0.0.1:" + nport
	if err := waitHTTP(f.front + "/healthz"); err != nil {
		t.Fatal(err)
	}
	return f
}

// call is one HTTP request of a dance.
type call struct {
	status     int
	upstream   string // nginx's X-Upstream: the instances it tried
	location   string // the path of the answer's Location
	start, end time.Time
	err        error
}

// browser is one user agent: a cookie jar, redirects not followed.
type fleetBrowser struct {
	c *http.Client
	p persona
}

func newFleetBrowser(tr http.RoundTripper, p persona) *fleetBrowser {
	jar, _ := cookiejar.New(nil)
	return &fleetBrowser{p: p, c: &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends req and reads the answer's body.
func (b *fleetBrowser) do(req *http.Request) (call, *http.Response, []byte) {
	c := call{start: time.Now()}
	resp, err := b.c.Do(req)
	if err != nil {
		c.end, c.err = time.Now(), err
		return c, nil, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	c.end, c.err, c.status, c.upstream = time.Now(), err, resp.StatusCode, resp.Header.Get("X-Upstream")
	c.location = pathOf(resp)
	return c, resp, body
}

func (b *fleetBrowser) get(u string) (call, *http.Response, []byte) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return call{err: err, start: time.Now(), end: time.Now()}, nil, nil
	}
	return b.do(req)
}

// queryInput is the sign-in form's hidden authorization request.
var queryInput = regexp.MustCompile(`name="query" value="([^"]*)"`)

// danceResult is what one dance did: its calls per phase, the phase it
// failed in (-1: none), why, and whether the API answered another user.
type danceResult struct {
	provider string
	calls    [4]call
	failed   int
	why      string
	crossed  bool
	casualty bool // failed while in flight on the killed instance
	who      string
	start    time.Time
}

// dance logs b in with provider through the fleet at front, then calls
// GET /me. It stops at the first step that does not answer as it must.
func (b *fleetBrowser) dance(front, provider string) (r danceResult) {
	r = danceResult{provider: provider, failed: -1, start: time.Now(), who: b.p.ID}
	fail := func(phase int, format string, args ...any) danceResult {
		r.failed, r.why = phase, fmt.Sprintf(format, args...)
		return r
	}
	// 1. The app's login redirect, to the provider's authorization URL.
	c, resp, _ := b.get(front + "/login/" + provider)
	r.calls[0] = c
	if c.err != nil || c.status != http.StatusFound {
		return fail(0, "login: %d %s %v", c.status, c.location, c.err)
	}
	authURL := resp.Header.Get("Location")
	// 2. The provider's sign-in page; pick this browser's persona.
	c1, _, page := b.get(authURL)
	m := queryInput.FindSubmatch(page)
	i := regexp.MustCompile(`<button name="persona" value="(\d+)" id="persona-` + regexp.QuoteMeta(b.p.Login) + `"`).FindSubmatch(page)
	if c1.err != nil || c1.status != http.StatusOK || m == nil || i == nil {
		r.calls[1] = c1
		return fail(1, "sign-in page: %d %v", c1.status, c1.err)
	}
	form := url.Values{"query": {html.UnescapeString(string(m[1]))}, "decision": {"authorize"}, "persona": {string(i[1])}}
	req, _ := http.NewRequest(http.MethodPost, authURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c2, resp, _ := b.do(req)
	c2.start = c1.start
	r.calls[1] = c2
	if c2.err != nil || c2.status != http.StatusFound {
		return fail(1, "sign-in: %d %v", c2.status, c2.err)
	}
	// 3. The callback, through nginx.
	c, resp, _ = b.get(resp.Header.Get("Location"))
	r.calls[2] = c
	if c.err != nil || c.status != http.StatusFound || resp.Header.Get("Location") != "/" {
		return fail(2, "callback: %d %s %v", c.status, c.location, c.err)
	}
	// 4. The API call: who am I?
	c, _, body := b.get(front + "/me?provider=" + provider)
	r.calls[3] = c
	if c.err != nil || c.status != http.StatusOK {
		return fail(3, "/me: %d %v", c.status, c.err)
	}
	var me struct {
		Provider   string `json:"provider"`
		ProviderID string `json:"provider_id"`
		Login      string `json:"login"`
		ID         string `json:"id"`
	}
	if err := json.Unmarshal(body, &me); err != nil {
		return fail(3, "/me: %v", err)
	}
	wantLogin := b.p.Login
	if provider == "google" {
		wantLogin = "" // Google's userinfo has no login
	}
	if me.Provider != provider || me.ProviderID != b.p.ID || me.ID != b.p.ID || me.Login != wantLogin {
		r.crossed = true
		return fail(3, "/me answered another user: %+v, want %s", me, b.p.Login)
	}
	return r
}

// envInt is the positive number in the environment variable name, or def.
func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q is not a positive number", name, v)
	}
	return n
}

// TestFleet: N dances by B concurrent browsers through nginx in front of
// three instances; instance 1 is killed with SIGKILL when half of the
// dances have completed, and restarted. Every dance succeeds except those
// with a request in flight on the killed instance when it died; none
// reads another user's identity; every dance that starts after the
// restart succeeds; every stored token row is whole and belongs to a
// user whose dance completed. Then a callback replayed on another
// instance with the pre-callback cookie is refused.
//
// The last quarter of the dances waits for the restarted instance to be
// back in nginx's rotation, so that a quarter of the run starts after the
// restart whatever the machine's speed.
func TestFleet(t *testing.T) {
	if os.Getenv("DANCE_FLEET") != "1" {
		t.Skip("set DANCE_FLEET=1 to run the fleet test (nginx, PostgreSQL, Redis)")
	}
	dances, browsers := envInt(t, "DANCE_FLEET_DANCES", 400), envInt(t, "DANCE_FLEET_BROWSERS", 100)
	if dances < 8 {
		t.Fatal("DANCE_FLEET_DANCES must be at least 8")
	}
	const instances, victim = 3, 1
	f := startFleet(t, instances, browsers)
	victimAddr := "127.0.0.1:" + f.ports[victim]

	tr := &http.Transport{MaxIdleConns: 4 * browsers, MaxIdleConnsPerHost: 2 * browsers}
	defer tr.CloseIdleConnections()
	var (
		next, done     atomic.Int64
		killAt         = int64(dances / 2)
		holdFrom       = int64(dances * 3 / 4) // dances from here wait for the restart
		restarted      = make(chan struct{})
		killTime, upAt time.Time
		restartErr     error
		results        = make([]danceResult, dances)
		wg             sync.WaitGroup
	)
	killed := make(chan struct{})
	go func() {
		<-killed
		killTime = time.Now()
		f.kill(victim)
		time.Sleep(500 * time.Millisecond) // a moment down, as a crashed process is
		defer close(restarted)
		if restartErr = f.startInstance(victim); restartErr != nil {
			return
		}
		// Back in the rotation once nginx sends it a request again.
		for deadline := time.Now().Add(30 * time.Second); f.viaFront() != fmt.Sprintf("app%d", victim); {
			if time.Now().After(deadline) {
				restartErr = errors.New("nginx sends it nothing")
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		upAt = time.Now()
	}()
	begin := time.Now()
	for bi := range browsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := newFleetBrowser(tr, f.personas[bi])
			mine := 0
			for {
				n := next.Add(1) - 1
				if n >= int64(dances) {
					return
				}
				if n >= holdFrom {
					<-restarted
				}
				provider := "github" // each browser alternates
				if mine%2 == 1 {
					provider = "google"
				}
				mine++
				results[n] = b.dance(f.front, provider)
				if done.Add(1) == killAt {
					close(killed)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	<-restarted
	if restartErr != nil {
		t.Fatalf("restarting instance %d: %v", victim, restartErr)
	}

	// Classify the outcomes. Each dance cut by the kill is logged only if
	// the test fails: the summary below counts them and their answers,
	// and a line per dance (100 at the size) would bury it.
	var inFlightLines []string
	t.Cleanup(func() {
		if t.Failed() {
			for _, l := range inFlightLines {
				t.Log(l)
			}
		}
	})
	var ok, casualties, after, afterOK, fivexx, crossed, onVictimAfter int
	var failures []string
	answers := map[string]int{} // what the casualties were answered
	for n, r := range results {
		if r.start.After(upAt) {
			after++
		}
		for _, c := range r.calls {
			if c.start.After(upAt) && strings.Contains(c.upstream, victimAddr) && c.status != 0 && c.status < 500 {
				onVictimAfter++
			}
		}
		if r.failed < 0 {
			ok++
			if r.start.After(upAt) {
				afterOK++
			}
			continue
		}
		c := r.calls[r.failed]
		inFlight := !c.start.After(killTime) && !c.end.Before(killTime) && r.failed != 1 && strings.Contains(c.upstream, victimAddr)
		if r.crossed {
			crossed++
		}
		if inFlight && !r.crossed {
			casualties++
			answers[strings.TrimSpace(fmt.Sprintf("%d %s", c.status, c.location))]++
			results[n].casualty = true
			inFlightLines = append(inFlightLines, fmt.Sprintf("fleet: in flight on the killed instance: dance %d (%s): %s (upstream %s)", n, r.provider, r.why, c.upstream))
			continue
		}
		if c.status >= 500 {
			fivexx++
		}
		failures = append(failures, fmt.Sprintf("dance %d (%s, %s): %s (upstream %s)", n, r.provider, r.calls[0].upstream, r.why, c.upstream))
	}
	t.Logf("fleet: %d dances by %d browsers through nginx to %d instances in %v: %.0f dances/s", dances, browsers, instances, elapsed.Round(time.Millisecond), float64(dances)/elapsed.Seconds())
	t.Logf("fleet: %d succeeded; %d failed while in flight on the killed instance; %d other failures (%d 5xx); %d cross-user reads", ok, casualties, len(failures), fivexx, crossed)
	t.Logf("fleet: the dances in flight on the killed instance were answered (status, location): %v", answers)
	t.Logf("fleet: instance %d killed (SIGKILL) after %d dances completed, up again %v later; %d dances started after the restart, %d succeeded; %d requests reached the restarted instance", victim, killAt, upAt.Sub(killTime).Round(time.Millisecond), after, afterOK, onVictimAfter)
	for p, name := range fleetPhases {
		var d []time.Duration
		for _, r := range results {
			if r.failed < 0 {
				d = append(d, r.calls[p].end.Sub(r.calls[p].start))
			}
		}
		t.Logf("fleet: %-16s p50 %7v  p99 %7v  max %7v", name, pct(d, 50), pct(d, 99), pct(d, 100))
	}
	for _, s := range failures[:min(len(failures), 20)] {
		t.Error(s)
	}
	if len(failures) > 0 || crossed > 0 {
		t.Fatalf("%d failures, %d cross-user reads", len(failures), crossed)
	}
	if after == 0 || afterOK != after {
		t.Fatalf("%d of %d dances started after the restart succeeded", afterOK, after)
	}
	if onVictimAfter == 0 {
		t.Fatal("no request reached the restarted instance")
	}

	checkStoredTokens(t, f, results)
	t.Run("callback replayed on another instance", func(t *testing.T) { replayCallback(t, f, tr) })
}

// pct is the p-th percentile of d.
func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := (len(d)*p + 99) / 100
	return d[max(0, min(i, len(d))-1)].Round(100 * time.Microsecond)
}

// checkStoredTokens checks every stored token row after the run: it
// belongs to an existing user of its provider whose dance completed (or
// was cut by the kill after the token was stored), there is one row per
// user and provider, and its token is whole: the development provider
// answers its access token with that very user.
func checkStoredTokens(t *testing.T, f *fleet, results []danceResult) {
	t.Helper()
	completed, cut := map[string]bool{}, map[string]bool{}
	for _, r := range results {
		if r.failed < 0 {
			completed[r.provider+"/"+r.who] = true
		} else if r.casualty {
			cut[r.provider+"/"+r.who] = true
		}
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, f.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, fmt.Sprintf(`SELECT o.provider, o.user_id, o.token::text, coalesce(u.provider, ''), coalesce(u.provider_id, '')
		FROM %s o LEFT JOIN %s u ON u.id = o.user_id`, pgx.Identifier{f.prefix + "oauth"}.Sanitize(), pgx.Identifier{f.prefix + "users"}.Sanitize()))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		provider, token, userProvider, providerID string
		userID                                    *int64
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.provider, &r.userID, &r.token, &r.userProvider, &r.providerID); err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var cutOnly int
	for _, r := range all {
		key := r.userProvider + "/" + r.providerID
		switch {
		case r.userID == nil || r.userProvider == "":
			t.Errorf("a %s token row has no user", r.provider)
			continue
		case r.userProvider != r.provider:
			t.Errorf("a %s token row belongs to a %s user", r.provider, r.userProvider)
		case seen[key]:
			t.Errorf("two %s token rows for user %s", r.provider, r.providerID)
		case !completed[key] && !cut[key]:
			t.Errorf("a %s token row for user %s, whose dances all failed", r.provider, r.providerID)
		case !completed[key]:
			cutOnly++
		}
		seen[key] = true
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal([]byte(r.token), &tok); err != nil || tok.AccessToken == "" {
			t.Errorf("the %s token row of user %s is not a whole token (%v)", r.provider, r.providerID, err)
			continue
		}
		if got := identityAt(t, f.provider, r.provider, tok.AccessToken); got != r.providerID {
			t.Errorf("the %s token row of user %s is %q's token at the provider", r.provider, r.providerID, got)
		}
	}
	if len(seen) < len(completed) {
		t.Errorf("%d token rows for %d users with a completed dance", len(seen), len(completed))
	}
	t.Logf("fleet: %d token rows, each whole and its user's (at the provider); %d users with a completed dance; %d rows of users whose only dance was cut by the kill after the token was stored", len(all), len(completed), cutOnly)
}

// identityAt is the user ID the development provider's identity API
// answers for an access token of provider.
func identityAt(t *testing.T, origin, provider, accessToken string) string {
	t.Helper()
	path := map[string]string{"github": "/github/user", "google": "/google/oauth2/v2/userinfo"}[provider]
	req, _ := http.NewRequest(http.MethodGet, origin+path, nil)
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var who struct {
		ID json.Number `json:"id"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&who) != nil {
		return fmt.Sprintf("(status %d)", resp.StatusCode)
	}
	return who.ID.String()
}

// replayCallback: a browser dances through nginx; its callback request is
// then sent again, with the cookie the browser had before the callback,
// straight to an instance other than the one that answered it. It must be
// refused, and the user's stored token must not change. The login renewed
// the session's ID (the old one is deleted from Redis), so with the old
// cookie the instance finds no login under way and starts a new one (a
// redirect to the login route, as Flask-Dance does), without a token. In
// the second case the pre-callback session is put back in Redis first, as
// if the store still had it (a replay racing the callback): then only the
// shared record of used states stops it, with 403.
func replayCallback(t *testing.T, f *fleet, tr http.RoundTripper) {
	for _, restore := range []bool{false, true} {
		p := f.personas[0]
		if restore {
			p = f.personas[1]
		}
		b := newFleetBrowser(tr, p)
		callback, cookies := b.toCallback(t, f.front, "github")
		var session, ttl = "", time.Duration(0)
		rdb := redis.NewClient(&redis.Options{Addr: f.redis})
		defer rdb.Close()
		key := f.prefix + "session:" + f.sessionID(t, cookies)
		if restore {
			var err error
			if session, err = rdb.Get(context.Background(), key).Result(); err != nil {
				t.Fatalf("the pre-callback session: %v", err)
			}
			ttl = rdb.TTL(context.Background(), key).Val()
		}
		c, resp, _ := b.get(callback.String())
		if c.status != http.StatusFound || resp.Header.Get("Location") != "/" {
			t.Fatalf("callback: %d %v", c.status, c.err)
		}
		served := resp.Header.Get("X-Instance")
		before := storedToken(t, f, "github", p.ID)
		if restore {
			if n := rdb.Exists(context.Background(), key).Val(); n != 0 {
				t.Fatal("the login did not renew the session's ID")
			}
			if err := rdb.Set(context.Background(), key, session, ttl).Err(); err != nil {
				t.Fatal(err)
			}
		}
		other := (slices.Index(f.names(), served) + 1) % len(f.ports)
		replay := *callback
		replay.Host = "127.0.0.1:" + f.ports[other]
		req, _ := http.NewRequest(http.MethodGet, replay.String(), nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		plain := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := fmt.Sprintf("%d %s from %s", resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("X-Instance"))
		want := fmt.Sprintf("%d %s from app%d", http.StatusFound, "/login/github", other)
		if restore {
			want = fmt.Sprintf("%d  from app%d", http.StatusForbidden, other)
		}
		if got != want {
			t.Fatalf("the callback answered by %s, replayed with the pre-callback cookie (session restored: %v): %s, want %s", served, restore, got, want)
		}
		if after := storedToken(t, f, "github", p.ID); after != before {
			t.Fatal("the replayed callback changed the stored token")
		}
		t.Logf("fleet: the callback answered by %s, replayed on app%d with the pre-callback cookie (pre-callback session restored in Redis: %v): %s; stored token unchanged", served, other, restore, got)
	}
}

// toCallback runs a dance up to the callback, which it returns with the
// browser's cookies for the front at that point.
func (b *fleetBrowser) toCallback(t *testing.T, front, provider string) (*url.URL, []*http.Cookie) {
	t.Helper()
	_, resp, _ := b.get(front + "/login/" + provider)
	if resp == nil || resp.StatusCode != http.StatusFound {
		t.Fatal("login did not redirect")
	}
	authURL := resp.Header.Get("Location")
	_, _, page := b.get(authURL)
	m := queryInput.FindSubmatch(page)
	i := regexp.MustCompile(`<button name="persona" value="(\d+)" id="persona-` + regexp.QuoteMeta(b.p.Login) + `"`).FindSubmatch(page)
	if m == nil || i == nil {
		t.Fatal("no sign-in form")
	}
	form := url.Values{"query": {html.UnescapeString(string(m[1]))}, "decision": {"authorize"}, "persona": {string(i[1])}}
	req, _ := http.NewRequest(http.MethodPost, authURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, resp, _ = b.do(req)
	if resp == nil || resp.StatusCode != http.StatusFound {
		t.Fatal("sign-in did not redirect to the callback")
	}
	callback, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(front)
	return callback, b.c.Jar.Cookies(u)
}

// names are the instances' names.
func (f *fleet) names() []string {
	var n []string
	for i := range f.ports {
		n = append(n, fmt.Sprintf("app%d", i))
	}
	return n
}

// sessionID decodes the session ID from the app's session cookie.
func (f *fleet) sessionID(t *testing.T, cookies []*http.Cookie) string {
	t.Helper()
	for _, c := range cookies {
		if c.Name == "fleet" {
			var id string
			if err := securecookie.DecodeMulti(c.Name, c.Value, &id, securecookie.CodecsFromPairs(f.keys...)...); err != nil {
				t.Fatal(err)
			}
			return id
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// storedToken is the token row of the user of provider with providerID.
func storedToken(t *testing.T, f *fleet, provider, providerID string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, f.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var id int64
	var tok string
	err = conn.QueryRow(ctx, fmt.Sprintf(`SELECT o.id, o.token::text FROM %s o JOIN %s u ON u.id = o.user_id WHERE u.provider = $1 AND u.provider_id = $2`,
		pgx.Identifier{f.prefix + "oauth"}.Sanitize(), pgx.Identifier{f.prefix + "users"}.Sanitize()), provider, providerID).Scan(&id, &tok)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(id, tok)
}

// pathOf is the path of resp's Location (no query: a callback's code and
// state never reach the test's output), or "".
func pathOf(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return ""
	}
	return u.Path
}
