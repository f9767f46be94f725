package oauth2x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-dance/dance/storage"
	"golang.org/x/oauth2"
)

// Capture keeps a copy of a token endpoint's answer, so that fields the
// libraries do not expose (id_token, scope, user_id, …) are kept, and a
// failure can name its status. Its Client sends through it.
type Capture struct {
	Client      http.Client // sends through this capture
	Status      int
	Body        []byte
	ContentType string

	base   http.RoundTripper
	bind   bool // bind requests to ctx
	ctx    context.Context
	limit  io.LimitedReader // reads the answer
	reader bytes.Reader     // gives the library the captured body
}

// NewCapture returns a capture whose client sends through hc's transport,
// with hc's timeout and redirect policy. With bind, every request it
// sends is bound to ctx (dghubble/oauth1 builds its requests without one).
func NewCapture(ctx context.Context, hc *http.Client, bind bool) *Capture {
	c := &Capture{base: Transport(hc), ctx: ctx, bind: bind}
	c.Client = http.Client{Transport: c, Timeout: hc.Timeout, CheckRedirect: hc.CheckRedirect}
	return c
}

// Transport is hc's transport, or the default one.
func Transport(hc *http.Client) http.RoundTripper {
	if hc.Transport != nil {
		return hc.Transport
	}
	return http.DefaultTransport
}

// capturedBody is the body that the library reads: the captured copy.
type capturedBody struct{ *bytes.Reader }

func (capturedBody) Close() error { return nil }

// maxTokenResponse matches x/oauth2's own limit.
const maxTokenResponse = 1 << 20

// RoundTrip implements http.RoundTripper.
func (c *Capture) RoundTrip(req *http.Request) (*http.Response, error) {
	if c.bind {
		req = req.WithContext(c.ctx)
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	c.limit = io.LimitedReader{R: resp.Body, N: maxTokenResponse}
	body, err := io.ReadAll(&c.limit)
	resp.Body.Close()
	c.limit.R = nil
	if err != nil {
		return nil, err
	}
	c.Status, c.Body, c.ContentType = resp.StatusCode, body, resp.Header.Get("Content-Type")
	// The client reads (and closes) an answer before it sends the next
	// request, so one reader serves every answer of the call.
	c.reader.Reset(body)
	resp.Body = capturedBody{&c.reader}
	return resp, nil
}

// TokenFromForm reads a form-encoded token response (OAuth 1's, and some
// OAuth 2 providers'), keeping every field.
func TokenFromForm(body []byte) (*storage.Token, error) {
	vals, err := url.ParseQuery(strings.TrimSpace(string(body)))
	if err != nil {
		return nil, errors.New("the token response is not form-encoded")
	}
	m := make(map[string]string, len(vals))
	for k := range vals {
		m[k] = vals.Get(k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	tok := new(storage.Token)
	if err := tok.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	return tok, nil
}

// Token builds a token from the captured answer of an OAuth 2 token
// endpoint, with x/oauth2's view for what it parsed (expiry, type).
func (c *Capture) Token(otok *oauth2.Token) (*storage.Token, error) {
	tok := new(storage.Token)
	if formEncoded(c.ContentType) {
		var err error
		if tok, err = TokenFromForm(c.Body); err != nil {
			return nil, err
		}
	} else if err := tok.UnmarshalJSON(c.Body); err != nil {
		return nil, err
	}
	tok.AccessToken = otok.AccessToken
	tok.TokenType = otok.TokenType
	tok.RefreshToken = otok.RefreshToken
	if !otok.Expiry.IsZero() {
		tok.ExpiresAt = otok.Expiry.Truncate(time.Microsecond) // what the JSON keeps
	}
	return tok, nil
}

// formEncoded reports whether a token response of this Content-Type is
// form-encoded, as x/oauth2 reads it: application/x-www-form-urlencoded or
// text/plain. It parses the media type only when it may be one of them,
// so a JSON answer costs no parse.
func formEncoded(contentType string) bool {
	lower := strings.ToLower(contentType) // no copy when already lower case
	if !strings.Contains(lower, "application/x-www-form-urlencoded") && !strings.Contains(lower, "text/plain") {
		return false
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/x-www-form-urlencoded" || mt == "text/plain"
}
