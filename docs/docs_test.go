package docs

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// How the Go blocks of the guide are compiled
//
// Every fenced ```go block in docs/*.md and README.md is type-checked and
// vetted, in a module of its own that replaces github.com/gin-dance/dance
// with this repository. Each block becomes one package, and one go vet run
// checks them all. A block is one of:
//
//   - a whole file: it starts with "package"; it brings its own imports.
//   - declarations (types, funcs, vars): they go into a file that imports
//     the packages listed in harnessImports.
//   - statements: they go into the body of a func whose parameters are
//     harnessParams (r *gin.Engine, c *gin.Context, github *dance.Blueprint,
//     …), so a snippet can use them without declaring them. Variables the
//     snippet declares may go unused, and it may declare its own r, c, …
//     with := (it is a block of its own, inside that func).
//   - a quote of an _example file: the block follows a marker
//     <!-- snippet: FILE NAME --> and is the declaration NAME of FILE, kept
//     identical by go generate ./docs and checked by gendocs' test. The
//     example itself is compiled and tested, so the block is not
//     compiled twice.
//
// Errors point at the Markdown file and line, through //line directives.

// harnessImports are the packages that declaration and statement blocks
// may use without importing them, each with a name that keeps the import
// used.
var harnessImports = [][2]string{
	{"context", "context.Background"},
	{"encoding/json", "json.Marshal"},
	{"errors", "errors.New"},
	{"flag", "flag.Parse"},
	{"fmt", "fmt.Sprint"},
	{"html/template", "template.New"},
	{"log", "log.Print"},
	{"log/slog", "slog.Default"},
	{"net/http", "http.StatusOK"},
	{"net/http/httptest", "httptest.NewRecorder"},
	{"net/url", "url.Parse"},
	{"os", "os.Getenv"},
	{"path/filepath", "filepath.Join"},
	{"strings", "strings.TrimSpace"},
	{"testing", "testing.Short"},
	{"time", "time.Second"},
	{"github.com/gin-contrib/sessions", "sessions.Default"},
	{"github.com/gin-contrib/sessions/cookie", "cookie.NewStore"},
	{"github.com/gin-dance/dance/sessionstore", "sessionstore.NewCookie"},
	{"github.com/gin-dance/dance/ginlog", "ginlog.Logger"},
	{"github.com/gin-dance/dance", "dance.NewOAuth2"},
	{"github.com/gin-dance/dance/contrib", "contrib.GitHub"},
	{"github.com/gin-dance/dance/dancetest", "dancetest.Token"},
	{"github.com/gin-dance/dance/redis/rediscache", "rediscache.New"},
	{"github.com/gin-dance/dance/redis/redislogout", "redislogout.New"},
	{"github.com/gin-dance/dance/redis/redisstate", "redisstate.New"},
	{"github.com/gin-dance/dance/redis/refreshlock", "refreshlock.DefaultTTL"},
	{"github.com/gin-dance/dance/storage", "storage.NewMemory"},
	{"github.com/gin-dance/dance/storage/gormstore", "gormstore.New"},
	{"github.com/gin-gonic/gin", "gin.New"},
	{"github.com/redis/go-redis/v9", "redis.NewClient"},
	{"gorm.io/driver/mysql", "mysql.Open"},
	{"gorm.io/driver/postgres", "postgres.Open"},
	{"gorm.io/driver/sqlite", "sqlite.Open"},
	{"gorm.io/gorm", "gorm.Open"},
}

// harnessParams are in scope in statement blocks.
const harnessParams = `r *gin.Engine, c *gin.Context, github, google, bp *dance.Blueprint, db *gorm.DB, ctx context.Context, t *testing.T, hashKey, blockKey []byte`

// block is one fenced Go block.
type block struct {
	File    string // relative to the repository root
	Line    int    // of the block's first line
	Src     string
	Snippet bool // quoted from an _example file
}

var snippetMarker = regexp.MustCompile(`^<!-- snippet: \S+ \S+ -->$`)

// blocks returns the Go blocks of the Markdown file at root/rel.
func blocks(root, rel string) ([]block, error) {
	f, err := os.Open(filepath.Join(root, rel))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		out     []block
		cur     *block
		prev    string
		lineNum int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lineNum++
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur = &block{File: rel, Line: lineNum + 1, Snippet: snippetMarker.MatchString(prev)}
		case cur != nil && strings.TrimSpace(line) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.Src += line + "\n"
		}
		if strings.TrimSpace(line) != "" {
			prev = strings.TrimSpace(line)
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: unterminated ```go block", rel, cur.Line-1)
	}
	return out, sc.Err()
}

// render turns a block into a Go file.
func render(b block) (string, error) {
	line := fmt.Sprintf("//line %s:%d\n", b.File, b.Line)
	trimmed := strings.TrimSpace(stripComments(b.Src))
	if strings.HasPrefix(trimmed, "package ") {
		return line + b.Src, nil
	}
	var head strings.Builder
	head.WriteString("package docblock\n\nimport (\n")
	for _, imp := range harnessImports {
		fmt.Fprintf(&head, "\t%q\n", imp[0])
	}
	head.WriteString(")\n\nvar (\n")
	for _, imp := range harnessImports {
		fmt.Fprintf(&head, "\t_ = %s\n", imp[1])
	}
	head.WriteString(")\n\n")

	if _, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+b.Src, parser.SkipObjectResolution); err == nil {
		return head.String() + line + b.Src, nil
	}
	// The block is a scope of its own inside the func, so that it may
	// declare its own r, c, github… with := (shadowing the parameters).
	body := "func _(" + harnessParams + ") {\n{\n" + line + b.Src
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+body+"}\n}\n", parser.SkipObjectResolution)
	if err != nil {
		// Not statements either: hand it to the compiler as declarations,
		// so that the error points into the block.
		return head.String() + line + b.Src, nil
	}
	var uses strings.Builder
	for _, name := range declared(f.Decls[0].(*ast.FuncDecl).Body.List[0].(*ast.BlockStmt)) {
		fmt.Fprintf(&uses, "\t_ = %s\n", name)
	}
	return head.String() + body + "//line docs_test.go:1\n" + uses.String() + "}\n}\n", nil
}

// declared lists the variables that a func body declares at its top level.
func declared(body *ast.BlockStmt) []string {
	var names []string
	add := func(id *ast.Ident) {
		if id.Name != "_" {
			names = append(names, id.Name)
		}
	}
	for _, s := range body.List {
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, e := range s.Lhs {
					if id, ok := e.(*ast.Ident); ok {
						add(id)
					}
				}
			}
		case *ast.DeclStmt:
			if gd, ok := s.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, sp := range gd.Specs {
					for _, id := range sp.(*ast.ValueSpec).Names {
						add(id)
					}
				}
			}
		}
	}
	return names
}

// stripComments drops leading line comments, to find a package clause.
func stripComments(src string) string {
	var out []string
	skipping := true
	for _, l := range strings.Split(src, "\n") {
		if skipping && (strings.HasPrefix(strings.TrimSpace(l), "//") || strings.TrimSpace(l) == "") {
			continue
		}
		skipping = false
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// vet writes the blocks as packages of a temporary module that uses this
// repository, and runs go vet on all of them at once.
func vet(t *testing.T, root string, bs []block) (string, error) {
	t.Helper()
	dir, write := module(t, root)
	for i, b := range bs {
		src, err := render(b)
		if err != nil {
			t.Fatal(err)
		}
		write(fmt.Sprintf("b%03d/block.go", i), src)
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// depModules are the modules of this repository whose requirements the
// blocks may use: the library, the Redis-backed packages, and the
// integration tests' (the PostgreSQL and MySQL drivers, go-redis), which
// the guide's blocks import although the library does not.
var depModules = []string{".", "redis", "integration"}

// module makes a temporary module that uses this repository (at root)
// with the requirements and go.sum of depModules, and returns its
// directory and a func that writes a file into it.
func module(t *testing.T, root string) (string, func(name, text string)) {
	t.Helper()
	dir := t.TempDir()
	// The repository's requirements, so that the build list (and go.sum)
	// is the repository's own: each module path once, first as the root
	// module has it.
	var reqs strings.Builder
	seen := map[string]bool{}
	var sums []string
	for _, m := range depModules {
		gomod, err := os.ReadFile(filepath.Join(root, m, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range requirements(string(gomod)) {
			if path := r[0]; !seen[path] && !strings.HasPrefix(path, "github.com/gin-dance/dance") {
				seen[path] = true
				fmt.Fprintf(&reqs, "\t%s %s\n", path, r[1])
			}
		}
		sum, err := os.ReadFile(filepath.Join(root, m, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, string(sum))
	}
	mod := fmt.Sprintf("module example.com/docblocks\n\ngo 1.26.0\n\n"+
		"require (\n\tgithub.com/gin-dance/dance v0.0.0\n\tgithub.com/gin-dance/dance/redis v0.0.0\n)\n\n"+
		"replace (\n\tgithub.com/gin-dance/dance => %s\n\tgithub.com/gin-dance/dance/redis => %s\n)\n\n"+
		"require (\n%s)\n", root, filepath.Join(root, "redis"), reqs.String())
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", mod)
	write("go.sum", strings.Join(sums, ""))
	return dir, write
}

// requirements returns the (module path, version) pairs that a go.mod
// requires, in one-line and block form.
func requirements(gomod string) [][2]string {
	var out [][2]string
	block := false
	for _, l := range strings.Split(gomod, "\n") {
		l, _, _ = strings.Cut(l, "//")
		f := strings.Fields(l)
		switch {
		case len(f) == 2 && f[0] == "require" && f[1] == "(":
			block = true
		case block && len(f) == 1 && f[0] == ")":
			block = false
		case block && len(f) == 2:
			out = append(out, [2]string{f[0], f[1]})
		case len(f) == 3 && f[0] == "require":
			out = append(out, [2]string{f[1], f[2]})
		}
	}
	return out
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Acceptance 1: every Go block in docs/ and README.md compiles and passes
// go vet.
func TestGoBlocksCompile(t *testing.T) {
	root := repoRoot(t)
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(root, "README.md"))
	var all []block
	snippets := 0
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		bs, err := blocks(root, rel)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if b.Snippet {
				snippets++
				continue
			}
			all = append(all, b)
		}
	}
	if len(all) < 30 {
		t.Fatalf("found %d Go blocks; the guide has more: is the extraction broken?", len(all))
	}
	out, err := vet(t, root, all)
	if err != nil {
		t.Fatalf("go vet on the %d Go blocks of the guide failed: %v\n%s", len(all), err, out)
	}
	t.Logf("%d Go blocks compiled and vetted; %d quoted from _example files", len(all), snippets)
}

// The harness reports a block that does not compile, at its Markdown line.
func TestBrokenBlockFails(t *testing.T) {
	root := repoRoot(t)
	bs := []block{
		{File: "docs/broken.md", Line: 7, Src: "github.Register(r.Group(\"/login\"))\nbp.NoSuchMethod()\n"},
		{File: "docs/broken.md", Line: 20, Src: "func f() int { return \"not an int\" }\n"},
	}
	out, err := vet(t, root, bs)
	if err == nil {
		t.Fatalf("go vet passed on broken blocks:\n%s", out)
	}
	for _, want := range []string{"docs/broken.md:8", "NoSuchMethod", "docs/broken.md:20"} {
		if !strings.Contains(out, want) {
			t.Errorf("go vet output does not mention %q:\n%s", want, out)
		}
	}
}
