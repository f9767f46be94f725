package dpop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Transport adds DPoP proofs to the requests that need one, and follows
// the server's nonce:
//   - a POST to one of the token endpoints (code exchange and refresh);
//   - a request whose Authorization is "DPoP <access token>" (an API call
//     with a DPoP-bound token), with the token's hash in the proof.
//
// Every other request goes to Base as it is. A server that asks for a
// nonce (400 error=use_dpop_nonce at a token endpoint, 401 with
// WWW-Authenticate: DPoP error="use_dpop_nonce" at a resource) gets the
// request once more with a proof that carries it; the latest DPoP-Nonce
// of each origin is remembered for the next proofs.
type Transport struct {
	key       *Key
	base      http.RoundTripper
	tokenURLs []string // without query and fragment
	now       func() time.Time

	mu     sync.Mutex
	nonces map[string]string // origin → its latest DPoP-Nonce
}

// maxOrigins bounds the nonce memory; past it, it starts over.
const maxOrigins = 256

// maxErrorBody is how much of a token endpoint's 400 answer is read to
// see whether it asks for a nonce.
const maxErrorBody = 64 << 10

// NewTransport returns a transport that signs with key, sends through
// base, and treats POSTs to tokenURLs as token requests.
func NewTransport(key *Key, base http.RoundTripper, now func() time.Time, tokenURLs ...string) *Transport {
	t := &Transport{key: key, base: base, now: now, nonces: map[string]string{}}
	for _, s := range tokenURLs {
		if u, err := url.Parse(s); err == nil && s != "" {
			t.tokenURLs = append(t.tokenURLs, HTU(u))
		}
	}
	return t
}

// Key is the transport's key.
func (t *Transport) Key() *Key { return t.key }

// HTU is a request URL as a proof's "htu" names it: without query,
// fragment and user information.
func HTU(u *url.URL) string {
	v := *u
	v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment, v.User = "", false, "", "", nil
	return v.String()
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	at, bound := strings.CutPrefix(req.Header.Get("Authorization"), "DPoP ")
	if !bound {
		at = "" // a token request's Authorization is the client's
	}
	htu := HTU(req.URL)
	token := !bound && req.Method == http.MethodPost && slices.Contains(t.tokenURLs, htu)
	if !bound && !token {
		return t.base.RoundTrip(req)
	}
	origin := strings.ToLower(req.URL.Scheme + "://" + req.URL.Host)
	nonce := t.nonce(origin)
	resp, err := t.send(req, req.Body, htu, nonce, at)
	if err != nil {
		return nil, err
	}
	fresh := resp.Header.Get("DPoP-Nonce")
	if fresh == "" {
		return resp, nil
	}
	t.remember(origin, fresh)
	if fresh == nonce || !asksNonce(resp, bound) || (req.Body != nil && req.GetBody == nil) {
		return resp, nil
	}
	body := req.Body
	if req.GetBody != nil {
		if body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	return t.send(req, body, htu, fresh, at)
}

// send sends a copy of req with body and a new proof.
func (t *Transport) send(req *http.Request, body io.ReadCloser, htu, nonce, at string) (*http.Response, error) {
	proof, err := t.key.Proof(req.Method, htu, nonce, at, t.now())
	if err != nil {
		if body != nil {
			body.Close()
		}
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Body = body
	r.Header.Set("DPoP", proof)
	return t.base.RoundTrip(r)
}

// asksNonce reports whether resp asks for the request again with the
// server's nonce (RFC 9449, 8 and 9). A token endpoint's body is read and
// put back.
func asksNonce(resp *http.Response, resource bool) bool {
	if resource {
		if resp.StatusCode != http.StatusUnauthorized {
			return false
		}
		for _, v := range resp.Header.Values("WWW-Authenticate") {
			if strings.HasPrefix(strings.ToLower(v), "dpop") && strings.Contains(v, "use_dpop_nonce") {
				return true
			}
		}
		return false
	}
	if resp.StatusCode != http.StatusBadRequest {
		return false
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return false
	}
	var e struct {
		Error string `json:"error"`
	}
	return json.Unmarshal(b, &e) == nil && e.Error == "use_dpop_nonce"
}

func (t *Transport) nonce(origin string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.nonces[origin]
}

func (t *Transport) remember(origin, nonce string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.nonces[origin]; !ok && len(t.nonces) >= maxOrigins {
		clear(t.nonces)
	}
	t.nonces[origin] = nonce
}
