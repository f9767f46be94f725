package flowstate

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestFlowLayoutRoundTrip checks that every flow reads back as it was
// written, and that the usual ones take the short layout.
func TestFlowLayoutRoundTrip(t *testing.T) {
	for _, f := range []Record{
		{State: "s", Expires: 1795929216},
		{State: "s", Verifier: "v", Nonce: "n", Next: "/a?b=c", Expires: 1795929216},
		{State: "rt", Secret: "sec", Expires: 1},
		{State: UsedProof("s"), Used: true},
		{State: "s", Next: "/repos", Scope: []string{"user", "repo"}, Expires: 1}, // a step-up
		{State: "s", Secret: "a\x1fb", Expires: 1},                                // kept as JSON
		derivedFlow(false, ""),
		derivedFlow(true, "/a"),
	} {
		raw := Encode(&f)
		if short := strings.HasPrefix(raw, flowMark); short == strings.Contains(f.Secret, flowSep) {
			t.Errorf("flow %+v: session layout = %v (%q)", f, short, raw)
		}
		if got := Decode(raw); got == nil || !reflect.DeepEqual(*got, f) {
			t.Errorf("flow %+v reads back as %+v from %q", f, got, raw)
		}
	}
}

// derivedFlow is a login's flow with PKCE, its state (and nonce) made
// from the verifier.
func derivedFlow(nonce bool, next string) Record {
	f := Record{Verifier: NewState(), Next: next, Expires: 1795929216}
	f.Derive(nonce)
	return f
}

// TestDerivedFlowKeepsOnlyTheVerifier checks that a flow whose state and
// nonce are made from its verifier keeps neither in the session.
func TestDerivedFlowKeepsOnlyTheVerifier(t *testing.T) {
	f := derivedFlow(true, "")
	raw := Encode(&f)
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
	f := Decode(`{"s":"st","v":"ver","n":"/x","e":99}`)
	if want := (Record{State: "st", Verifier: "ver", Next: "/x", Expires: 99}); f == nil || !reflect.DeepEqual(*f, want) {
		t.Fatalf("got %+v, want %+v", f, want)
	}
	f = Decode(`{"s":"st","e":99,"u":true}`)
	if f == nil || !f.Used || f.State != UsedProof("st") {
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
		if f := Decode(raw); f != nil {
			t.Errorf("Decode(%q) = %+v, want nil", raw, f)
		}
	}
}

// FuzzFlowLayout: any session value decodes to a flow or to none, never a
// panic, and a decoded flow encodes and decodes to itself.
func FuzzFlowLayout(f *testing.F) {
	derived := derivedFlow(true, "/n")
	for _, s := range []string{
		Encode(&derived),
		Encode(&Record{State: "s", Verifier: "v", Next: "/n", Expires: 99}),
		Encode(&Record{State: UsedProof("s"), Used: true}),
		`{"s":"st","e":99,"u":true}`, flowMark + "s" + flowSep + "x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		fl := Decode(raw)
		if fl == nil {
			return
		}
		if again := Decode(Encode(fl)); again == nil || !reflect.DeepEqual(*again, *fl) {
			t.Fatalf("flow %+v reads back as %+v", fl, again)
		}
	})
}

// FuzzFlowLayoutMatchesJSON holds the session layout to encoding/json:
// any record the dance makes reads back from the layout exactly as it
// reads back from JSON, the standard codec the layout replaces for
// speed. Scopes are given comma-separated.
func FuzzFlowLayoutMatchesJSON(f *testing.F) {
	f.Add("s", "v", "n", "", "/a?b=c", int64(1795929216), false, false, "")
	f.Add("", NewState(), "", "", "/a", int64(1795929216), false, true, "")
	f.Add("", NewState(), "x", "", "", int64(1), false, true, "user,repo")
	f.Add("rt", "", "", "sec", "", int64(1), false, false, "")
	f.Add("s", "", "", "", "", int64(0), true, false, "")
	f.Add("s", "", "", "a\x1fb", "", int64(-7), false, false, "openid")
	f.Fuzz(func(t *testing.T, state, verifier, nonce, secret, next string, expires int64, used, derive bool, scopes string) {
		r := Record{State: state, Verifier: verifier, Nonce: nonce, Secret: secret, Next: next, Expires: expires, Used: used}
		if scopes != "" {
			r.Scope = strings.Split(scopes, ",")
		}
		switch {
		case used: // a used record keeps only the proof of its state
			r = Record{State: UsedProof(state), Used: true, Expires: expires}
		case derive && verifier != "":
			r.Derive(nonce != "")
		}
		if !bothCarry(r) {
			t.Skip()
		}
		got := Decode(Encode(&r))
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var want Record
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if got == nil {
			t.Fatalf("record %+v does not read back from %q", r, Encode(&r))
		}
		got.derived = false
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("record %+v reads back as %+v from the layout, as %+v from JSON", r, *got, want)
		}
	})
}

// bothCarry reports whether r is a record the dance can make and both
// codecs can carry: a state, RFC 6749 scope tokens, the derived nonce's
// mark only where the nonce is derived, and valid UTF-8 (JSON replaces
// invalid bytes, the layout keeps them).
func bothCarry(r Record) bool {
	if r.State == "" || (r.Nonce == derivedNonce && !r.derived) {
		return false
	}
	for _, s := range []string{r.State, r.Verifier, r.Nonce, r.Secret, r.Next} {
		if !utf8.ValidString(s) {
			return false
		}
	}
	for _, s := range r.Scope {
		if s == "" {
			return false
		}
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
				return false
			}
		}
	}
	return true
}
