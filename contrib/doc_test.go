package contrib_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Acceptance 5: every preset's Config says where the provider's
// documentation is, and every option field names the Flask-Dance
// parameter it maps to, so that go doc shows each preset with its options.
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
				if doc := gd.Doc.Text(); !strings.Contains(doc, "https://") || !strings.Contains(doc, "Flask-Dance") {
					t.Errorf("%s: doc lacks the provider's documentation URL or the Flask-Dance function", ts.Name.Name)
				}
				for _, fld := range st.Fields.List {
					if len(fld.Names) == 0 {
						continue // embedded Endpoints and dance.Options
					}
					if !strings.Contains(fld.Doc.Text(), "Flask-Dance: ") {
						t.Errorf("%s.%s: doc does not name its Flask-Dance parameter", ts.Name.Name, fld.Names[0].Name)
					}
				}
			}
		}
	}
	if configs != 27 { // 25 OAuth 2 presets, Twitter and JIRA
		t.Errorf("%d preset Config types, want 27", configs)
	}
}
