package gormstore_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/gormtest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
)

// The MySQL driver logs dropped connections itself; the tests check the
// errors that reach the app instead.
func init() { gomysql.SetLogger(quietMySQL{}) }

type quietMySQL struct{}

func (quietMySQL) Print(...any) {}

// faultyPostgres opens a FaultyDB on PostgreSQL whose store connections go
// through a dancetest.Proxy, or skips.
func faultyPostgres(t testing.TB) *gormtest.FaultyDB {
	t.Helper()
	dsn := postgresDSN(t)
	direct := gormtest.Open(t, "postgres", postgres.Open(dsn))
	var addr string
	if err := direct.DB.Raw("SELECT inet_server_addr()::text || ' ' || inet_server_port()").Scan(&addr).Error; err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(addr, " ")
	host, _, _ = strings.Cut(host, "/")
	p := dancetest.NewProxy(t, host+":"+port)
	phost, pport, _ := strings.Cut(p.Addr(), ":")
	app := "dance-fault-" + gormtest.RandHex(6)
	// Later keywords win in a PostgreSQL keyword/value DSN.
	pdsn := dsn + " host=" + phost + " port=" + pport + " connect_timeout=2 application_name=" + app
	d := &gormtest.FaultyDB{DB: gormtest.Open(t, "postgres", postgres.Open(pdsn)), Direct: direct, Down: p.Down, AppName: app}
	d.Up = func() {
		if err := p.Up(); err != nil {
			t.Error(err)
		}
	}
	return d
}

// faultyMySQL opens a FaultyDB on MariaDB or MySQL whose store connections
// go through a dancetest.Proxy, or skips.
func faultyMySQL(t testing.TB) *gormtest.FaultyDB {
	t.Helper()
	dsn := mysqlDSN(t)
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := dancetest.NewProxy(t, cfg.Addr)
	cfg.Addr, cfg.Timeout = p.Addr(), 2*time.Second
	d := &gormtest.FaultyDB{DB: gormtest.Open(t, "mysql", mysql.Open(cfg.FormatDSN())), Direct: gormtest.Open(t, "mysql", mysql.Open(dsn)), Down: p.Down}
	d.Up = func() {
		if err := p.Up(); err != nil {
			t.Error(err)
		}
	}
	return d
}

var faultyDBs = []gormtest.FaultyDatabase{{Name: "postgres", Open: faultyPostgres}, {Name: "mysql", Open: faultyMySQL}}

func TestFaultDatabaseDownDuringTokenSave(t *testing.T) {
	gormtest.RunFaulty(t, gormtest.FaultDatabaseDownDuringTokenSave, faultyDBs...)
}

func TestFaultDatabaseDownDuringRead(t *testing.T) {
	gormtest.RunFaulty(t, gormtest.FaultDatabaseDownDuringRead, faultyDBs...)
}

// The app's PostgreSQL connections are terminated (pg_terminate_backend)
// between two calls. The next write, delete and read each succeed on a new
// connection: the statements are idempotent, so the store runs them again
// instead of failing the user's dance.
func TestFaultKilledConnectionIsRetried(t *testing.T) {
	dsn := os.Getenv("DANCE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("DANCE_TEST_POSTGRES_DSN is not set")
	}
	appName := "dance-kill-" + gormtest.RandHex(6)
	d := gormtest.Open(t, "postgres", postgres.Open(dsn+" application_name="+appName))
	admin := openPostgres(t)
	s := gormtest.NewStore(t, d, gormstore.Config{Table: gormtest.UniqueTable(t, admin)})
	kill := func() {
		t.Helper()
		var n int
		err := admin.DB.Raw(`SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ?`, appName).Scan(&n).Error
		if err != nil || n == 0 {
			t.Fatalf("killed %d connections: %v", n, err)
		}
	}
	c := gormtest.Ctx(1)
	for i, step := range []func() error{
		func() error { return s.Set(c, "github", &storage.Token{AccessToken: "first"}) },
		func() error { return s.Set(c, "github", &storage.Token{AccessToken: "second"}) },
		func() error {
			tok, err := s.Get(c, "github")
			if err == nil && (tok == nil || tok.AccessToken != "second") {
				return errors.New("read the wrong token")
			}
			return err
		},
		func() error { return s.Delete(c, "github") },
	} {
		if i > 0 {
			kill()
		}
		if err := step(); err != nil {
			t.Fatalf("step %d after the connections were killed: %v", i, err)
		}
	}
	if n := (&gormtest.FaultyDB{Direct: admin}).Count(t, s); n != 0 {
		t.Fatalf("%d rows after the delete", n)
	}
}
