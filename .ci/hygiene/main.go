// Command hygiene fails when the repository tracks a file that does not
// belong in it: every clone carries every tracked byte forever, and two
// built binaries once made up 97% of ours.
//
//	go run ./.ci/hygiene [allowed-path ...]
//
// Run it from the repository's root. It reads the files as git's index
// holds them (what a commit would record), not the work tree, and fails on:
//
//   - an executable binary (ELF, Mach-O, PE or WebAssembly by its magic
//     number): build output, never a source; the allow-list does not
//     excuse it, since nothing in the library is tested on a committed
//     executable;
//   - a file larger than 1 MB (1,000,000 bytes) that is not allowed;
//   - a file with a NUL byte that is not allowed. That is git's own test
//     for "binary": UTF-8 text (our code, docs, JSON and YAML fixtures,
//     and Go's fuzz corpora under testdata/fuzz, which write bytes as
//     escaped Go literals) never holds a raw NUL, and binary formats
//     almost always do, so an unknown binary is caught without a list of
//     formats;
//   - an allowed path that git does not track, so that the allow-list
//     cannot keep an entry for a fixture that is gone.
//
// The allowed paths are the arguments: .ci/run keeps the list, with the
// reason for each entry.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// maxSize is the largest file that needs no place on the allow-list.
const maxSize = 1_000_000

// headSize is how much of a file's start is kept to find its magic
// number (and a PE file's signature, which follows its DOS header).
const headSize = 1024

func main() {
	problems, err := check(".", os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "hygiene:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Println("FAIL", p)
	}
	if len(problems) > 0 {
		fmt.Println("hygiene: remove these files from git (git rm --cached) and ignore them in .gitignore,",
			"or add a data fixture that truly needs to be binary or large to the allow-list in .ci/run")
		os.Exit(1)
	}
	fmt.Println("ok: no tracked file is an executable, larger than 1 MB, or binary outside the allow-list")
}

// check returns one line per problem with the files that git's index in
// dir holds, allowing the paths in allow to be large or binary.
func check(dir string, allow []string) ([]string, error) {
	files, err := indexFiles(dir)
	if err != nil {
		return nil, err
	}
	allowed := map[string]bool{}
	for _, a := range allow {
		allowed[a] = true
	}
	var problems []string
	err = readBlobs(dir, files, func(path string, size int64, head []byte, hasNUL bool) {
		switch {
		case executable(head) != "":
			problems = append(problems, fmt.Sprintf("%s: %s executable (build output)", path, executable(head)))
		case allowed[path]:
		case size > maxSize:
			problems = append(problems, fmt.Sprintf("%s: %d bytes, larger than 1 MB", path, size))
		case hasNUL:
			problems = append(problems, fmt.Sprintf("%s: binary (has a NUL byte)", path))
		}
	})
	if err != nil {
		return nil, err
	}
	for _, a := range allow {
		if _, ok := files[a]; !ok {
			problems = append(problems, fmt.Sprintf("%s: on the allow-list but not tracked by git", a))
		}
	}
	return problems, nil
}

// indexFiles maps the path of every regular file and symbolic link in
// the index to its object name. Submodules (mode 160000) have no content
// here and are left out.
func indexFiles(dir string) (map[string]string, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--stage")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w%s", err, stderrOf(err))
	}
	files := map[string]string{}
	for _, rec := range strings.Split(string(out), "\x00") {
		if rec == "" {
			continue
		}
		// "<mode> <object> <stage>\t<path>"
		meta, path, ok := strings.Cut(rec, "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 3 {
			return nil, fmt.Errorf("git ls-files: unexpected line %q", rec)
		}
		if fields[0] == "160000" {
			continue
		}
		files[path] = fields[1]
	}
	return files, nil
}

// readBlobs reads every file's content from git with one cat-file
// process and calls fn with its size, its first bytes (enough for a magic
// number) and whether it holds a NUL byte anywhere.
func readBlobs(dir string, files map[string]string, fn func(path string, size int64, head []byte, hasNUL bool)) error {
	paths := slices.Sorted(maps.Keys(files))
	var ids strings.Builder
	for _, p := range paths {
		ids.WriteString(files[p] + "\n")
	}
	cmd := exec.Command("git", "cat-file", "--batch")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(ids.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	r := bufio.NewReader(stdout)
	for _, p := range paths {
		// "<object> <type> <size>\n<content>\n"
		header, err := r.ReadString('\n')
		if err != nil {
			_ = cmd.Wait()
			return fmt.Errorf("git cat-file: %v %s", err, strings.TrimSpace(stderr.String()))
		}
		fields := strings.Fields(header)
		if len(fields) != 3 {
			_ = cmd.Wait()
			return fmt.Errorf("git cat-file: %s: unexpected header %q", p, header)
		}
		size, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil {
			_ = cmd.Wait()
			return fmt.Errorf("git cat-file: %s: unexpected header %q", p, header)
		}
		head, hasNUL, err := scan(io.LimitReader(r, size))
		if err != nil {
			_ = cmd.Wait()
			return fmt.Errorf("git cat-file: %s: %v", p, err)
		}
		if _, err := r.Discard(1); err != nil { // the newline after the content
			_ = cmd.Wait()
			return fmt.Errorf("git cat-file: %s: %v", p, err)
		}
		fn(p, size, head, hasNUL)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file: %v %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// scan reads r to its end, keeping its first headSize bytes and noting
// whether any byte is NUL.
func scan(r io.Reader) (head []byte, hasNUL bool, err error) {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if len(head) < headSize {
			head = append(head, buf[:min(n, headSize-len(head))]...)
		}
		if bytes.IndexByte(buf[:n], 0) >= 0 {
			hasNUL = true
		}
		if err == io.EOF {
			return head, hasNUL, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
}

// executable names the executable format that content starting with head
// is in, or returns "" when it is none.
func executable(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "ELF"
	case bytes.HasPrefix(head, []byte("\xfe\xed\xfa\xce")), bytes.HasPrefix(head, []byte("\xce\xfa\xed\xfe")),
		bytes.HasPrefix(head, []byte("\xfe\xed\xfa\xcf")), bytes.HasPrefix(head, []byte("\xcf\xfa\xed\xfe")),
		bytes.HasPrefix(head, []byte("\xca\xfe\xba\xbe")):
		return "Mach-O"
	case isPE(head):
		return "PE (Windows)"
	case bytes.HasPrefix(head, []byte("\x00asm")):
		return "WebAssembly"
	}
	return ""
}

// isPE reports whether head is a PE file's start: the DOS header "MZ"
// whose e_lfanew (at 0x3c) points at the "PE\0\0" signature, so that a
// text file that happens to start with "MZ" is not one. Linkers put the
// signature within the first few hundred bytes; a PE file whose
// signature lies past head still fails, as a file with NUL bytes.
func isPE(head []byte) bool {
	if len(head) < 0x40 || !bytes.HasPrefix(head, []byte("MZ")) {
		return false
	}
	off := int64(binary.LittleEndian.Uint32(head[0x3c:]))
	return off+4 <= int64(len(head)) && bytes.Equal(head[off:off+4], []byte("PE\x00\x00"))
}

// stderrOf returns the standard error an exec.ExitError carries, if any.
func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}
