// Command vulngate reads govulncheck's JSON output (-format json) on
// standard input and fails when a vulnerability is reachable from our code
// through a module that go.mod can upgrade. Reachable vulnerabilities of
// the standard library are fixed by a newer Go toolchain, not by go.mod:
// they are listed as warnings, and fail only with -strict-stdlib.
package main

import (
	"encoding/json"
	"errors"
	"flag"
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
	strict := flag.Bool("strict-stdlib", false, "fail on reachable standard library vulnerabilities too")
	flag.Parse()
	type key struct{ osv, module, found, fixed string }
	reachable := map[key]bool{}
	dec := json.NewDecoder(os.Stdin)
	messages := 0
	for {
		var msg struct {
			Finding *finding `json:"finding"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "vulngate: reading govulncheck output:", err)
			os.Exit(2)
		}
		messages++
		f := msg.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue // not reachable: only imported or required
		}
		reachable[key{f.OSV, f.Trace[0].Module, f.Trace[0].Version, f.FixedVersion}] = true
	}
	if messages == 0 {
		fmt.Fprintln(os.Stderr, "vulngate: govulncheck printed nothing")
		os.Exit(2)
	}
	var keys []key
	for k := range reachable {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].osv < keys[j].osv })
	failed := 0
	for _, k := range keys {
		kind := "FAIL"
		if k.module == "stdlib" && !*strict {
			kind = "warn"
		} else {
			failed++
		}
		fmt.Printf("%s %s: %s@%s is reachable; fixed in %s\n", kind, k.osv, k.module, k.found, k.fixed)
	}
	fmt.Printf("vulngate: %d reachable vulnerabilities, %d failing\n", len(keys), failed)
	if failed > 0 {
		os.Exit(1)
	}
}
