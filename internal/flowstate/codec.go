package flowstate

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The session layout of a login record: one short string, cheaper to
// encode and decode and smaller in the cookie than JSON. It is flowMark
// followed by these fields, separated by flowSep, with empty fields at the
// end left out:
//
//	state, expires (Unix seconds), "u" when used, verifier, nonce,
//	OAuth 1 request-token secret, next, step-up scopes (space-separated)
//
// A state made from the verifier (see [Record.Derive]) is written as
// an empty state field, and a nonce made from it as derivedNonce: the
// reader makes them again.
//
// A record with flowSep in a field is kept as JSON instead (the layout of
// earlier versions of dance), which [Decode] reads too.
const (
	flowMark = "\x1e" // ASCII record separator; JSON starts with '{'
	flowSep  = "\x1f" // ASCII unit separator

	// derivedNonce stands for a nonce made from the verifier; it is
	// not base64url, so no real nonce is ever taken for it.
	derivedNonce = "*"
)

// Encode returns f in the session layout.
func Encode(f *Record) string {
	used := ""
	if f.Used {
		used = "u"
	}
	var num [20]byte
	expires := num[:0]
	if f.Expires != 0 {
		expires = strconv.AppendInt(expires, f.Expires, 10)
	}
	scope := ""
	if f.Scope != nil {
		scope = strings.Join(f.Scope, " ")
	}
	state, nonce := f.State, f.Nonce
	if f.derived {
		state = ""
		if nonce != "" {
			nonce = derivedNonce
		}
	}
	fields := [...]string{state, "", used, f.Verifier, nonce, f.Secret, f.Next, scope}
	n := len(fields)
	for n > 2 && fields[n-1] == "" {
		n--
	}
	if n == 2 && len(expires) == 0 {
		n = 1
	}
	size := len(flowMark) + n + len(expires)
	for _, s := range fields[:n] {
		if strings.Contains(s, flowSep) {
			g := *f                  // so that f does not escape
			b, _ := json.Marshal(&g) // a record always encodes
			return string(b)
		}
		size += len(s)
	}
	var b strings.Builder // one allocation
	b.Grow(size)
	b.WriteString(flowMark)
	b.WriteString(state)
	for i := 1; i < n; i++ {
		b.WriteString(flowSep)
		if i == 1 {
			b.Write(expires)
		}
		b.WriteString(fields[i])
	}
	return b.String()
}

// Decode reads a record in either layout; it returns nil for anything
// that is not a record with a state.
func Decode(raw string) *Record {
	f := new(Record)
	rest, ok := strings.CutPrefix(raw, flowMark)
	if !ok {
		if json.Unmarshal([]byte(raw), f) != nil || f.State == "" {
			return nil
		}
		if f.Used {
			// Earlier versions kept the whole state of a used flow.
			f.State = UsedProof(f.State)
		}
		return f
	}
	var fields [8]string
	for i := range fields {
		var found bool
		fields[i], rest, found = strings.Cut(rest, flowSep)
		if !found {
			break
		}
		if i == len(fields)-1 {
			return nil
		}
	}
	f.State, f.Verifier, f.Nonce, f.Secret, f.Next = fields[0], fields[3], fields[4], fields[5], fields[6]
	switch {
	case f.State == "" && f.Verifier != "" && (f.Nonce == "" || f.Nonce == derivedNonce):
		f.Derive(f.Nonce == derivedNonce)
	case f.Nonce == derivedNonce:
		return nil
	}
	if scope := strings.Fields(fields[7]); len(scope) > 0 {
		f.Scope = scope
	}
	f.Used = fields[2] == "u"
	if fields[1] != "" {
		var err error
		if f.Expires, err = strconv.ParseInt(fields[1], 10, 64); err != nil {
			return nil
		}
	}
	if f.State == "" || (fields[2] != "" && !f.Used) {
		return nil
	}
	return f
}
