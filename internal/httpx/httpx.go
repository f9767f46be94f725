// Package httpx holds the HTTP checks of the dance that do not depend on a
// blueprint: the same-origin "next" path, the app's origin behind trusted
// proxies, the redirect, and the parsing of provider headers.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// SafeNext returns next if it is a same-origin relative path ("/a/b?c"),
// and "" otherwise: absolute URLs, scheme-relative ("//host"), backslash
// tricks ("/\host"), and control characters are all refused.
func SafeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return ""
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return ""
	}
	for i := 0; i < len(next); i++ {
		if ch := next[i]; ch < 0x20 || ch == 0x7f || ch == '\\' {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return next
}

// WithNext adds next to target's query.
func WithNext(target, next string) string {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	return target + sep + "next=" + url.QueryEscape(next)
}

// Origin is the app's origin for request r, in parts: public's when it is
// set, else the request's, honouring X-Forwarded-Proto and
// X-Forwarded-Host only when the peer is one of the trusted proxies.
// prefix is public's path, without a trailing slash.
func Origin(r *http.Request, public *url.URL, trusted []netip.Prefix) (scheme, host, prefix string) {
	if public != nil {
		return public.Scheme, public.Host, public.Path
	}
	scheme, host = "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if fromTrustedProxy(r, trusted) {
		if p := firstHeader(r, "X-Forwarded-Proto"); p == "http" || p == "https" {
			scheme = p
		}
		if h := firstHeader(r, "X-Forwarded-Host"); validHost(h) {
			host = h
		}
	}
	return scheme, host, ""
}

func firstHeader(r *http.Request, name string) string {
	v := r.Header.Get(name)
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(strings.TrimSpace(v))
}

func validHost(h string) bool {
	if h == "" || strings.ContainsAny(h, "/\\@?# \t") {
		return false
	}
	u, err := url.Parse("http://" + h)
	return err == nil && u.Host == h
}

func fromTrustedProxy(r *http.Request, trusted []netip.Prefix) bool {
	if len(trusted) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParsePrefix reads an IP address or a CIDR prefix.
func ParsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// ParseAbsolute reads an absolute http(s) URL.
func ParseAbsolute(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return u, nil
}

// IsTimeout reports whether err is a deadline or timeout.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// AuthParams reads the auth-params of a WWW-Authenticate challenge (RFC
// 7235: key=token or key="quoted string"), lower-casing the keys.
func AuthParams(h string) map[string]string {
	out := map[string]string{}
	_, rest, _ := strings.Cut(strings.TrimSpace(h), " ") // the scheme
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimLeft(rest, ", ") {
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		key = strings.ToLower(strings.TrimSpace(key))
		var val string
		if strings.HasPrefix(after, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(after) && after[i] != '"'; i++ {
				if after[i] == '\\' && i+1 < len(after) {
					i++
				}
				b.WriteByte(after[i])
			}
			val, rest = b.String(), after[min(i+1, len(after)):]
		} else {
			val, rest, _ = strings.Cut(after, ",")
			val = strings.TrimSpace(val)
		}
		out[key] = val
	}
	return out
}

// IsConcat reports whether s is the concatenation of parts.
func IsConcat(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.HasPrefix(s, p) {
			return false
		}
		s = s[len(p):]
	}
	return s == ""
}
