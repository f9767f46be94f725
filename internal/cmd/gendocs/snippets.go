package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
)

// snippetRE matches a snippet marker, the fenced block after it, and
// captures the file and the declaration's name:
//
//	<!-- snippet: _example/multiuser/main.go loggedIn -->
//	```go
//	…
//	```
var snippetRE = regexp.MustCompile("(?s)<!-- snippet: (\\S+) (\\S+) -->\n```go\n.*?```\n")

// FillSnippets replaces the fenced block after every snippet marker in a
// chapter with the named declaration (function, method or type, with its
// doc comment) of the named file, as it is in the repository under root.
func FillSnippets(root string, chapter []byte) ([]byte, error) {
	var firstErr error
	out := snippetRE.ReplaceAllFunc(chapter, func(m []byte) []byte {
		sub := snippetRE.FindSubmatch(m)
		file, name := string(sub[1]), string(sub[2])
		src, err := Declaration(filepath.Join(root, filepath.FromSlash(file)), name)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return m
		}
		return fmt.Appendf(nil, "<!-- snippet: %s %s -->\n```go\n%s\n```\n", file, name, src)
	})
	return out, firstErr
}

// Declaration returns the source of the top-level function, method or
// type called name in the Go file at path, with its doc comment.
func Declaration(path, name string) ([]byte, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	for _, d := range f.Decls {
		var doc *ast.CommentGroup
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.Name != name {
				continue
			}
			doc = d.Doc
		case *ast.GenDecl:
			found := false
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.Name == name {
					found = true
				}
			}
			if !found {
				continue
			}
			doc = d.Doc
		default:
			continue
		}
		start := d.Pos()
		if doc != nil {
			start = doc.Pos()
		}
		text := src[fset.Position(start).Offset:fset.Position(d.End()).Offset]
		return bytes.TrimSpace(text), nil
	}
	return nil, fmt.Errorf("%s: no declaration %s", path, name)
}
