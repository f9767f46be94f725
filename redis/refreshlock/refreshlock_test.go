package refreshlock

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gin-dance/dance/redis/internal/redistest"
)

func newLock(t *testing.T) *Redis {
	rdb, prefix := redistest.Client(t)
	return &Redis{Client: rdb, Prefix: prefix}
}

// TestLockExcludes: a second holder waits until the first releases, and
// gives up with its context.
func TestLockExcludes(t *testing.T) {
	l := newLock(t)
	unlock, err := l.Lock(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.Lock(ctx, "k"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Lock while held = %v, want DeadlineExceeded", err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := l.Lock(context.Background(), "k")
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("Lock after release = %v", err)
	}
}

// TestUnlockKeepsOthersLock: a holder whose lock expired does not release
// the lock another holder took since.
func TestUnlockKeepsOthersLock(t *testing.T) {
	l := newLock(t)
	l.TTL = 20 * time.Millisecond
	unlock, err := l.Lock(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	l2 := *l
	l2.TTL = time.Minute
	unlock2, err := l2.Lock(context.Background(), "k") // waits for the expiry
	if err != nil {
		t.Fatal(err)
	}
	defer unlock2()
	unlock()
	if n, _ := l.Client.Exists(context.Background(), l.Prefix+"k").Result(); n != 1 {
		t.Fatal("the expired holder's unlock released the new holder's lock")
	}
}
