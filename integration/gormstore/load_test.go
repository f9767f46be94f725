package gormstore_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/gormtest"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
	"gorm.io/driver/postgres"
)

// Complete dances by concurrent browsers, each with its own cookie jar and
// logged in as its own user, against the fake provider, with the tokens in
// a Store on PostgreSQL. Every browser checks after each dance that it
// reads the token it was just issued. At the end every user has exactly
// its own token (every pair of users is compared), no browser ever read a
// token issued to another (0 cross-user reads), no write was lost, and no
// row is incomplete.
//
// "steady" must see no 5xx at all. In "connection killed", the app's
// PostgreSQL connections are terminated once, halfway through: a dance
// may then fail, but only with a clear error (the app's error hook answers
// 503 for a failed save) that the browser retries; the run must recover
// and end with the same checks.
//
// The normal suite runs 200 dances by 20 browsers; DANCE_LOAD=1 runs the
// issue's 2,000 dances by 200 browsers. The figures are logged (go test -v).
func TestLoadDances(t *testing.T) {
	dsn := os.Getenv("DANCE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("DANCE_TEST_POSTGRES_DSN is not set")
	}
	browsers, dances := 20, 200
	if os.Getenv("DANCE_LOAD") == "1" {
		browsers, dances = 200, 2000
	}
	for _, kill := range []bool{false, true} {
		name := "steady"
		if kill {
			name = "connection killed"
		}
		t.Run(name, func(t *testing.T) {
			r := runLoad(t, dsn, browsers, dances, kill)
			t.Logf("%d dances by %d browsers in %v: %.0f dances/s, p50 %v, p99 %v; %d failed and retried, %d 5xx, %d connections killed",
				r.ok, browsers, r.elapsed.Round(time.Millisecond), float64(r.ok)/r.elapsed.Seconds(),
				r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.retried, r.status5xx, r.killed)
			for _, f := range r.failures {
				t.Logf("retried after: %s", f)
			}
			if !kill && r.status5xx != 0 {
				t.Errorf("%d 5xx answers without a fault", r.status5xx)
			}
			if kill && r.killed == 0 {
				t.Error("no connection of the app was killed")
			}
		})
	}
}

type loadResult struct {
	ok, retried, status5xx, killed int
	elapsed, p50, p99              time.Duration
	failures                       []string // the distinct errors that made browsers retry
}

// runLoad runs the dances and fails t when a check fails.
func runLoad(t *testing.T, dsn string, browsers, dances int, kill bool) loadResult {
	appName := "dance-load-" + gormtest.RandHex(6)
	d := gormtest.Open(t, "postgres", postgres.Open(dsn+" application_name="+appName))
	admin := openPostgres(t)
	s := gormtest.NewStore(t, d, gormstore.Config{Table: gormtest.UniqueTable(t, admin), User: gormtest.UserFromSession})
	app := gormtest.NewApp(t, s, false)
	stop := make(chan struct{})
	defer close(stop)
	go func() { // the test app's hook records errors; this run counts them itself
		for {
			select {
			case <-app.Errs:
			case <-stop:
				return
			}
		}
	}()
	var mu sync.Mutex
	issued := map[uint]string{} // the last token issued to each user
	owner := map[string]uint{}  // every token issued, and its user
	app.SetAuthorized(func(c *gin.Context, _ *dance.Blueprint, tok *dance.Token) (bool, error) {
		uid, _ := sessions.Default(c).Get("uid").(uint)
		mu.Lock()
		issued[uid] = tok.AccessToken
		owner[tok.AccessToken] = uid
		mu.Unlock()
		return true, nil
	})
	// A failed save is answered with a clear, retryable error.
	app.SetError(func(c *gin.Context, _ *dance.Blueprint, e *dance.Error) {
		if e.Stage == dance.StageStore {
			c.Header("Retry-After", "1")
			c.String(http.StatusServiceUnavailable, "could not save your login, please try again: %v", e)
			c.Abort()
		}
	})

	var (
		done, retried, status5xx atomic.Int64
		killOnce                 sync.Once
		killed                   int
		latMu                    sync.Mutex
		lat                      []time.Duration
		failures                 = map[string]bool{}
		problems                 = make(chan string, browsers)
		final                    = make([]string, browsers+1)
	)
	killAt := int64(dances / 2)
	transport := &http.Transport{MaxIdleConnsPerHost: browsers}
	defer transport.CloseIdleConnections()
	start := time.Now()
	var wg sync.WaitGroup
	for b := 1; b <= browsers; b++ {
		wg.Go(func() {
			uid := uint(b)
			u := app.NewUser()
			u.HC.Timeout = 10 * time.Second
			u.HC.Transport = &countTransport{base: transport, n5xx: &status5xx}
			if err := u.LoginAs(uid); err != nil {
				problems <- fmt.Sprintf("user %d: %v", uid, err)
				return
			}
			for k := b - 1; k < dances; k += browsers {
				var err error
				for attempt := 0; attempt < 5; attempt++ {
					t0 := time.Now()
					var loc, got string
					if loc, err = u.Dance(); err == nil && loc != "/" {
						err = fmt.Errorf("callback redirected to %q", loc)
					}
					elapsed := time.Since(t0)
					if err == nil {
						got, err = u.Token(0)
					}
					if err != nil {
						retried.Add(1)
						latMu.Lock()
						failures[oneLine(err.Error())] = true
						latMu.Unlock()
						continue
					}
					mu.Lock()
					want, who := issued[uid], owner[got]
					mu.Unlock()
					if who != uid {
						problems <- fmt.Sprintf("user %d read a token issued to user %d", uid, who)
						return
					}
					if got != want {
						problems <- fmt.Sprintf("user %d: lost write: reads an older token after a successful dance", uid)
						return
					}
					final[uid] = got
					latMu.Lock()
					lat = append(lat, elapsed)
					latMu.Unlock()
					if done.Add(1) == killAt && kill {
						killOnce.Do(func() {
							err := admin.DB.Raw(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
								WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ?`, appName).
								Scan(&killed).Error
							if err != nil {
								problems <- fmt.Sprintf("pg_terminate_backend: %v", err)
							}
						})
					}
					break
				}
				if err != nil {
					problems <- fmt.Sprintf("user %d: a dance failed 5 times, last: %s", uid, oneLine(err.Error()))
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(problems)
	for p := range problems {
		t.Error(p)
	}
	if t.Failed() {
		t.FailNow()
	}

	// Every user has exactly its own token: all pairs differ.
	for i := 1; i <= browsers; i++ {
		for j := 1; j < i; j++ {
			if final[i] == final[j] {
				t.Fatalf("users %d and %d hold the same token", j, i)
			}
		}
	}
	// The table holds one complete row per user, with the user's last token.
	var rows []struct {
		Provider string
		UserID   *uint
		Token    string
	}
	if err := admin.DB.Table(s.Table()).Select("provider, user_id, token::text AS token").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != browsers {
		t.Fatalf("%d rows for %d users", len(rows), browsers)
	}
	seen := map[uint]bool{}
	for _, r := range rows {
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
		}
		if r.UserID == nil || r.Provider != "fake" || json.Unmarshal([]byte(r.Token), &tok) != nil || tok.TokenType == "" {
			t.Fatalf("incomplete row: provider %q user %v", r.Provider, r.UserID)
		}
		uid := *r.UserID
		if seen[uid] || tok.AccessToken != final[uid] || tok.AccessToken != issued[uid] {
			t.Fatalf("user %d: the row does not hold the user's last token", uid)
		}
		seen[uid] = true
	}

	slices.Sort(lat)
	res := loadResult{ok: len(lat), retried: int(retried.Load()), status5xx: int(status5xx.Load()), killed: killed, elapsed: elapsed}
	if len(lat) != dances {
		t.Fatalf("%d dances completed, want %d", len(lat), dances)
	}
	res.p50 = lat[len(lat)/2]
	res.p99 = lat[(len(lat)*99+99)/100-1]
	for f := range failures {
		res.failures = append(res.failures, f)
	}
	slices.Sort(res.failures)
	return res
}

// countTransport counts 5xx answers.
type countTransport struct {
	base http.RoundTripper
	n5xx *atomic.Int64
}

func (c *countTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err == nil && resp.StatusCode >= 500 {
		c.n5xx.Add(1)
	}
	return resp, err
}

// oneLine shortens an error message for the log. The messages come from
// the app's error answers, which never carry a token.
func oneLine(msg string) string {
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return strings.ReplaceAll(msg, "\n", " ")
}
