package gormtest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-contrib/sessions"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
	"github.com/gin-dance/dance/storage/storagetest"
	"github.com/gin-gonic/gin"
)

// Conformance runs the storage conformance suite without users, with
// one user, and with a cache.
func Conformance(t *testing.T, d *DB) {
	t.Run("no user", func(t *testing.T) {
		storagetest.Run(t, func(t *testing.T) storagetest.Harness {
			s := NewStore(t, d, gormstore.Config{Model: &gormstore.Model{}})
			return storagetest.Harness{Storage: s, Request: func() *gin.Context { return Ctx(0) }}
		})
	})
	t.Run("user", func(t *testing.T) {
		storagetest.Run(t, func(t *testing.T) storagetest.Harness {
			s := NewStore(t, d, gormstore.Config{UserRequired: new(true)})
			return storagetest.Harness{Storage: s, Request: func() *gin.Context { return Ctx(42) }}
		})
	})
	t.Run("cache", func(t *testing.T) {
		storagetest.Run(t, func(t *testing.T) storagetest.Harness {
			s := NewStore(t, d, gormstore.Config{Cache: gormstore.NewMemoryCache(100, time.Minute)})
			return storagetest.Harness{Storage: s, Request: func() *gin.Context { return Ctx(42) }}
		})
	})
}

// NoUserDanceStoresOneRow is acceptance 1: with no user, the dance stores
// one row with the provider and token.
func NoUserDanceStoresOneRow(t *testing.T, d *DB) {
	for _, model := range []any{&gormstore.Model{}, &UserOAuth{}} {
		t.Run(fmt.Sprintf("%T", model), func(t *testing.T) {
			s := NewStore(t, d, gormstore.Config{Model: model})
			app := NewApp(t, s, false)
			u := app.NewUser()
			for range 2 { // a second dance replaces the first token
				if _, err := u.Dance(); err != nil {
					t.Fatal(err)
				}
			}
			got := Rows(t, s)
			if len(got) != 1 {
				t.Fatalf("%d rows after two dances with no user, want 1", len(got))
			}
			if got[0].Provider != "fake" || got[0].UserID != nil {
				t.Errorf("row = provider %q, user %v; want \"fake\", NULL", got[0].Provider, got[0].UserID)
			}
			read, err := u.Token(0)
			if err != nil {
				t.Fatal(err)
			}
			if !got[0].Token.Valid() || got[0].Token.AccessToken != read {
				t.Errorf("row token %q, client reads %q", got[0].Token.AccessToken, read)
			}
			if !slices.Contains(app.Fake.Secrets(), read) {
				t.Error("the stored token is not one the provider issued")
			}
		})
	}
}

// UserRowAndOverride is acceptance 2: with user alice, the row has
// alice's ID. Switching the per-request user override switches which
// token the client gets.
func UserRowAndOverride(t *testing.T, d *DB) {
	s := NewStore(t, d, gormstore.Config{User: UserFromSession})
	app := NewApp(t, s, false)
	alice, bob := app.NewUser(), app.NewUser()
	tokens := map[uint]string{}
	for uid, u := range map[uint]*User{1: alice, 2: bob} {
		if err := u.LoginAs(uid); err != nil {
			t.Fatal(err)
		}
		if _, err := u.Dance(); err != nil {
			t.Fatal(err)
		}
		tok, err := u.Token(0)
		if err != nil || tok == "none" {
			t.Fatalf("user %d reads %q, %v", uid, tok, err)
		}
		tokens[uid] = tok
	}
	if tokens[1] == tokens[2] {
		t.Fatal("alice and bob have the same token")
	}
	for _, r := range Rows(t, s) {
		if r.UserID == nil || r.Token.AccessToken != tokens[*r.UserID] {
			t.Errorf("row user %v holds %q; tokens %v", r.UserID, r.Token.AccessToken, tokens)
		}
	}
	// The override wins over Config.User, for this request only.
	if got, _ := alice.Token(2); got != tokens[2] {
		t.Errorf("alice with the override for bob reads %q, want bob's %q", got, tokens[2])
	}
	if got, _ := alice.Token(0); got != tokens[1] {
		t.Errorf("alice's next request reads %q, want her own %q", got, tokens[1])
	}
}

// DeleteOnlyCurrentUsersRow is acceptance 3: Delete removes only the
// current user's row for this provider.
func DeleteOnlyCurrentUsersRow(t *testing.T, d *DB) {
	s := NewStore(t, d, gormstore.Config{UserRequired: new(false)})
	for _, uid := range []uint{0, 1, 2} {
		for _, name := range []string{"github", "google"} {
			tok := &storage.Token{AccessToken: fmt.Sprintf("%s-%d", name, uid)}
			if err := s.Set(Ctx(uid), name, tok); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Delete(Ctx(1), "github"); err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, r := range Rows(t, s) {
		left = append(left, r.Token.AccessToken)
	}
	slices.Sort(left)
	want := []string{"github-0", "github-2", "google-0", "google-1", "google-2"}
	if !slices.Equal(left, want) {
		t.Fatalf("after deleting user 1's github token: %v, want %v", left, want)
	}
	if tok, err := s.Get(Ctx(1), "github"); err != nil || tok != nil {
		t.Errorf("Get after Delete = %v, %v", tok, err)
	}
	// Deleting the user-less token keeps the users' tokens.
	if err := s.Delete(Ctx(0), "google"); err != nil {
		t.Fatal(err)
	}
	if n := len(Rows(t, s)); n != 4 {
		t.Errorf("%d rows after deleting the user-less google token, want 4", n)
	}
}

// UserRequired is acceptance 4: with a user required and no user logged
// in, the dance runs the error hook with ErrUserRequired and ends on the
// 401 page (not a redirect to next, which would go round the provider
// again), and the client's Authorized() is an error; with UserRequired
// false, the token is nil.
func UserRequired(t *testing.T, d *DB) {
	t.Run("required", func(t *testing.T) {
		s := NewStore(t, d, gormstore.Config{User: UserFromSession}) // auto-detected
		app := NewApp(t, s, false)
		u := app.NewUser()
		_, err := u.Dance()
		if err == nil || !strings.Contains(err.Error(), "callback: status 401") || !strings.Contains(err.Error(), "Sign in to this site first") {
			t.Fatalf("callback: %v, want 401 with the error page", err)
		}
		select {
		case e := <-app.Errs:
			if !errors.Is(e, storage.ErrUserRequired) || e.Stage != dance.StageStore {
				t.Errorf("error hook got %v, want ErrUserRequired at the store stage", e)
			}
		default:
			t.Fatal("the error hook did not run")
		}
		if n := len(Rows(t, s)); n != 0 {
			t.Errorf("%d rows stored without a user", n)
		}
		if _, err := u.Token(0); err == nil || !strings.Contains(err.Error(), storage.ErrUserRequired.Error()) {
			t.Errorf("Authorized() without a user: err %v, want ErrUserRequired", err)
		}
	})
	t.Run("not required", func(t *testing.T) {
		s := NewStore(t, d, gormstore.Config{User: UserFromSession, UserRequired: new(false)})
		app := NewApp(t, s, false)
		alice, anon := app.NewUser(), app.NewUser()
		if err := alice.LoginAs(1); err != nil {
			t.Fatal(err)
		}
		if _, err := alice.Dance(); err != nil {
			t.Fatal(err)
		}
		if got, err := anon.Token(0); err != nil || got != "none" {
			t.Errorf("a logged-out client reads %q, %v; want no token and no error", got, err)
		}
	})
}

// HookLogsUserIn is acceptance 5: an authorized hook that logs a user in
// during the dance makes the token save against that new user.
func HookLogsUserIn(t *testing.T, d *DB) {
	s := NewStore(t, d, gormstore.Config{User: UserFromSession})
	app := NewApp(t, s, false)
	app.SetAuthorized(func(c *gin.Context, _ *dance.Blueprint, _ *dance.Token) (bool, error) {
		sess := sessions.Default(c)
		sess.Set("uid", uint(7)) // "create" user 7 and log it in
		return true, sess.Save()
	})
	u := app.NewUser()
	if _, err := u.Dance(); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-app.Errs:
		t.Fatalf("error hook: %v", e)
	default:
	}
	got := Rows(t, s)
	if len(got) != 1 || got[0].UserID == nil || *got[0].UserID != 7 {
		t.Fatalf("rows = %+v, want one row of user 7", got)
	}
	if tok, _ := u.Token(0); tok != got[0].Token.AccessToken {
		t.Errorf("the new user reads %q, want %q", tok, got[0].Token.AccessToken)
	}
}

// OneRowUnderConcurrentSets is acceptance 6: overwriting keeps exactly
// one row; under 50 concurrent sets for the same (provider, user), exactly
// one row remains, holding one of the written tokens. Also for the
// user-less row.
func OneRowUnderConcurrentSets(t *testing.T, d *DB) {
	for _, uid := range []uint{1, 0} {
		t.Run(fmt.Sprintf("user %d", uid), func(t *testing.T) {
			s := NewStore(t, d, gormstore.Config{})
			for i := range 3 {
				if err := s.Set(Ctx(uid), "github", &storage.Token{AccessToken: fmt.Sprint("seq-", i)}); err != nil {
					t.Fatal(err)
				}
			}
			if got := Rows(t, s); len(got) != 1 || got[0].Token.AccessToken != "seq-2" {
				t.Fatalf("after 3 sets: %+v, want one row seq-2", got)
			}
			const n = 50
			written := make([]string, n)
			ctxs := make([]*gin.Context, n)
			for i := range n {
				written[i] = fmt.Sprint("concurrent-", i)
				ctxs[i] = Ctx(uid)
			}
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Go(func() {
					errs <- s.Set(ctxs[i], "github", &storage.Token{AccessToken: written[i]})
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			got := Rows(t, s)
			if len(got) != 1 {
				t.Fatalf("%d rows after %d concurrent sets, want 1", len(got), n)
			}
			if !slices.Contains(written, got[0].Token.AccessToken) {
				t.Errorf("the row holds %q, not a written token", got[0].Token.AccessToken)
			}
			if (uid == 0) != (got[0].UserID == nil) {
				t.Errorf("row user = %v, want %d", got[0].UserID, uid)
			}
		})
	}
}

// ConcurrentUsersOwnTokens is acceptance 7: 200 users doing the dance
// concurrently each end with their own token, and no user reads
// another's: every pair is checked.
func ConcurrentUsersOwnTokens(t *testing.T, d *DB) {
	const n = 200
	s := NewStore(t, d, gormstore.Config{User: UserFromSession})
	app := NewApp(t, s, false)
	var mu sync.Mutex
	issued := map[uint]string{} // what the provider gave each user
	app.SetAuthorized(func(c *gin.Context, _ *dance.Blueprint, tok *dance.Token) (bool, error) {
		uid, _ := sessions.Default(c).Get("uid").(uint)
		mu.Lock()
		issued[uid] = tok.AccessToken
		mu.Unlock()
		return true, nil
	})
	users := make([]*User, n+1)
	read := make([]string, n+1)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		users[i] = app.NewUser()
		wg.Go(func() {
			u := users[i]
			err := u.LoginAs(uint(i))
			if err == nil {
				_, err = u.Dance()
			}
			if err == nil {
				read[i], err = u.Token(0)
			}
			if err != nil {
				errs <- fmt.Errorf("user %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := len(Rows(t, s)); got != n {
		t.Fatalf("%d rows for %d users", got, n)
	}
	for i := 1; i <= n; i++ {
		if read[i] == "" || read[i] == "none" || read[i] != issued[uint(i)] {
			t.Fatalf("user %d reads %q, was issued %q", i, read[i], issued[uint(i)])
		}
		for j := 1; j < i; j++ {
			if read[i] == read[j] {
				t.Fatalf("users %d and %d read the same token", j, i)
			}
		}
	}
}
