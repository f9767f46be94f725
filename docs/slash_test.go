package docs

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/doc/comment"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// How the snippets are checked for leading slashes
//
// An API reference is relative to the blueprint's BaseURL and resolved
// as RFC 3986 says, so a leading "/" drops the base URL's path:
// https://api.twitter.com/1.1/ + "/account" is
// https://api.twitter.com/account (README.md; slash.go logs it at run
// time). The check reads every Go snippet a user reads: the ```go blocks
// and the inline code of README.md, docs/*.md and _example/*/README.md,
// the code blocks of the doc comments of every package of the module and
// its Example functions (what go doc shows), and the _example programs.
//
// Decision: the snippets are type-checked (go/types, against the export
// data of the packages they import, from go list -export), and a call is
// an API call when its receiver's type is *dance.Client and its method
// takes a reference: Get, Post and GetJSON (the first argument) and
// NewRequest (the second). So r.GET("/x"), c.Redirect(…, "/") and
// httptest.NewRequest("GET", "/", nil) are not API calls, whatever their
// receivers are named. A receiver whose type the checker cannot tell (a
// snippet that uses a variable it does not declare, such as gh in a doc
// comment or in an inline `gh.Get("/user")`) counts as a client: a false
// alarm there is cheaper than a missed mistake, and goes away when the
// snippet declares its client. A package's function (http.Get) is never
// one. The reference is the argument's constant value, or the leftmost
// constant of a + concatenation; it is wrong when it starts with one "/"
// ("//host/x" is a network-path reference).
//
// The same walk finds gin.SetMode calls: a program in the docs leaves the
// mode to GIN_MODE, so a call outside any if statement with any mode but
// gin.TestMode (for tests) is reported too.

// refArg is where each *dance.Client method takes its reference.
var refArg = map[string]int{"Get": 0, "Post": 0, "GetJSON": 0, "NewRequest": 1}

// snippet is Go text to check.
type snippet struct {
	block
	// examplesOnly limits the check to the Example functions of a test
	// file (the rest of it is not documentation).
	examplesOnly bool
}

// finding is a mistake in a snippet.
type finding struct {
	Pos string // file:line
	Msg string
}

// checkStats say how much the check saw, so that a test can tell that it
// looked.
type checkStats struct {
	Snippets    int // parsed and checked
	ClientCalls int // API calls on a typed *dance.Client
}

// snippets collects every Go snippet of the repository at root.
func snippets(t *testing.T, root string) []snippet {
	t.Helper()
	var out []snippet
	var mds []string
	for _, pat := range []string{"README.md", "docs/*.md", "_example/*/README.md"} {
		m, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			t.Fatal(err)
		}
		mds = append(mds, m...)
	}
	for _, f := range mds {
		rel, _ := filepath.Rel(root, f)
		bs, err := blocks(root, rel)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if !b.Snippet { // a quote of an _example file, checked there
				out = append(out, snippet{block: b})
			}
		}
		in, err := inlineCode(root, rel)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, in...)
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			name := d.Name()
			if rel == "." {
				return nil
			}
			if name == "testdata" || strings.HasPrefix(name, ".") || (strings.HasPrefix(name, "_") && name != "_example") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module (bench, e2e, otel)
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		inExample := strings.HasPrefix(rel, "_example"+string(filepath.Separator))
		switch {
		case inExample && !strings.HasSuffix(rel, "_test.go"):
			out = append(out, snippet{block: block{File: rel, Line: 1, Src: string(src)}})
		case inExample:
		case strings.HasSuffix(rel, "_test.go"):
			if regexp.MustCompile(`(?m)^func Example`).Match(src) {
				out = append(out, snippet{block: block{File: rel, Line: 1, Src: string(src)}, examplesOnly: true})
			}
		default:
			cs, err := commentCode(rel, src)
			if err != nil {
				return err
			}
			out = append(out, cs...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// commentCode returns the code blocks of the comments of the Go file rel.
func commentCode(rel string, src []byte) ([]snippet, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []snippet
	var p comment.Parser
	for _, cg := range f.Comments {
		for _, c := range p.Parse(cg.Text()).Content {
			code, ok := c.(*comment.Code)
			if !ok {
				continue
			}
			// The line of the code's first line in the comment.
			line := fset.Position(cg.Pos()).Line
			first, _, _ := strings.Cut(code.Text, "\n")
			for i, l := range cg.List {
				if strings.TrimSpace(strings.TrimPrefix(l.Text, "//")) == strings.TrimSpace(first) {
					line = fset.Position(cg.List[i].Pos()).Line
					break
				}
			}
			out = append(out, snippet{block: block{File: rel, Line: line, Src: code.Text}})
		}
	}
	return out, nil
}

var inlineSpan = regexp.MustCompile("`([^`]+)`")

// inlineCode returns the inline code spans of the Markdown file rel that
// are Go calls, outside fenced blocks.
func inlineCode(root, rel string) ([]snippet, error) {
	text, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return nil, err
	}
	var out []snippet
	fenced := false
	sc := bufio.NewScanner(bytes.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, m := range inlineSpan.FindAllStringSubmatch(line, -1) {
			if e, err := parser.ParseExpr(m[1]); err == nil {
				if _, ok := e.(*ast.CallExpr); ok {
					out = append(out, snippet{block: block{File: rel, Line: n, Src: m[1] + "\n"}})
				}
			}
		}
	}
	return out, sc.Err()
}

// exportImporter is a types.Importer that reads the export data of the
// packages that paths (and their dependencies) name, built by go list in
// the module at root.
func exportImporter(t *testing.T, root string, fset *token.FileSet, paths []string) types.Importer {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-e", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, paths...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -export: %v\n%s", err, stderr.Bytes())
	}
	exports := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if path, file, ok := strings.Cut(l, "\t"); ok && file != "" {
			exports[path] = file
		}
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		if f, ok := exports[path]; ok {
			return os.Open(f)
		}
		return nil, fmt.Errorf("no export data for %s", path)
	})
}

// checkSnippets type-checks each snippet and returns the leading slashes
// of API references and the gin.SetMode calls it finds.
func checkSnippets(t *testing.T, root string, ss []snippet) ([]finding, checkStats) {
	t.Helper()
	fset := token.NewFileSet()
	var (
		files []*ast.File
		from  []snippet
		paths = map[string]bool{}
	)
	for _, imp := range harnessImports {
		paths[imp[0]] = true
	}
	for _, s := range ss {
		src, name := s.Src, s.File
		if !s.examplesOnly && !strings.HasPrefix(s.File, "_example") {
			// A rendered block names its Markdown file in a //line
			// directive, relative to the directory of the name given
			// here.
			var err error
			if src, err = render(s.block); err != nil {
				t.Fatal(err)
			}
			name = "snippet.go"
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			continue // not Go: a table of routes, a shell line
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			paths[p] = true
		}
		files, from = append(files, f), append(from, s)
	}
	imp := exportImporter(t, root, fset, slices.Sorted(func(yield func(string) bool) {
		for p := range paths {
			if p != "C" && !yield(p) {
				return
			}
		}
	}))
	var (
		found []finding
		stats checkStats
	)
	for i, f := range files {
		info := &types.Info{
			Types:      map[ast.Expr]types.TypeAndValue{},
			Uses:       map[*ast.Ident]types.Object{},
			Selections: map[*ast.SelectorExpr]*types.Selection{},
		}
		conf := types.Config{Importer: imp, Error: func(error) {}} // partial information is enough
		_, _ = conf.Check(fmt.Sprintf("snippet%d", i), fset, []*ast.File{f}, info)
		stats.Snippets++
		report := func(n ast.Node, format string, args ...any) {
			found = append(found, finding{Pos: fmt.Sprintf("%s:%d", fset.Position(n.Pos()).Filename, fset.Position(n.Pos()).Line), Msg: fmt.Sprintf(format, args...)})
		}
		var roots []ast.Node
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && from[i].examplesOnly && !strings.HasPrefix(fd.Name.Name, "Example") {
				continue
			}
			roots = append(roots, d)
		}
		var conditional []ast.Node // if statements: a call inside one is not unconditional
		inIf := func(n ast.Node) bool {
			return slices.ContainsFunc(conditional, func(c ast.Node) bool { return c.Pos() <= n.Pos() && n.End() <= c.End() })
		}
		for _, r := range roots {
			ast.Inspect(r, func(n ast.Node) bool {
				if is, ok := n.(*ast.IfStmt); ok {
					conditional = append(conditional, is)
				}
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if isGinSetMode(info, sel) && len(call.Args) == 1 {
					if mode := stringValue(info, call.Args[0]); mode != "test" && !inIf(call) {
						report(call, "gin.SetMode(%s) unconditionally: a program in the docs leaves Gin's mode to GIN_MODE", types.ExprString(call.Args[0]))
					}
					return true
				}
				idx, ok := refArg[sel.Sel.Name]
				if !ok || len(call.Args) <= idx || isPackage(info, sel.X) {
					return true
				}
				typed, client := clientReceiver(info, sel)
				if !client {
					return true
				}
				if typed {
					stats.ClientCalls++
				}
				ref := stringValue(info, call.Args[idx])
				if strings.HasPrefix(ref, "/") && !strings.HasPrefix(ref, "//") {
					recv := "on a *dance.Client"
					if !typed {
						recv = "on " + types.ExprString(sel.X) + ", whose type is unknown, so taken for a *dance.Client"
					}
					report(call, "%s(%q) %s: API references are relative to the BaseURL, and a leading \"/\" drops its path; write %q",
						sel.Sel.Name, ref, recv, strings.TrimLeft(ref, "/"))
				}
				return true
			})
		}
	}
	return found, stats
}

// isPackage reports whether e names an imported package.
func isPackage(info *types.Info, e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	if !ok {
		return false
	}
	_, ok = info.Uses[id].(*types.PkgName)
	return ok
}

// clientReceiver says whether sel's receiver is a *dance.Client: typed
// reports whether the checker knew its type; unknown types count as
// clients.
func clientReceiver(info *types.Info, sel *ast.SelectorExpr) (typed, client bool) {
	if s, ok := info.Selections[sel]; ok {
		return true, isDanceClient(s.Recv())
	}
	if tv, ok := info.Types[sel.X]; ok && tv.Type != nil && tv.Type != types.Typ[types.Invalid] {
		return true, isDanceClient(tv.Type) // a known type without the method
	}
	return false, true
}

func isDanceClient(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Name() == "Client" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "github.com/gin-dance/dance"
}

// isGinSetMode reports whether sel is gin.SetMode.
func isGinSetMode(info *types.Info, sel *ast.SelectorExpr) bool {
	id, ok := sel.X.(*ast.Ident)
	if !ok || sel.Sel.Name != "SetMode" {
		return false
	}
	pkg, ok := info.Uses[id].(*types.PkgName)
	return ok && pkg.Imported().Path() == "github.com/gin-gonic/gin"
}

// stringValue is e's constant string value, or that of the leftmost
// operand of a + concatenation; "" when it has none.
func stringValue(info *types.Info, e ast.Expr) string {
	for {
		if tv, ok := info.Types[e]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
			return constant.StringVal(tv.Value)
		}
		switch x := e.(type) {
		case *ast.BasicLit:
			if x.Kind == token.STRING {
				s, _ := strconv.Unquote(x.Value)
				return s
			}
			return ""
		case *ast.BinaryExpr:
			if x.Op != token.ADD {
				return ""
			}
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return ""
		}
	}
}

var (
	docsCheckOnce  sync.Once
	docsFindings   []finding
	docsCheckStats checkStats
)

// checkDocs checks the repository's snippets once for the tests that
// read the results.
func checkDocs(t *testing.T) ([]finding, checkStats) {
	t.Helper()
	docsCheckOnce.Do(func() {
		root := repoRoot(t)
		docsFindings, docsCheckStats = checkSnippets(t, root, snippets(t, root))
	})
	if docsCheckStats.Snippets == 0 {
		t.Fatal("the snippet check did not run")
	}
	return docsFindings, docsCheckStats
}

// Acceptance (issue 27): no Go snippet in README.md, docs/, the
// _example READMEs and programs, the doc comments or the Example
// functions calls a *dance.Client with a reference that starts with "/",
// and none sets Gin's mode in code.
func TestSnippetsUseBaseRelativeReferences(t *testing.T) {
	found, stats := checkDocs(t)
	if stats.Snippets < 100 || stats.ClientCalls < 10 {
		t.Fatalf("checked %d snippets with %d API calls on a typed *dance.Client; the docs have more: is the collection broken?", stats.Snippets, stats.ClientCalls)
	}
	for _, f := range found {
		t.Errorf("%s: %s", f.Pos, f.Msg)
	}
	t.Logf("%d snippets checked, %d API calls on a typed *dance.Client", stats.Snippets, stats.ClientCalls)
}

// The check finds a leading slash in each way a snippet can write an API
// call, and takes routes, redirects and other packages' Get for what they
// are.
func TestSnippetCheckFindsLeadingSlashes(t *testing.T) {
	root := repoRoot(t)
	bad := []string{
		`_ = c.MustGet("github").(*dance.Client).GetJSON("/user", nil)`,
		`gh := c.MustGet("github").(*dance.Client)
resp, err := gh.Get("/user")`,
		`client := bp.Client(c)
req, err := client.NewRequest(http.MethodDelete, "/applications/"+"x", nil)`,
		`const ref = "/repos"
_, _ = github.Client(c).Post(ref, "application/json", nil)`,
		`func call(cl *dance.Client) error { return cl.GetJSON("/user/emails", nil) }`,
		`resp, err := fake.Get("/user") // fake is not declared: its type is unknown`,
		`gin.SetMode(gin.ReleaseMode)`,
		`package main

import "github.com/gin-gonic/gin"

func main() {
	gin.SetMode(gin.DebugMode)
	_ = gin.New()
}`,
	}
	good := []string{
		`r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/") })`,
		`w := httptest.NewRecorder(); r.ServeHTTP(w, httptest.NewRequest("GET", "/login/github", nil))`,
		`_, _ = http.Get("/health")`,
		`v := c.GetString("/not/a/reference"); _ = v; _, _ = c.Get("/key")`,
		`_ = github.Client(c).GetJSON("user", nil)`,
		`_, _ = github.Client(c).Get("https://api.github.com/user")`,
		`_, _ = github.Client(c).Get("//uploads.github.com/x")`,
		`gin.SetMode(gin.TestMode)`,
		`if os.Getenv("GIN_MODE") == "" { gin.SetMode(gin.ReleaseMode) }`,
		`package main

import "net/http"

type api struct{}

func (api) Get(string) {}

func main() { api{}.Get("/mine"); _ = http.StatusOK }`,
	}
	var ss []snippet
	for i, src := range append(bad, good...) {
		ss = append(ss, snippet{block: block{File: fmt.Sprintf("planted%d.md", i), Line: 1, Src: src + "\n"}})
	}
	found, _ := checkSnippets(t, root, ss)
	byFile := map[string][]string{}
	for _, f := range found {
		file, _, _ := strings.Cut(f.Pos, ":")
		byFile[file] = append(byFile[file], f.Msg)
	}
	for i, src := range bad {
		if len(byFile[fmt.Sprintf("planted%d.md", i)]) == 0 {
			t.Errorf("not found in:\n%s", src)
		}
	}
	for i, src := range good {
		if msgs := byFile[fmt.Sprintf("planted%d.md", len(bad)+i)]; len(msgs) > 0 {
			t.Errorf("false alarm %q in:\n%s", msgs, src)
		}
	}
}
