package main

import (
	"strings"
	"testing"
)

// Findings as govulncheck -format json writes them: trace[0] is the
// vulnerable symbol, with a function only when our code reaches it.
const (
	config        = `{"config":{"protocol_version":"v1.0.0","scanner_name":"govulncheck"}}`
	stdReachable  = `{"finding":{"osv":"GO-2026-0001","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"net/http","function":"ServeHTTP"},{"module":"github.com/gin-dance/dance","package":"github.com/gin-dance/dance","function":"Register"}]}}`
	stdImported   = `{"finding":{"osv":"GO-2026-0002","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"crypto/x509"}]}}`
	modReachable  = `{"finding":{"osv":"GO-2026-0003","fixed_version":"v1.2.3","trace":[{"module":"example.com/m","version":"v1.2.0","package":"example.com/m","function":"Parse"}]}}`
	modRequired   = `{"finding":{"osv":"GO-2026-0004","fixed_version":"v2.0.1","trace":[{"module":"example.com/n","version":"v2.0.0"}]}}`
	stdUnfixed    = `{"finding":{"osv":"GO-2026-0005","trace":[{"module":"stdlib","version":"v1.27.3","package":"os","function":"Open"}]}}`
	osvOnlyRecord = `{"osv":{"id":"GO-2026-0001"}}`
)

// TestGate: a reachable vulnerability fails whether it is in a module or
// in the standard library; one that is only imported or required does not.
func TestGate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       []string
		failed   int
		wantOut  []string
		wantNone []string
	}{
		{"nothing found", []string{config}, 0, []string{"vulngate: 0 reachable vulnerabilities"}, []string{"FAIL"}},
		{"reachable in the standard library fails", []string{config, osvOnlyRecord, stdReachable, stdReachable}, 1,
			[]string{"FAIL GO-2026-0001: stdlib@v1.26.8 is reachable; fixed in v1.26.9", "vulngate: 1 reachable"}, nil},
		{"reachable in a module fails", []string{config, modReachable}, 1,
			[]string{"FAIL GO-2026-0003: example.com/m@v1.2.0 is reachable; fixed in v1.2.3"}, nil},
		{"only imported or required passes", []string{config, stdImported, modRequired}, 0,
			[]string{"0 reachable vulnerabilities (failing); 2 more"}, []string{"FAIL"}},
		{"reachable without a fix fails", []string{config, stdUnfixed}, 1,
			[]string{"FAIL GO-2026-0005: stdlib@v1.27.3 is reachable; no fixed version yet"}, nil},
		{"each counts once", []string{config, stdImported, stdReachable, modReachable, modRequired}, 2,
			[]string{"vulngate: 2 reachable vulnerabilities (failing); 2 more"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			failed, err := gate(strings.NewReader(strings.Join(tc.in, "\n")), &out)
			if err != nil {
				t.Fatal(err)
			}
			if failed != tc.failed {
				t.Errorf("failed = %d, want %d; output:\n%s", failed, tc.failed, out.String())
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tc.wantNone {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// TestGateNeedsInput: no output from govulncheck (it crashed, or was not
// run) is an error, not a pass.
func TestGateNeedsInput(t *testing.T) {
	for _, in := range []string{"", "not json"} {
		if _, err := gate(strings.NewReader(in), &strings.Builder{}); err == nil {
			t.Errorf("gate(%q): no error", in)
		}
	}
}
