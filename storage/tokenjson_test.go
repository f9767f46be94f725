package storage

import (
	"reflect"
	"testing"
	"time"
)

// decoderCases are stored tokens of every shape the decoders must agree
// on, fast path or not.
var decoderCases = []string{
	// Flask-Dance's layout, and what dance writes.
	`{"access_token": "gho_abc", "token_type": "bearer", "scope": ["user:email"],
	 "expires_in": 28799, "expires_at": 1700000000.25, "refresh_token": "ghr_def", "refresh_token_expires_in": 15897599}`,
	`{"access_token":"a","expires_at":1900000000,"expires_in":-5,"scope":["repo","user"],"token_type":"bearer"}`,
	`{"oauth_token":"t","oauth_token_secret":"s","user_id":"1","screen_name":"x"}`,
	`{}`, ` { "access_token" : "a" } `, "{\"access_token\":\"a\"}\n",
	// Keys are case-sensitive: these are extras, not the access token.
	`{"Access_Token":"a"}`, `{"ACCESS_TOKEN":"a","access_token":"b"}`, `{"Scope":5,"EXPIRES_AT":"x"}`,
	// Escaped keys and values; invalid UTF-8.
	`{"access\u005ftoken":"a"}`, `{"access_token":"a\/b\u00e9\n"}`, `{"x\"y":1}`,
	"{\"access_token\":\"a\xffb\"}", "{\"k\xff\":1}", "{\"access_token\":\"\xed\xa0\x80\"}",
	`{"access_token":"\ud800"}`, `{"access_token":"日本"}`,
	// Duplicates: the last wins, errors in the first still count.
	`{"access_token":"a","access_token":"b"}`, `{"access_token":5,"access_token":"b"}`,
	`{"access_token":"a","access_token":null}`, `{"x":1,"x":"two"}`, `{"x":1e400,"x":1}`,
	`{"scope":"a","scope":["b"]}`, `{"expires_at":1e400,"expires_at":1}`, `{"access_token":[1e400],"access_token":"a"}`,
	// Nulls and wrong types.
	`{"access_token":null,"token_type":null,"scope":null,"expires_at":null,"expires_in":null}`,
	`{"access_token":5}`, `{"access_token":true}`, `{"access_token":{}}`, `{"refresh_token":["x"]}`,
	`{"oauth_token_secret":1.5}`,
	// Scope as a list or a string.
	`{"scope":"openid email  profile"}`, `{"scope":""}`, `{"scope":[]}`, `{"scope":[ "a" , "b" ]}`,
	`{"scope":["a\u0020b"]}`, `{"scope":[1]}`, `{"scope":[null]}`, `{"scope":["a",["b"]]}`, `{"scope":5}`,
	`{"scope":{"a":1}}`, `{"scope":true}`,
	// expires_at: number or string, range checks; expires_in relative.
	`{"expires_at":"1700000000"}`, `{"expires_at":"1700000000.5"}`, `{"expires_at":""}`,
	`{"expires_at":"soon"}`, `{"expires_at":"NaN"}`, `{"expires_at":"Inf"}`, `{"expires_at":1e300}`,
	`{"expires_at":1e400}`, `{"expires_at":-1e13}`, `{"expires_at":-1.0000001e13}`, `{"expires_at":0}`,
	`{"expires_at":0,"expires_in":60}`, `{"expires_at":true}`, `{"expires_at":[1]}`,
	`{"expires_in":3600}`, `{"expires_in":"3600"}`, `{"expires_in":""}`, `{"expires_in":{}}`,
	`{"expires_in":"x"}`, `{"expires_in":1e400}`, `{"expires_at":1700000000,"expires_in":"x"}`,
	`{"expires_at":1700000000,"expires_in":1e400}`, `{"expires_in":1e13}`, `{"expires_in":0.0000001}`,
	// Extras of every JSON type.
	`{"id_token":"h.p.s","n":1.5e3,"b":false,"t":true,"z":null,"o":{"a":[1,"x",{"b":null}]},"l":[]}`,
	`{"o":{"x":1e400}}`, `{"l":[1e400]}`, `{"big":123456789012345678901234567890}`, `{"neg":-0}`,
	`{"s":"]},\"{["}`,
	// Not tokens.
	`null`, `[]`, `"x"`, `5`, ``, `{`, `{"a":}`, `{"a":1,}`, `{"a":1}x`, `{"a" 1}`, "\ufeff{}",
}

// testNow is the fixed now of the decoders' tests.
var testNow = time.Unix(1750000000, 123456789)

// decodeBoth decodes in with the new decoder and the reference one, at a
// fixed now.
func decodeBoth(t *testing.T, in []byte) {
	t.Helper()
	var fast, ref Token
	errFast := fast.unmarshalString(string(in), testNow)
	errRef := ref.unmarshalMap(in, testNow)
	if (errFast == nil) != (errRef == nil) {
		t.Fatalf("%q: error %v, the map decoder's %v", in, errFast, errRef)
	}
	if errFast == nil && !reflect.DeepEqual(fast, ref) {
		t.Fatalf("%q: decoded\n%#v\nthe map decoder's\n%#v", in, fast, ref)
	}
	var probe Token
	if decodeFast(string(in), &probe, testNow) && errRef != nil {
		t.Fatalf("%q: the fast path accepted what the map decoder rejects: %v", in, errRef)
	}
}

// TestTokenDecodersAgree: the fast decoder gives what the map decoder
// gives, tokens and errors, on every case.
func TestTokenDecodersAgree(t *testing.T) {
	for _, in := range decoderCases {
		decodeBoth(t, []byte(in))
	}
}

// TestTokenFastPathTaken: the tokens that dance and Flask-Dance store take
// the fast path (so the benchmark measures it), and the odd ones do not.
func TestTokenFastPathTaken(t *testing.T) {
	for _, in := range []string{decoderCases[0], decoderCases[1], decoderCases[2],
		`{"Access_Token":"a","x":{"y":[1]}}`, `{"scope":"a b","expires_at":"1700000000","expires_in":null}`} {
		var tok Token
		if !decodeFast(in, &tok, testNow) {
			t.Errorf("%s: not decoded by the fast path", in)
		}
	}
	for _, in := range []string{`{"access_token":"a","access_token":"b"}`, `{"access\u005ftoken":"a"}`,
		`{"access_token":5}`, `{"expires_at":1e400}`, `{"scope":[1]}`, `null`} {
		var tok Token
		if decodeFast(in, &tok, testNow) {
			t.Errorf("%s: decoded by the fast path", in)
		}
	}
}

// FuzzTokenDecoders: on any bytes, the fast decoder and the map decoder
// agree.
func FuzzTokenDecoders(f *testing.F) {
	for _, in := range decoderCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) { decodeBoth(t, in) })
}
