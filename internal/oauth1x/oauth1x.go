// Package oauth1x is what dance adds to github.com/dghubble/oauth1: the RSA
// key of RSA-SHA1 from PEM text or a file, and the signature of an API
// call in its Authorization header.
package oauth1x

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/dghubble/oauth1"
)

// LoadRSAKey parses a PEM-encoded RSA private key (PKCS #1 "RSA PRIVATE
// KEY" or PKCS #8 "PRIVATE KEY"), given as the PEM text or as the path of
// a file holding it, as the key is usually configured. Its errors never contain
// the key or the text given.
func LoadRSAKey(textOrPath string) (*rsa.PrivateKey, error) {
	data := []byte(textOrPath)
	if !strings.Contains(textOrPath, "-----BEGIN") {
		b, err := os.ReadFile(textOrPath)
		if err != nil {
			// The value may be a mangled key rather than a path: name
			// neither, only the reason.
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, fmt.Errorf("neither PEM text nor a readable key file: %w", err)
		}
		data = b
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("invalid PKCS #1 RSA private key")
		}
		return key, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("invalid PKCS #8 private key")
		}
		key, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("the PKCS #8 key is a %T, not an RSA key", k)
		}
		return key, nil
	}
	return nil, fmt.Errorf("PEM block is %q, want \"RSA PRIVATE KEY\" or \"PRIVATE KEY\"", block.Type)
}

// Sign sets req's Authorization header to its OAuth 1 signature (RFC 5849
// section 3) with cfg and the token, through dghubble/oauth1. The
// signature covers the query and, for a form body, the body; the body is
// read once and restored for sending.
func Sign(req *http.Request, cfg *oauth1.Config, token, secret string) error {
	// The copy that dghubble/oauth1 signs: it reads a form body, and
	// only recognises the exact media type without parameters.
	signed := req.Clone(req.Context())
	signed.Body = nil
	if mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" && req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		req.ContentLength = int64(len(b))
		signed.Body = io.NopCloser(bytes.NewReader(b))
		signed.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return fmt.Errorf("the form body is not form-encoded: %w", err)
		}
		if err := singleValued(form); err != nil {
			return err
		}
	}
	if err := singleValued(req.URL.Query()); err != nil {
		return err
	}
	// dghubble/oauth1 signs in its Transport; catch the signed request
	// there instead of sending it.
	catch := &headerCatcher{}
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: catch})
	hc := cfg.Client(ctx, oauth1.NewToken(token, secret))
	if _, err := hc.Transport.RoundTrip(signed); !errors.Is(err, errCaught) {
		return fmt.Errorf("signing the request: %w", err)
	}
	req.Header.Set("Authorization", catch.header)
	return nil
}

// singleValued refuses a parameter given more than once: dghubble/oauth1
// signs only its first value, so the provider would refuse the signature.
func singleValued(v url.Values) error {
	for k, vs := range v {
		if len(vs) > 1 {
			return fmt.Errorf("OAuth 1 signing does not support the repeated parameter %q", k)
		}
	}
	return nil
}

var errCaught = errors.New("signed request caught")

// headerCatcher is the base transport of a signing-only oauth1 client: it
// keeps the Authorization header and sends nothing.
type headerCatcher struct{ header string }

func (h *headerCatcher) RoundTrip(req *http.Request) (*http.Response, error) {
	h.header = req.Header.Get("Authorization")
	return nil, errCaught
}
