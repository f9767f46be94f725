package contrib_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-dance/dance/internal/presets"
)

// Acceptance 5: every preset's Config says where the provider's
// documentation is, and every option field is documented, so that go doc
// shows each preset with its options. (The Flask-Dance function and
// argument each maps to are the docs generator's table, whose test,
// internal/cmd/gendocs's TestFlaskDanceTable, checks that every option
// has one.)
func TestPresetDocs(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	configs := 0
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok || !strings.HasSuffix(ts.Name.Name, "Config") {
					continue
				}
				configs++
				if doc := gd.Doc.Text(); !strings.Contains(doc, "https://") {
					t.Errorf("%s: doc lacks the provider's documentation URL", ts.Name.Name)
				}
				for _, fld := range st.Fields.List {
					if len(fld.Names) == 0 {
						continue // embedded Endpoints and dance.Options
					}
					if strings.TrimSpace(fld.Doc.Text()) == "" {
						t.Errorf("%s.%s: no doc comment", ts.Name.Name, fld.Names[0].Name)
					}
				}
			}
		}
	}
	if configs != len(presets.All) { // every preset of internal/presets, no more
		t.Errorf("%d preset Config types, want %d (presets.All)", configs, len(presets.All))
	}
}
