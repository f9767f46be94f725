package logout

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/gin-dance/dance/internal/expiring"
	"github.com/gin-dance/dance/logoutstore"
)

// Retention is how long a back-channel logout is remembered: a token
// issued before it and stored longer than this (a session cookie older
// than 30 days) is not found by the record any more.
const Retention = 30 * 24 * time.Hour

// MemoryMax bounds the in-process record.
const MemoryMax = 100_000

// Memory is the in-process record of ended sessions: the default, which
// a second instance or a restart does not share.
type Memory struct {
	m *expiring.Map[string, int64]
	// n counts the logouts ever recorded, so that a blueprint that has
	// received none pays one atomic load per token load.
	n atomic.Int64
}

var _ logoutstore.Store = (*Memory)(nil)

// NewMemory returns an empty record on the clock now.
func NewMemory(now func() time.Time) *Memory {
	return &Memory{m: expiring.New[string, int64](MemoryMax, now)}
}

// End implements [logoutstore.Store].
func (m *Memory) End(_ context.Context, key string, at, until time.Time) error {
	m.n.Add(1)
	m.m.Update(key, func(cur int64, ok bool) int64 {
		if ok && cur > at.Unix() {
			return cur
		}
		return at.Unix()
	}, until)
	return nil
}

// Empty reports whether no logout was ever recorded: then no token needs
// to be looked up.
func (m *Memory) Empty() bool { return m.n.Load() == 0 }

// Ended implements [logoutstore.Store].
func (m *Memory) Ended(_ context.Context, keys ...string) (time.Time, error) {
	if m.n.Load() == 0 {
		return time.Time{}, nil
	}
	var latest int64
	for _, k := range keys {
		if v, ok := m.m.Get(k); ok && v > latest {
			latest = v
		}
	}
	if latest == 0 {
		return time.Time{}, nil
	}
	return time.Unix(latest, 0), nil
}

// Ends reports whether a logout recorded in store ends the stored
// session s of blueprint name: one of its user or its provider session at
// or after the time its ID token was issued.
func Ends(ctx context.Context, store logoutstore.Store, name string, s Session) (bool, error) {
	at, err := store.Ended(ctx, Keys(name, s.Issuer, s.Subject, s.SessionID)...)
	if err != nil || at.IsZero() {
		return false, err
	}
	return !s.IssuedAt.After(at), nil
}
