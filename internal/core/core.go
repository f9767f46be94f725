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

// ResponseError is a revocation endpoint's failed answer: its status, and
// the OAuth error code and description when the body has them. Package
// dance copies them into its *Error.
type ResponseError struct {
	Status      int
	Code        string
	Description string
}

// Error implements error.
func (e *ResponseError) Error() string {
	return "the provider answered " + http.StatusText(e.Status)
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
		e := &ResponseError{Status: resp.StatusCode}
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body) == nil {
			e.Code, e.Description = body.Error, body.Description
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
