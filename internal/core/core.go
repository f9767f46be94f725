// Package core holds what dance's own packages (contrib, dancetest, the
// docs generator) need from the root package but users do not: the
// environment-variable names, the shared transport, the revocation request
// helper, and a read-only view of a built blueprint for tests and docs.
//
// The functions that reach into a blueprint are variables that package
// dance sets in its init, so that this package imports nothing of ours
// but storage.
package core

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dghubble/oauth1"
	"github.com/gin-dance/dance/storage"
	"golang.org/x/oauth2"
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

// Info is a read-only view of a built blueprint, for tests and the docs
// generator.
type Info struct {
	Name       string
	OAuth2     *oauth2.Config // a copy; nil for an OAuth 1 blueprint
	OAuth1     *oauth1.Config // a copy; nil for an OAuth 2 blueprint
	RefreshURL string         // "" when not refreshable
	BaseURL    *url.URL       // nil when none was set
	HTTPClient *http.Client
	Storage    storage.Storage
	Header     http.Header
	Timeout    time.Duration // of each token-endpoint call
	// Issuer and JWKSURL are what ID tokens are verified against ("" when
	// they are not); Issuer may hold "{tenantid}".
	Issuer, JWKSURL string
}

// These are set by package dance; bp is a *dance.Blueprint.
var (
	// Inspect returns the view of bp.
	Inspect func(bp any) Info
	// SetStorage replaces bp's storage; for tests, before serving.
	SetStorage func(bp any, s storage.Storage)
	// SetHTTPClient replaces bp's HTTP client (nil restores the shared
	// one); for tests, before serving.
	SetHTTPClient func(bp any, hc *http.Client)
)
