package dance

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// The session layout of a flow record: one short string, cheaper to
// encode and decode and smaller in the cookie than JSON. It is flowMark
// followed by these fields, separated by flowSep, with empty fields at the
// end left out:
//
//	state, expires (Unix seconds), "u" when used, verifier, nonce,
//	OAuth 1 request-token secret, next
//
// A flow with flowSep in a field is kept as JSON instead (dance 0.2.0's
// layout), which loadFlow reads too.
const (
	flowMark = "\x1e" // ASCII record separator; JSON starts with '{'
	flowSep  = "\x1f" // ASCII unit separator
)

// encodeFlow returns f in the session layout.
func encodeFlow(f *flow) string {
	used := ""
	if f.Used {
		used = "u"
	}
	expires := ""
	if f.Expires != 0 {
		expires = strconv.FormatInt(f.Expires, 10)
	}
	fields := [...]string{f.State, expires, used, f.Verifier, f.Nonce, f.Secret, f.Next}
	n := len(fields)
	for n > 0 && fields[n-1] == "" {
		n--
	}
	for _, s := range fields[:n] {
		if strings.Contains(s, flowSep) {
			b, _ := json.Marshal(f) // a flow always encodes
			return string(b)
		}
	}
	return flowMark + strings.Join(fields[:n], flowSep)
}

// decodeFlow reads a flow in either layout; it returns nil for anything
// that is not a flow with a state.
func decodeFlow(raw string) *flow {
	f := new(flow)
	rest, ok := strings.CutPrefix(raw, flowMark)
	if !ok {
		if json.Unmarshal([]byte(raw), f) != nil || f.State == "" {
			return nil
		}
		if f.Used {
			// dance 0.2.0 kept the whole state of a used flow.
			f.State = usedProof(f.State)
		}
		return f
	}
	var fields [7]string
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

// usedProof is what a used flow keeps of its state: enough to tell a
// replayed callback (ErrStateUsed) from another one (a mismatch), in a
// third of the bytes, and no state.
func usedProof(state string) string {
	sum := sha256.Sum256([]byte(state))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
