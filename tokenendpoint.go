package dance

// What both protocols do at a provider's token endpoints: keep the raw
// answer, turn a failure into an *Error, and read a token from it.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/storage"
	"golang.org/x/oauth2"
)

// captureTransport keeps a copy of a token endpoint's answer, so that
// fields the libraries do not expose (id_token, scope, user_id, …) are
// kept, and a failure can name its status.
type captureTransport struct {
	client      http.Client // sends through this transport
	base        http.RoundTripper
	bind        bool // bind requests to ctx
	ctx         context.Context
	status      int
	body        []byte
	contentType string
	limit       io.LimitedReader // reads the answer
	reader      bytes.Reader     // gives the library the captured body
}

// capturedBody is the body that the library reads: the captured copy.
type capturedBody struct{ *bytes.Reader }

func (capturedBody) Close() error { return nil }

// maxTokenResponse matches x/oauth2's own limit.
const maxTokenResponse = 1 << 20

func (t *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.bind {
		// dghubble/oauth1 builds its requests without a context.
		req = req.WithContext(t.ctx)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	t.limit = io.LimitedReader{R: resp.Body, N: maxTokenResponse}
	body, err := io.ReadAll(&t.limit)
	resp.Body.Close()
	t.limit.R = nil
	if err != nil {
		return nil, err
	}
	t.status, t.body, t.contentType = resp.StatusCode, body, resp.Header.Get("Content-Type")
	// The client reads (and closes) an answer before it sends the next
	// request, so one reader serves every answer of the call.
	t.reader.Reset(body)
	resp.Body = capturedBody{&t.reader}
	return resp, nil
}

// capturingClient returns an HTTP client on the blueprint's transport that
// keeps the token endpoint's answer in the returned captureTransport. With
// bind, every request it sends is bound to ctx.
func (bp *Blueprint) capturingClient(ctx context.Context, bind bool) (*http.Client, *captureTransport) {
	capture := &captureTransport{base: transportOf(bp.httpClient), ctx: ctx, bind: bind}
	capture.client = http.Client{Transport: capture, Timeout: bp.httpClient.Timeout, CheckRedirect: bp.httpClient.CheckRedirect}
	return &capture.client, capture
}

func transportOf(hc *http.Client) http.RoundTripper {
	if hc.Transport != nil {
		return hc.Transport
	}
	return http.DefaultTransport
}

// endpointError turns a failed token-endpoint call (x/oauth2's or
// dghubble/oauth1's) into an *Error of the given stage that wraps
// sentinel: the status, the OAuth error code and description, but never
// the body of a success (it holds the token), nor URL details that might
// carry sensitive values.
func endpointError(name string, stage Stage, sentinel error, capture *captureTransport, err error) *Error {
	e := &Error{Provider: name, Stage: stage, Err: sentinel}
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re):
		e.Code, e.Description, e.URI = re.ErrorCode, re.ErrorDescription, re.ErrorURI
		if re.Response != nil {
			e.Status = re.Response.StatusCode
		}
		if e.Code == "" && e.Status != 0 {
			e.Err = fmt.Errorf("%w: the token endpoint answered %s", sentinel, http.StatusText(e.Status))
		}
	case capture.status != 0 && (capture.status < 200 || capture.status > 299):
		// OAuth 1: the body is the provider's error, form-encoded at best.
		e.Status = capture.status
		e.Description = core.ShortBody(capture.body)
		if v, err := url.ParseQuery(strings.TrimSpace(string(capture.body))); err == nil {
			e.Code = v.Get("oauth_problem")
		}
	case capture.status != 0 && capture.status != http.StatusOK && capture.status != http.StatusCreated:
		e.Status = capture.status
		e.Err = fmt.Errorf("%w: unexpected status", sentinel)
	case isTimeout(err):
		e.Err = fmt.Errorf("%w: %w", sentinel, context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		e.Err = fmt.Errorf("%w: %w", sentinel, context.Canceled)
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Err = fmt.Errorf("%w: the token endpoint's answer was cut short: %w", sentinel, io.ErrUnexpectedEOF)
	default:
		// A success that the library could not use: its message names
		// what is missing and quotes nothing. Or a transport error,
		// without its URL (which may carry token_url_params).
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "oauth2: "), "oauth1: ")
		e.Err = fmt.Errorf("%w: %s", sentinel, msg)
	}
	return e
}

// tokenFromForm reads a form-encoded token response (OAuth 1's, and some
// OAuth 2 providers'), keeping every field.
func tokenFromForm(body []byte) (*Token, error) {
	vals, err := url.ParseQuery(strings.TrimSpace(string(body)))
	if err != nil {
		return nil, errors.New("the token response is not form-encoded")
	}
	m := make(map[string]any, len(vals))
	for k := range vals {
		m[k] = vals.Get(k)
	}
	return storage.FromMap(m, now())
}

// tokenFromResponse builds a Token from an OAuth 2 token response, falling
// back to x/oauth2's view for what it parsed (expiry, type).
func tokenFromResponse(capture *captureTransport, otok *oauth2.Token) (*Token, error) {
	tok := new(Token)
	if formEncoded(capture.contentType) {
		var err error
		if tok, err = tokenFromForm(capture.body); err != nil {
			return nil, err
		}
	} else if err := tok.UnmarshalJSON(capture.body); err != nil {
		// The token JSON decoder: the same rules as for a stored token,
		// without a map round trip.
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
