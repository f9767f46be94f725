// Command vulngate reads govulncheck's JSON output (-format json) on
// standard input and fails when our code reaches a known vulnerability:
// in a module that go.mod can upgrade, or in the standard library, which
// the Go toolchain that builds us brings (.ci/run pins it with
// GOTOOLCHAIN: the fix is to raise that pin). There is no switch that
// turns the standard library's into warnings: the vulnerability database
// is pinned too (VULNDB_VERSION in .ci/run), so a new finding only shows
// up when someone refreshes the database, and whoever does that raises
// the toolchain in the same change.
//
// Vulnerabilities only in packages we import or modules we require, with
// no reachable function, are counted but do not fail.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

type finding struct {
	OSV          string `json:"osv"`
	FixedVersion string `json:"fixed_version"`
	Trace        []struct {
		Module   string `json:"module"`
		Version  string `json:"version"`
		Function string `json:"function"`
	} `json:"trace"`
}

func main() {
	failed, err := gate(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulngate:", err)
		os.Exit(2)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

// gate reads govulncheck's JSON messages from in, writes one line per
// reachable vulnerability and a summary to out, and returns how many are
// reachable.
func gate(in io.Reader, out io.Writer) (int, error) {
	type key struct{ osv, module, found, fixed string }
	reachable := map[key]bool{}
	unreached := map[string]bool{}
	dec := json.NewDecoder(in)
	messages := 0
	for {
		var msg struct {
			Finding *finding `json:"finding"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return 0, fmt.Errorf("reading govulncheck output: %w", err)
		}
		messages++
		f := msg.Finding
		if f == nil || len(f.Trace) == 0 {
			continue
		}
		if f.Trace[0].Function == "" {
			unreached[f.OSV] = true // only imported or required
			continue
		}
		reachable[key{f.OSV, f.Trace[0].Module, f.Trace[0].Version, f.FixedVersion}] = true
	}
	if messages == 0 {
		return 0, errors.New("govulncheck printed nothing")
	}
	var keys []key
	for k := range reachable {
		keys = append(keys, k)
		delete(unreached, k.osv)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].osv != keys[j].osv {
			return keys[i].osv < keys[j].osv
		}
		return keys[i].module < keys[j].module
	})
	for _, k := range keys {
		fixed := "no fixed version yet"
		if k.fixed != "" {
			fixed = "fixed in " + k.fixed
		}
		fmt.Fprintf(out, "FAIL %s: %s@%s is reachable; %s\n", k.osv, k.module, k.found, fixed)
	}
	fmt.Fprintf(out, "vulngate: %d reachable vulnerabilities (failing); %d more in imported packages or required modules that our code does not reach\n",
		len(keys), len(unreached))
	return len(keys), nil
}
