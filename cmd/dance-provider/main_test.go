package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLoadPersonas: the flag takes inline JSON or a file, and refuses a
// persona without a login.
func TestLoadPersonas(t *testing.T) {
	file := filepath.Join(t.TempDir(), "p.json")
	os.WriteFile(file, []byte(`[{"login":"carol","name":"Carol","email":"c@example.com","verified":true}]`), 0o600)
	for _, v := range []string{`[{"login":"carol","name":"Carol","email":"c@example.com","verified":true}]`, file} {
		who, err := loadPersonas(v)
		if err != nil || len(who) != 1 || who[0].Login != "carol" || !who[0].Verified {
			t.Errorf("loadPersonas(%q) = %+v, %v", v, who, err)
		}
	}
	if _, err := loadPersonas(`[{"name":"nobody"}]`); err == nil {
		t.Error("a persona without a login was accepted")
	}
}
