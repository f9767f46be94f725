package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Acceptance 2: the committed providers chapter is what the presets say
// now. (.ci/run also regenerates it into a temporary file and diffs.)
func TestProvidersChapterUpToDate(t *testing.T) {
	want, err := Providers("../../../contrib")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../../docs/providers.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/providers.md differs from the presets; run go generate ./docs")
	}
}

// The multi-user chapter quotes the multiuser example's code, and the
// quote is the example's current code.
func TestSnippetsUpToDate(t *testing.T) {
	chapters, err := filepath.Glob("../../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	quoted := 0
	for _, path := range chapters {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		quoted += len(snippetRE.FindAll(text, -1))
		want, err := FillSnippets("../../..", text)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !bytes.Equal(text, want) {
			t.Errorf("%s quotes code that has changed; run go generate ./docs", path)
		}
	}
	if quoted == 0 {
		t.Error("no chapter quotes an _example file; the multi-user chapter should")
	}
}

// A quote that no longer matches its source is found, and a quote of a
// declaration that is gone is an error.
func TestSnippetDrift(t *testing.T) {
	stale := []byte("x\n<!-- snippet: _example/multiuser/main.go loggedIn -->\n```go\nfunc old() {}\n```\ny\n")
	out, err := FillSnippets("../../..", stale)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(out, stale) || !strings.Contains(string(out), "func (a *app) loggedIn(") {
		t.Errorf("the stale quote was not replaced by the example's loggedIn:\n%s", out)
	}
	if _, err := FillSnippets("../../..", []byte("<!-- snippet: _example/multiuser/main.go noSuchFunc -->\n```go\n```\n")); err == nil {
		t.Error("a quote of a missing declaration is not an error")
	}
}
