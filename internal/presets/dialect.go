package presets

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// formOf reads the form body of a POST request, and puts it back so the
// request can still be read.
func formOf(r *http.Request) url.Values {
	if r.Method != http.MethodPost || r.Body == nil {
		return url.Values{}
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body.Close()
	setForm(r, string(b))
	v, _ := url.ParseQuery(string(b))
	return v
}

// setForm makes r a POST of the form body.
func setForm(r *http.Request, body string) {
	r.Method = http.MethodPost
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
}
