package dance

import (
	"reflect"
	"strings"
	"testing"
)

// TestFlowLayoutRoundTrip checks that every flow reads back as it was
// written, and that the usual ones take the short layout.
func TestFlowLayoutRoundTrip(t *testing.T) {
	for _, f := range []flow{
		{State: "s", Expires: 1795929216},
		{State: "s", Verifier: "v", Nonce: "n", Next: "/a?b=c", Expires: 1795929216},
		{State: "rt", Secret: "sec", Expires: 1},
		{State: usedProof("s"), Used: true},
		{State: "s", Next: "/repos", Scope: []string{"user", "repo"}, Expires: 1}, // a step-up
		{State: "s", Secret: "a\x1fb", Expires: 1},                                // kept as JSON
		derivedFlow(false, ""),
		derivedFlow(true, "/a"),
	} {
		raw := encodeFlow(&f)
		if short := strings.HasPrefix(raw, flowMark); short == strings.Contains(f.Secret, flowSep) {
			t.Errorf("flow %+v: session layout = %v (%q)", f, short, raw)
		}
		if got := decodeFlow(raw); got == nil || !reflect.DeepEqual(*got, f) {
			t.Errorf("flow %+v reads back as %+v from %q", f, got, raw)
		}
	}
}

// derivedFlow is a login's flow with PKCE, its state (and nonce) made
// from the verifier.
func derivedFlow(nonce bool, next string) flow {
	f := flow{Verifier: newState(), Next: next, Expires: 1795929216}
	deriveFromVerifier(&f, nonce)
	return f
}

// TestDerivedFlowKeepsOnlyTheVerifier checks that a flow whose state and
// nonce are made from its verifier keeps neither in the session.
func TestDerivedFlowKeepsOnlyTheVerifier(t *testing.T) {
	f := derivedFlow(true, "")
	raw := encodeFlow(&f)
	if strings.Contains(raw, f.State) || strings.Contains(raw, f.Nonce) || !strings.Contains(raw, f.Verifier) {
		t.Fatalf("session value %q of flow %+v", raw, f)
	}
	want := len(flowMark) + len(f.Verifier) + len("1795929216") + len(derivedNonce) + 4*len(flowSep)
	if len(raw) != want {
		t.Errorf("session value is %d bytes, want %d: %q", len(raw), want, raw)
	}
}

// TestFlowLayoutReadsJSON checks that flows written as JSON by earlier versions still
// read, and that a used one keeps only the proof of its state.
func TestFlowLayoutReadsJSON(t *testing.T) {
	f := decodeFlow(`{"s":"st","v":"ver","n":"/x","e":99}`)
	if want := (flow{State: "st", Verifier: "ver", Next: "/x", Expires: 99}); f == nil || !reflect.DeepEqual(*f, want) {
		t.Fatalf("got %+v, want %+v", f, want)
	}
	f = decodeFlow(`{"s":"st","e":99,"u":true}`)
	if f == nil || !f.Used || f.State != usedProof("st") {
		t.Fatalf("used flow reads as %+v", f)
	}
}

// TestFlowLayoutRejects checks that what is not a flow reads as none.
func TestFlowLayoutRejects(t *testing.T) {
	for _, raw := range []string{
		"", "{", `{"e":1}`, flowMark, flowMark + flowSep + "1",
		flowMark + "s" + flowSep + "soon",
		flowMark + "s" + flowSep + "1" + flowSep + "x",
		flowMark + "s" + strings.Repeat(flowSep, 8),
		flowMark + flowSep + "1" + flowSep + flowSep + flowSep + derivedNonce,             // a made nonce, no verifier
		flowMark + "s" + flowSep + "1" + flowSep + flowSep + "v" + flowSep + derivedNonce, // a made nonce, a kept state
		flowMark + flowSep + "1" + flowSep + flowSep + "v" + flowSep + "n",                // a made state, a kept nonce
	} {
		if f := decodeFlow(raw); f != nil {
			t.Errorf("decodeFlow(%q) = %+v, want nil", raw, f)
		}
	}
}

// FuzzFlowLayout: any session value decodes to a flow or to none, never a
// panic, and a decoded flow encodes and decodes to itself.
func FuzzFlowLayout(f *testing.F) {
	derived := derivedFlow(true, "/n")
	for _, s := range []string{
		encodeFlow(&derived),
		encodeFlow(&flow{State: "s", Verifier: "v", Next: "/n", Expires: 99}),
		encodeFlow(&flow{State: usedProof("s"), Used: true}),
		`{"s":"st","e":99,"u":true}`, flowMark + "s" + flowSep + "x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		fl := decodeFlow(raw)
		if fl == nil {
			return
		}
		if again := decodeFlow(encodeFlow(fl)); again == nil || !reflect.DeepEqual(*again, *fl) {
			t.Fatalf("flow %+v reads back as %+v", fl, again)
		}
	})
}
