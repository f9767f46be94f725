package storage

import (
	"sync"

	"github.com/gin-gonic/gin"
)

// Memory keeps tokens in process memory, one per blueprint name, shared by
// every request and user. It is meant for tests and single-user tools.
type Memory struct {
	mu      sync.Mutex
	initial *Token
	tokens  map[string]*Token // a nil value means deleted
}

// NewMemory returns a memory storage in which every blueprint starts with
// a copy of initial (which may be nil).
func NewMemory(initial *Token) *Memory {
	return &Memory{initial: initial.Clone(), tokens: make(map[string]*Token)}
}

// Get implements [Storage]. It returns a copy of the stored token.
func (m *Memory) Get(_ *gin.Context, name string) (*Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if tok, ok := m.tokens[name]; ok {
		return tok.Clone(), nil
	}
	return m.initial.Clone(), nil
}

// Set implements [Storage]. It stores a copy of tok.
func (m *Memory) Set(_ *gin.Context, name string, tok *Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[name] = tok.Clone()
	return nil
}

// Delete implements [Storage].
func (m *Memory) Delete(_ *gin.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[name] = nil
	return nil
}

// Null stores nothing: Get always returns no token. It is for tests of the
// logged-out paths.
type Null struct{}

// Get implements [Storage]; it always returns (nil, nil).
func (Null) Get(*gin.Context, string) (*Token, error) { return nil, nil }

// Set implements [Storage]; it discards the token.
func (Null) Set(*gin.Context, string, *Token) error { return nil }

// Delete implements [Storage]; it does nothing.
func (Null) Delete(*gin.Context, string) error { return nil }
