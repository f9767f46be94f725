package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// repo makes a git repository in a temporary folder with files (path to
// content) added to its index, and returns its path.
func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		git(t, dir, "add", "--", name)
	}
	return dir
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// fakeELF is the start of a 64-bit Linux executable: magic, class, data,
// version, then zeros, as go build writes it.
const fakeELF = "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"

// fakePE is a DOS header whose e_lfanew (0x3c) points at "PE\0\0" at 0x80,
// where Go's linker puts it.
func fakePE() string {
	b := make([]byte, 0x90)
	copy(b, "MZ")
	b[0x3c] = 0x80
	copy(b[0x80:], "PE\x00\x00")
	return string(b)
}

// text is what the repository holds: code, a JSON fixture, and a Go fuzz
// corpus entry, whose bytes (even a NUL) are escaped Go literals.
var text = map[string]string{
	"main.go":                           "package main\n\nfunc main() {}\n",
	"testdata/ok.json":                  `{"a": 1}` + "\n",
	"testdata/fuzz/FuzzX/0123abcd":      "go test fuzz v1\n[]byte(\"\\x00\\x7fELF\")\n",
	"notes/MZ.txt":                      "MZ is where this note starts, and it is text.\n" + strings.Repeat("x", 100),
	"scripts/run":                       "#!/usr/bin/env bash\necho hi\n",
	"testdata/just-under-the-limit.txt": strings.Repeat("a", maxSize),
}

func with(extra map[string]string) map[string]string {
	files := map[string]string{}
	for k, v := range text {
		files[k] = v
	}
	for k, v := range extra {
		files[k] = v
	}
	return files
}

// TestHygiene checks which tracked files fail the check, with and without
// the allow-list.
func TestHygiene(t *testing.T) {
	big := strings.Repeat("a", 1_100_000) // 1.1 MB of text
	for _, tc := range []struct {
		name  string
		files map[string]string
		allow []string
		want  []string // the paths that fail, in order
	}{
		{"text, a fuzz corpus and a 1 MB file pass", text, nil, nil},
		{"an ELF binary fails", with(map[string]string{"dance-provider": fakeELF}), nil, []string{"dance-provider"}},
		{"an ELF binary fails even when allowed", with(map[string]string{"testdata/tool": fakeELF}), []string{"testdata/tool"}, []string{"testdata/tool"}},
		{"a Mach-O binary fails", with(map[string]string{"gendocs": "\xcf\xfa\xed\xfe\x07\x00\x00\x01"}), nil, []string{"gendocs"}},
		{"a PE binary fails", with(map[string]string{"gendocs.exe": fakePE()}), nil, []string{"gendocs.exe"}},
		{"a WebAssembly binary fails", with(map[string]string{"app.wasm": "\x00asm\x01\x00\x00\x00"}), nil, []string{"app.wasm"}},
		{"a 1.1 MB file fails", with(map[string]string{"testdata/big.txt": big}), nil, []string{"testdata/big.txt"}},
		{"an allowed 1.1 MB file passes", with(map[string]string{"testdata/big.txt": big}), []string{"testdata/big.txt"}, nil},
		{"a file with a NUL byte fails", with(map[string]string{"testdata/x.db": "SQLite format 3\x00"}), nil, []string{"testdata/x.db"}},
		{"an allowed file with a NUL byte passes", with(map[string]string{"testdata/x.db": "SQLite format 3\x00"}), []string{"testdata/x.db"}, nil},
		{"an allowed path that is not tracked fails", text, []string{"testdata/gone.db"}, []string{"testdata/gone.db"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems, err := check(repo(t, tc.files), tc.allow)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range problems {
				path, _, _ := strings.Cut(p, ": ")
				got = append(got, path)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("failing paths %q, want %q; problems:\n%s", got, tc.want, strings.Join(problems, "\n"))
			}
		})
	}
}

// TestHygieneReadsTheIndex: a binary in the work tree that git does not
// track passes; one that is staged fails though the work tree's copy was
// replaced by text, since a commit records what the index holds.
func TestHygieneReadsTheIndex(t *testing.T) {
	dir := repo(t, text)
	if err := os.WriteFile(filepath.Join(dir, "dance-provider"), []byte(fakeELF), 0o755); err != nil {
		t.Fatal(err)
	}
	problems, err := check(dir, nil)
	if err != nil || len(problems) != 0 {
		t.Fatalf("untracked binary: problems %q, err %v; want none", problems, err)
	}
	git(t, dir, "add", "dance-provider")
	if err := os.WriteFile(filepath.Join(dir, "dance-provider"), []byte("text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	problems, err = check(dir, nil)
	if err != nil || len(problems) != 1 || !strings.HasPrefix(problems[0], "dance-provider: ELF") {
		t.Fatalf("staged binary: problems %q, err %v; want dance-provider as ELF", problems, err)
	}
}

// TestHygieneMessages: each problem says what is wrong, so that the CI log
// alone tells the reader what to do.
func TestHygieneMessages(t *testing.T) {
	dir := repo(t, with(map[string]string{
		"a":         fakeELF,
		"b.txt":     strings.Repeat("b", maxSize+1),
		"c.bin":     "\x00",
		"d.exe":     fakePE(),
		"e":         "\xfe\xed\xfa\xcf",
		"f.wasm":    "\x00asm",
		"notes.txt": "plain",
	}))
	problems, err := check(dir, []string{"gone"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a: ELF executable (build output)",
		"b.txt: 1000001 bytes, larger than 1 MB",
		"c.bin: binary (has a NUL byte)",
		"d.exe: PE (Windows) executable (build output)",
		"e: Mach-O executable (build output)",
		"f.wasm: WebAssembly executable (build output)",
		"gone: on the allow-list but not tracked by git",
	}
	if !slices.Equal(problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
}

// TestExecutableNeedsMagic: text and truncated magic numbers are not
// executables (a text file may start with "MZ").
func TestExecutableNeedsMagic(t *testing.T) {
	for _, s := range []string{"", "MZ", "#!/bin/sh\n", "\x7fEL", string(bytes.Repeat([]byte("MZ"), 64))} {
		if got := executable([]byte(s)); got != "" {
			t.Errorf("executable(%q) = %q, want none", s, got)
		}
	}
}
