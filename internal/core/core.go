// Package core holds what dance's own packages (the root package, contrib,
// dancetest, the development provider) share but users do not name: the
// version, the environment-variable names, the shared transport, and the
// reading of a provider's failed answer.
package core

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Version is dance's version. Presets that must send a non-generic
// User-Agent (Reddit, Strava) default to "dance/" + Version.
const Version = "0.2.0"

// EnvName turns a blueprint name into the prefix of its environment
// variables: "github" becomes "GITHUB", as in GITHUB_OAUTH_CLIENT_ID.
func EnvName(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, name)
}

// SharedTransport is the keep-alive transport that every blueprint without
// its own HTTPClient uses, so connections to providers are reused across
// requests and blueprints.
var SharedTransport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return t
}()

// SharedClient is the HTTP client of blueprints without their own.
var SharedClient = &http.Client{Transport: SharedTransport}

// ResponseError is a provider's failed answer (an API call's, or a
// revocation endpoint's): its status, the request it answered, and the
// OAuth error code and description when the body has them, else the start
// of the body as the description. Package dance copies it into its *Error.
type ResponseError struct {
	Status      int
	Request     string // method and URL without the query
	Code        string
	Description string
}

// Error implements error.
func (e *ResponseError) Error() string {
	if e.Request == "" {
		return "the provider answered " + http.StatusText(e.Status)
	}
	return e.Request + " answered " + http.StatusText(e.Status)
}

// NewResponseError reads the start of resp's body into a ResponseError.
// It does not close the body.
func NewResponseError(resp *http.Response) *ResponseError {
	e := &ResponseError{Status: resp.StatusCode}
	if resp.Request != nil {
		u := *resp.Request.URL
		u.RawQuery, u.User = "", nil
		e.Request = resp.Request.Method + " " + u.String()
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(b, &body) == nil && body.Error != "" {
		e.Code, e.Description = body.Error, body.Description
	} else {
		e.Description = ShortBody(b)
	}
	return e
}

// ShortBody is the start of a provider's body, printable and short, for
// an error message.
func ShortBody(b []byte) string {
	const max = 200
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), "?"))
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// SendRevoke sends a revocation request through hc and checks that the
// provider answered want; any other answer is a [*ResponseError]. A
// transport error is returned without the URL.
func SendRevoke(hc *http.Client, req *http.Request, want int) error {
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		e := NewResponseError(resp)
		e.Request = "" // the revocation endpoint is not news
		if e.Code == "" {
			e.Description = "" // and its body is not an OAuth error
		}
		return e
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return nil
}

// DecodeJSON decodes a provider's JSON answer into v, reading at most 16
// MiB of it.
func DecodeJSON(r io.Reader, v any) error {
	return json.NewDecoder(io.LimitReader(r, 16<<20)).Decode(v)
}
