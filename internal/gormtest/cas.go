package gormtest

import (
	"testing"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-dance/dance/storage/gormstore"
)

// CompareAndDelete checks the atomic delete on every database: a
// token that no longer carries the refused refresh token is kept and
// returned; one that does is deleted; other users' tokens are untouched.
// It runs on a plaintext store and on an encrypted one (the condition is
// then the row's ciphertext).
func CompareAndDelete(t *testing.T, d *DB) {
	t.Run("plaintext", func(t *testing.T) { compareAndDelete(t, NewStore(t, d, gormstore.Config{})) })
	t.Run("encrypted", func(t *testing.T) { compareAndDelete(t, NewStore(t, d, gormstore.Config{Cipher: Cipher(t, "k1")})) })
}

func compareAndDelete(t *testing.T, s *gormstore.Store) {
	var _ storage.CompareAndDeleter = s
	alice, bob := Ctx(1), Ctx(2)
	newer := &storage.Token{AccessToken: "at-2", RefreshToken: "rt-2"}
	if err := s.Set(alice, "fake", newer); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(bob, "fake", &storage.Token{AccessToken: "at-b", RefreshToken: "rt-1"}); err != nil {
		t.Fatal(err)
	}
	cur, err := s.CompareAndDelete(alice, "fake", "rt-1")
	if err != nil || cur == nil || cur.RefreshToken != "rt-2" {
		t.Fatalf("CompareAndDelete(rt-1) on a newer token = %+v, %v; want the stored rt-2 token kept", cur, err)
	}
	if got, _ := s.Get(alice, "fake"); got == nil || got.RefreshToken != "rt-2" {
		t.Fatalf("after a refused compare, stored = %+v; want rt-2", got)
	}
	cur, err = s.CompareAndDelete(alice, "fake", "rt-2")
	if err != nil || cur != nil {
		t.Fatalf("CompareAndDelete(rt-2) = %+v, %v; want nil, nil", cur, err)
	}
	if got, _ := s.Get(alice, "fake"); got != nil {
		t.Fatalf("after a matching compare, stored = %+v; want none", got)
	}
	if got, _ := s.Get(bob, "fake"); got == nil || got.RefreshToken != "rt-1" {
		t.Fatalf("bob's token = %+v; want it untouched", got)
	}
}
