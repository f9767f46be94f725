// Package storagetest is a conformance suite for [storage.Storage]
// implementations, in the manner of gin-contrib/sessions' tester: every
// storage of dance, and any third-party one, runs the same tests.
package storagetest

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// Harness gives the suite a storage and the requests to use it in.
type Harness struct {
	// Storage is the storage under test.
	Storage storage.Storage
	// Request returns the context of the next request of one user. For a
	// storage that keeps tokens per user or per session, every call must
	// carry what the previous response set (cookies, the logged-in user).
	Request func() *gin.Context
	// Discards says the storage keeps nothing (like [storage.Null]): Get
	// must then return no token even after Set.
	Discards bool
}

// Run runs the conformance suite. newHarness is called once per subtest,
// so each starts from an empty storage.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	for _, c := range []struct {
		name string
		test func(t *testing.T, h Harness)
	}{
		{"EmptyGet", testEmptyGet},
		{"SetGet", testSetGet},
		{"Overwrite", testOverwrite},
		{"KeyedByName", testKeyedByName},
		{"Delete", testDelete},
		{"DeleteMissing", testDeleteMissing},
		{"ReturnedTokenIsACopy", testReturnedTokenIsACopy},
		{"Concurrent", testConcurrent},
	} {
		t.Run(c.name, func(t *testing.T) { c.test(t, newHarness(t)) })
	}
}

// testEmptyGet checks that an empty storage has no token.
func testEmptyGet(t *testing.T, h Harness) {
	tok, err := h.Storage.Get(h.Request(), "github")
	if err != nil || tok != nil {
		t.Fatalf("Get on empty storage = %v, %v; want nil, nil", tok, err)
	}
}

// testSetGet checks that a stored token reads back as it was.
func testSetGet(t *testing.T, h Harness) {
	want := sample()
	if err := h.Storage.Set(h.Request(), "github", want); err != nil {
		t.Fatalf("Set: %v", err)
	}
	got, err := h.Storage.Get(h.Request(), "github")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if h.Discards {
		if got != nil {
			t.Fatalf("a discarding storage returned a token")
		}
		return
	}
	assertEqual(t, got, want)
}

// testOverwrite checks that a second Set replaces the first token.
func testOverwrite(t *testing.T, h Harness) {
	first, second := sample(), sample()
	second.AccessToken = "second-access-token"
	for _, tok := range []*storage.Token{first, second} {
		if err := h.Storage.Set(h.Request(), "github", tok); err != nil {
			t.Fatalf("Set: %v", err)
		}
	}
	got, err := h.Storage.Get(h.Request(), "github")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !h.Discards {
		assertEqual(t, got, second)
	}
}

// testKeyedByName checks that tokens are kept by blueprint name.
func testKeyedByName(t *testing.T, h Harness) {
	a := sample()
	if err := h.Storage.Set(h.Request(), "github", a); err != nil {
		t.Fatalf("Set: %v", err)
	}
	got, err := h.Storage.Get(h.Request(), "google")
	if err != nil || got != nil {
		t.Fatalf("Get(other name) = %v, %v; want nil, nil", got, err)
	}
	if err := h.Storage.Delete(h.Request(), "google"); err != nil {
		t.Fatalf("Delete(other name): %v", err)
	}
	got, err = h.Storage.Get(h.Request(), "github")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !h.Discards {
		assertEqual(t, got, a)
	}
}

// testDelete checks that a deleted token is gone.
func testDelete(t *testing.T, h Harness) {
	if err := h.Storage.Set(h.Request(), "github", sample()); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := h.Storage.Delete(h.Request(), "github"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	got, err := h.Storage.Get(h.Request(), "github")
	if err != nil || got != nil {
		t.Fatalf("Get after Delete = %v, %v; want nil, nil", got, err)
	}
}

// testDeleteMissing checks that deleting a token that is not there is not an error.
func testDeleteMissing(t *testing.T, h Harness) {
	if err := h.Storage.Delete(h.Request(), "github"); err != nil {
		t.Fatalf("Delete of a missing token: %v", err)
	}
	if err := h.Storage.Delete(h.Request(), "github"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
}

// testReturnedTokenIsACopy checks that the storage keeps and returns copies, not the caller's token.
func testReturnedTokenIsACopy(t *testing.T, h Harness) {
	tok := sample()
	if err := h.Storage.Set(h.Request(), "github", tok); err != nil {
		t.Fatalf("Set: %v", err)
	}
	tok.AccessToken = "changed after Set"
	got, err := h.Storage.Get(h.Request(), "github")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if h.Discards {
		return
	}
	if got.AccessToken == "changed after Set" {
		t.Fatal("the storage kept the caller's *Token instead of a copy")
	}
	got.Extra["user_id"] = "changed after Get"
	again, _ := h.Storage.Get(h.Request(), "github")
	if again.Extra["user_id"] == "changed after Get" {
		t.Fatal("Get returned the stored token itself, not a copy")
	}
}

// testConcurrent checks that the storage is safe for concurrent use.
func testConcurrent(t *testing.T, h Harness) {
	// Contexts are made up front: a gin.Context belongs to one request.
	ctxs := make([]*gin.Context, 16)
	for i := range ctxs {
		ctxs[i] = h.Request()
	}
	var wg sync.WaitGroup
	for i, c := range ctxs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := []string{"a", "b", "c", "d"}[i%4]
			_ = h.Storage.Set(c, name, sample())
			_, _ = h.Storage.Get(c, name)
			_ = h.Storage.Delete(c, name)
		}()
	}
	wg.Wait()
}

func sample() *storage.Token {
	return &storage.Token{
		AccessToken:  "access-token-value",
		TokenType:    "bearer",
		RefreshToken: "refresh-token-value",
		Scope:        []string{"user:email", "repo"},
		ExpiresAt:    time.Unix(1900000000, 500000000),
		Extra:        map[string]any{"id_token": "header.payload.sig", "user_id": "42"},
	}
}

func assertEqual(t *testing.T, got, want *storage.Token) {
	t.Helper()
	if got == nil {
		t.Fatal("Get returned no token")
	}
	if !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, want.ExpiresAt)
	}
	g, w := *got, *want
	g.ExpiresAt, w.ExpiresAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("Get = %+v, want %+v", g, w)
	}
}
