package dancetest

// The fake OAuth 1 provider's own RFC 5849 verifier, written apart from any
// client library's signing code so that a bug in one is caught by the other.

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// verify checks the request's OAuth parameters and signature (RFC 5849
// sections 3.2 to 3.4), with tokenSecret as the token credentials' secret.
// It returns an oauth_problem, or "".
func (p *OAuth1Provider) verify(r *http.Request, rec OAuth1Request, tokenSecret string) string {
	o := rec.OAuth
	if p.cfg.AnyConsumer {
		return p.verifyAnyConsumer(o)
	}
	if subtle.ConstantTimeCompare([]byte(o["oauth_consumer_key"]), []byte(p.cfg.ConsumerKey)) != 1 {
		return "consumer_key_unknown"
	}
	if v, ok := o["oauth_version"]; ok && v != "1.0" {
		return "version_rejected"
	}
	ts, err := strconv.ParseInt(o["oauth_timestamp"], 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return "timestamp_refused"
	}
	if o["oauth_nonce"] == "" || o["oauth_signature"] == "" {
		return "parameter_absent"
	}
	sig, err := base64.StdEncoding.DecodeString(o["oauth_signature"])
	if err != nil {
		return "signature_invalid"
	}
	base := SignatureBaseString(r.Method, baseStringURI(r), collectParams(rec))
	switch o["oauth_signature_method"] {
	case "HMAC-SHA1":
		if p.cfg.RSAPublicKey != nil {
			return "signature_method_rejected"
		}
		mac := hmac.New(sha1.New, []byte(percentEncode(p.cfg.ConsumerSecret)+"&"+percentEncode(tokenSecret)))
		mac.Write([]byte(base))
		if !hmac.Equal(mac.Sum(nil), sig) {
			return "signature_invalid"
		}
	case "RSA-SHA1":
		if p.cfg.RSAPublicKey == nil {
			return "signature_method_rejected"
		}
		sum := sha1.Sum([]byte(base))
		if rsa.VerifyPKCS1v15(p.cfg.RSAPublicKey, crypto.SHA1, sum[:], sig) != nil {
			return "signature_invalid"
		}
	default:
		return "signature_method_rejected"
	}
	// Only a correctly signed nonce is remembered, so a forged request
	// cannot burn a legitimate one.
	return p.useNonce(o)
}

// useNonce remembers the request's nonce, and refuses one seen before.
func (p *OAuth1Provider) useNonce(o map[string]string) string {
	key := o["oauth_timestamp"] + "&" + o["oauth_nonce"] + "&" + o["oauth_token"]
	p.mu.Lock()
	used := p.nonces[key]
	p.nonces[key] = true
	p.mu.Unlock()
	if used {
		return "nonce_used"
	}
	return ""
}

// parseOAuthHeader decodes an "Authorization: OAuth k="v", …" header
// (RFC 5849 section 3.5.1).
func parseOAuthHeader(h string) (map[string]string, error) {
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		return nil, fmt.Errorf("no OAuth Authorization header")
	}
	out := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return nil, fmt.Errorf("malformed Authorization header parameter")
		}
		k, err1 := url.PathUnescape(k)
		v, err2 := url.PathUnescape(v[1 : len(v)-1])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad percent-encoding in the Authorization header")
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("duplicate Authorization header parameter")
		}
		out[k] = v
	}
	return out, nil
}

// collectParams gathers the parameters that are signed (RFC 5849 section
// 3.4.1.3.1): the query, a form body, and the OAuth parameters except
// oauth_signature and realm. Repeated names are all kept.
func collectParams(rec OAuth1Request) [][2]string {
	var ps [][2]string
	for _, vals := range []url.Values{rec.Query, rec.Form} {
		for k, vs := range vals {
			for _, v := range vs {
				ps = append(ps, [2]string{k, v})
			}
		}
	}
	for k, v := range rec.OAuth {
		if k != "oauth_signature" && k != "realm" {
			ps = append(ps, [2]string{k, v})
		}
	}
	return ps
}

// SignatureBaseString builds the RFC 5849 signature base string (section
// 3.4.1) from the method, the base string URI and the request parameters.
// It is exported so that tests can check it against the RFC's example.
func SignatureBaseString(method, baseURI string, params [][2]string) string {
	enc := make([][2]string, len(params))
	for i, kv := range params {
		enc[i] = [2]string{percentEncode(kv[0]), percentEncode(kv[1])}
	}
	// Sorted by encoded name, then by encoded value (section 3.4.1.3.2).
	sort.Slice(enc, func(i, j int) bool {
		if enc[i][0] != enc[j][0] {
			return enc[i][0] < enc[j][0]
		}
		return enc[i][1] < enc[j][1]
	})
	pairs := make([]string, len(enc))
	for i, kv := range enc {
		pairs[i] = kv[0] + "=" + kv[1]
	}
	return strings.ToUpper(method) + "&" + percentEncode(baseURI) + "&" + percentEncode(strings.Join(pairs, "&"))
}

// baseStringURI is the scheme, host and path of the request as the client
// addressed it (RFC 5849 section 3.4.1.2), default ports dropped.
func baseStringURI(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	if h, port, ok := strings.Cut(host, ":"); ok && ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) {
		host = h
	}
	return scheme + "://" + host + r.URL.EscapedPath()
}

// percentEncode is RFC 5849 section 3.6: every byte but ALPHA, DIGIT and
// "-._~" becomes %XX with upper-case hex.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

var rsaKey struct {
	once sync.Once
	pem  string
	key  *rsa.PrivateKey
}

// RSAKey returns a 2048-bit RSA private key for tests, and its PKCS #1 PEM
// text. It is made once per test binary.
func RSAKey() (pemText string, key *rsa.PrivateKey) {
	rsaKey.once.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("dancetest: generating an RSA key: " + err.Error())
		}
		rsaKey.key = k
		rsaKey.pem = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	})
	return rsaKey.pem, rsaKey.key
}
