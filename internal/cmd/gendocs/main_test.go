package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-dance/dance/internal/presets"
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

// Every preset has its make_*_blueprint and every option field its
// Flask-Dance argument in the table (contrib's doc comments no longer say
// them), and the table maps no Config or field that is gone. The check
// that the chapter relies on refuses a missing mapping, a stale one, and
// a doc comment that still says another argument.
func TestFlaskDanceTable(t *testing.T) {
	src, err := parseContrib("../../../contrib")
	if err != nil {
		t.Fatal(err)
	}
	if len(flaskDance) != flaskDancePresets {
		t.Errorf("the table maps %d presets, want Flask-Dance's %d", len(flaskDance), flaskDancePresets)
	}
	if len(src.configs) != len(presets.All) {
		t.Errorf("%d preset Config types, want one per provider of presets.All (%d)", len(src.configs), len(presets.All))
	}
	fn := regexp.MustCompile(`^make_[a-z0-9]+_blueprint$`)
	for name, cd := range src.configs {
		if _, ok := flaskDance[name]; !ok {
			continue // a preset Flask-Dance does not have
		}
		fp, err := flaskDanceOf(name, cd)
		if err != nil {
			t.Error(err)
			continue
		}
		if _, ok := flaskDance[name]; ok && !fn.MatchString(fp.Func) {
			t.Errorf("%s: Flask-Dance function %q", name, fp.Func)
		}
	}
	for name := range flaskDance {
		if src.configs[name] == nil {
			t.Errorf("the table maps %s, which is not a preset's Config", name)
		}
	}

	gh := func(fields ...field) *configDoc { return &configDoc{Fields: fields} }
	for what, cd := range map[string]*configDoc{
		"a field without a mapping": gh(field{Name: "ClientID"}, field{Name: "ClientSecret"}, field{Name: "Scopes"}, field{Name: "Hostname"}),
		"a mapping of no field":     gh(field{Name: "ClientID"}, field{Name: "ClientSecret"}),
		"a comment that disagrees":  gh(field{Name: "ClientID", Doc: "The ID.\nFlask-Dance: client_key.\n"}, field{Name: "ClientSecret"}, field{Name: "Scopes"}),
	} {
		if _, err := flaskDanceOf("GitHubConfig", cd); err == nil {
			t.Errorf("%s passes", what)
		}
	}
	// A preset Flask-Dance does not have (LINE, Kakao, …) is absent from
	// the table: no counterpart, and no error.
	if fp, err := flaskDanceOf("LINEConfig", gh(field{Name: "ClientID"})); err != nil || fp.Func != "" {
		t.Errorf("a preset absent from the table: %+v, %v; want no counterpart and no error", fp, err)
	}
	if _, err := flaskDanceOf("GitHubConfig", gh(field{Name: "ClientID"}, field{Name: "ClientSecret"}, field{Name: "Scopes"}, field{Name: "NewOption"})); err == nil {
		t.Error("a new option of a preset in the table passes without a mapping")
	}
}

// A preset that Flask-Dance does not have (LINE) is in the chapter, with
// "—" in its options' Flask-Dance column and no Flask-Dance function on
// its line, while GitHub keeps its make_github_blueprint and arguments.
func TestProvidersChapterPresetWithoutFlaskDance(t *testing.T) {
	out, err := Providers("../../../contrib")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(out)
	line, _, _ := strings.Cut(doc[strings.Index(doc, "\n## LINE\n"):], "\n## LinkedIn")
	if !strings.Contains(line, "| `ClientID` | `string` | — |") || strings.Contains(line, "Flask-Dance: `") {
		t.Errorf("the LINE section does not show \"—\" for Flask-Dance:\n%s", line)
	}
	if !strings.Contains(doc, "Flask-Dance: `make_github_blueprint`") || !strings.Contains(doc, "| `ClientID` | `string` | `client_id` |") {
		t.Error("GitHub lost its Flask-Dance counterpart")
	}
}
