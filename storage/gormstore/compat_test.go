package gormstore_test

import (
	"context"
	"encoding/json"
	"maps"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/gormtest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-gonic/gin"
)

// flaskFixture is the database that Flask-Dance wrote, made by
// testdata/flask_dance_tokens.py.
const flaskFixture = "testdata/flask_dance.db"

func TestNewRejectsUserWithoutColumn(t *testing.T) {
	d := gormtest.SQLite(t)
	_, err := gormstore.New(d.DB, gormstore.Config{Model: &gormstore.Model{}, UserID: func(*gin.Context) any { return 1 }})
	if err == nil {
		t.Fatal("New accepted a user source on a model without user_id")
	}
}

// 9. Rows written by Flask-Dance's SQLAlchemyStorage are read correctly,
// and a token written by us has exactly the keys Flask-Dance writes.
func TestAcceptance9_FlaskDanceCompatibility(t *testing.T) {
	t.Run("read Flask-Dance rows", func(t *testing.T) {
		db, _ := gormtest.FlaskDB(t, flaskFixture)
		s, err := gormstore.New(db, gormstore.Config{Model: &gormtest.UserOAuth{}}) // table flask_dance_oauth
		if err != nil {
			t.Fatal(err)
		}
		if s.Table() != "flask_dance_oauth" {
			t.Fatalf("table %q", s.Table())
		}
		get := func(name string, uid any) *storage.Token {
			t.Helper()
			tok, err := s.GetFor(gormtest.Ctx(0), name, gormstore.Who{UserID: uid})
			if err != nil || tok == nil {
				t.Fatalf("%s for %v: %v, %v", name, uid, tok, err)
			}
			return tok
		}
		gh := get("github", 1)
		if gh.AccessToken != "alice-github-access" || gh.RefreshToken != "alice-github-refresh" || gh.TokenType != "bearer" ||
			!slices.Equal(gh.Scope, []string{"user:email", "repo"}) || !gh.ExpiresAt.Equal(time.Unix(1700003600, 0)) {
			t.Errorf("alice's github token = %+v", gh)
		}
		if got := get("github", 2).AccessToken; got != "bob-github-access" {
			t.Errorf("bob's github token = %q", got)
		}
		g := get("google", 1)
		if g.Extra["id_token"] != "header.payload.signature" || !g.ExpiresAt.Equal(time.Unix(1700003599, 0)) {
			t.Errorf("alice's google token = %+v", g)
		}
		if tok, err := s.GetFor(gormtest.Ctx(0), "google", gormstore.Who{UserID: 2}); err != nil || tok != nil {
			t.Errorf("bob has no google token, got %v, %v", tok, err)
		}
		tw := get("twitter", nil) // the user-less OAuth 1 token
		if tw.OAuthToken != "tw-token" || tw.OAuthTokenSecret != "tw-secret" || tw.Extra["screen_name"] != "twitterapi" {
			t.Errorf("twitter token = %+v", tw)
		}
	})

	t.Run("our keys are Flask-Dance's", func(t *testing.T) {
		db, _ := gormtest.FlaskDB(t, flaskFixture)
		var flask string
		if err := db.Raw("SELECT token FROM flask_dance_oauth WHERE provider = 'github' AND user_id = 1").Scan(&flask).Error; err != nil {
			t.Fatal(err)
		}
		// Our dance, against a provider that answers as GitHub did there.
		d := gormtest.SQLite(t)
		s := gormtest.NewStore(t, d, gormstore.Config{})
		app := gormtest.NewApp(t, s, false, dancetest.Config{Scope: "user:email repo", RefreshToken: true})
		if _, err := app.NewUser().Dance(); err != nil {
			t.Fatal(err)
		}
		var ours string
		if err := d.DB.Raw("SELECT token FROM " + s.Table()).Scan(&ours).Error; err != nil {
			t.Fatal(err)
		}
		if fk, ok := keys(t, flask), keys(t, ours); !slices.Equal(fk, ok) {
			t.Errorf("our token's keys %v, Flask-Dance's %v", ok, fk)
		}
	})

	t.Run("Flask-Dance reads our rows", func(t *testing.T) {
		if _, err := exec.Command("/usr/bin/python3", "-c", "import flask_dance, flask_sqlalchemy").CombinedOutput(); err != nil {
			t.Skip("Flask-Dance is not installed (apt-get install python3-flask-dance python3-flask-sqlalchemy)")
		}
		db, path := gormtest.FlaskDB(t, flaskFixture)
		s, err := gormstore.New(db, gormstore.Config{Model: &gormtest.UserOAuth{}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(context.Background()); err != nil { // adds the indexes to Flask-Dance's table
			t.Fatal(err)
		}
		want := &storage.Token{AccessToken: "go-wrote-this", TokenType: "bearer", Scope: []string{"repo"},
			ExpiresAt: time.Now().Add(time.Hour).Truncate(time.Second), Extra: map[string]any{"id_token": "x.y.z"}}
		if err := s.SetFor(gormtest.Ctx(0), "github", gormstore.Who{UserID: 1}, want); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("/usr/bin/python3", "testdata/flask_dance_tokens.py", "read", path, "github", "1").CombinedOutput()
		if err != nil {
			t.Fatalf("Flask-Dance could not read our row: %v\n%s", err, out)
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("Flask-Dance printed %q: %v", out, err)
		}
		if got["access_token"] != "go-wrote-this" || got["id_token"] != "x.y.z" || got["expires_at"] != float64(want.ExpiresAt.Unix()) {
			t.Errorf("Flask-Dance read %v", got)
		}
		// Bob's row, written by Flask-Dance, is untouched.
		if tok, _ := s.GetFor(gormtest.Ctx(0), "github", gormstore.Who{UserID: 2}); tok == nil || tok.AccessToken != "bob-github-access" {
			t.Errorf("bob's token = %v", tok)
		}
	})
}

func keys(t *testing.T, raw string) []string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(m))
}
