package httpx

import (
	"net/http"
	"path"
	"strings"
)

// Redirect answers 302 to location exactly as http.Redirect does, with
// fewer allocations on the dance's two hot redirects, to the provider and
// back to the app. A location that http.Redirect would rewrite (a
// relative or unclean path, non-ASCII bytes) goes to http.Redirect itself.
func Redirect(w http.ResponseWriter, r *http.Request, location string) {
	if !redirectAsIs(location) {
		http.Redirect(w, r, location, http.StatusFound)
		return
	}
	h := w.Header()
	_, hadCT := h["Content-Type"]
	h["Location"] = []string{location}
	method := r.Method
	if !hadCT && (method == http.MethodGet || method == http.MethodHead) {
		h["Content-Type"] = []string{"text/html; charset=utf-8"}
	}
	w.WriteHeader(http.StatusFound)
	if !hadCT && method == http.MethodGet {
		// http.Redirect's body, then fmt.Fprintln's newline.
		const head, tail = `<a href="`, "\">Found</a>.\n\n"
		b := make([]byte, 0, len(head)+len(location)+len(tail)+32)
		b = append(b, head...)
		b = appendHTMLEscaped(b, location)
		b = append(b, tail...)
		_, _ = w.Write(b)
	}
}

// redirectAsIs reports whether http.Redirect sends location unchanged:
// an ASCII URL with an http or https scheme, or an ASCII absolute path
// (not "//") that path.Clean leaves as it is.
func redirectAsIs(location string) bool {
	for i := 0; i < len(location); i++ {
		if location[i] >= 0x80 {
			return false // http.Redirect hex-escapes it
		}
	}
	if strings.HasPrefix(location, "https://") || strings.HasPrefix(location, "http://") {
		return true
	}
	if location == "" || location[0] != '/' || strings.HasPrefix(location, "//") {
		return false
	}
	p := location
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	clean := path.Clean(p)
	return clean == p || (len(p) == len(clean)+1 && p[len(clean)] == '/' && p[:len(clean)] == clean)
}

// appendHTMLEscaped appends s escaped as http.Redirect escapes it.
func appendHTMLEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&#34;"...)
		case '\'':
			b = append(b, "&#39;"...)
		default:
			b = append(b, ch)
		}
	}
	return b
}
