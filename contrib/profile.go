package contrib

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/presets"
)

// profileSpec maps a provider's identity response to a [dance.Profile]:
// the provider's identity API (see presets.Profile: dot-separated paths
// into the JSON object, a number picking an array element), and fix,
// which completes the profile after the mapping (computed avatar URLs,
// second calls).
type profileSpec struct {
	*presets.Profile
	fix func(cl *dance.Client, p *dance.Profile) error
	// header is the blueprint's Options.Header, set on the identity call
	// before its default Accept, so that a preset's Accept (Heroku's API
	// version) wins over it.
	header http.Header
	// check refuses an answer that is an error in a 200, before the
	// mapping.
	check func(raw map[string]any) error
}

// maxProfile bounds the identity response read into memory.
const maxProfile = 1 << 20

// fetcher returns the ProfileFunc that calls url and maps its answer.
func (s *profileSpec) fetcher(url string) dance.ProfileFunc {
	return func(cl *dance.Client) (*dance.Profile, error) {
		raw, err := getJSON(cl, or(s.Method, http.MethodGet), url, s.header)
		if err != nil {
			return nil, err
		}
		if s.check != nil {
			var obj map[string]any
			if json.Unmarshal(raw, &obj) == nil {
				if err := s.check(obj); err != nil {
					return nil, err
				}
			}
		}
		p, err := s.mapProfile(raw)
		if err != nil {
			return nil, err
		}
		if s.fix != nil {
			if err := s.fix(cl, p); err != nil {
				return nil, err
			}
		}
		return p, nil
	}
}

// mapProfile maps a raw identity response.
func (s *profileSpec) mapProfile(body []byte) (*dance.Profile, error) {
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("the identity response is not a JSON object")
	}
	// A second decoding keeps numbers exact, for IDs beyond 2^53.
	var exact map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	_ = dec.Decode(&exact)
	p := &dance.Profile{
		ID:        str(lookup(exact, s.ID)),
		Login:     str(lookup(raw, s.Login)),
		Name:      str(lookup(raw, s.Name)),
		Email:     str(lookup(raw, s.Email)),
		AvatarURL: str(lookup(raw, s.Avatar)),
		Raw:       raw,
	}
	if p.Name == "" && len(s.NameParts) > 0 {
		var parts []string
		for _, path := range s.NameParts {
			if v := str(lookup(raw, path)); v != "" {
				parts = append(parts, v)
			}
		}
		p.Name = strings.Join(parts, " ")
	}
	if b, ok := lookup(raw, s.Verified).(bool); ok && p.Email != "" {
		p.EmailVerified = &b
	}
	if p.ID == "" {
		return nil, fmt.Errorf("the identity response has no user ID")
	}
	return p, nil
}

// getJSON calls ref through the user's client and returns the body of a
// 2xx answer.
func getJSON(cl *dance.Client, method, ref string, h http.Header) ([]byte, error) {
	req, err := cl.NewRequest(method, ref, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	return readJSON(cl.Do, req)
}

// postForm POSTs form to ref through the user's client (ref relative to
// the BaseURL, the user's token sent with it) and returns the body of a
// 2xx answer: the providers whose identity calls are form posts.
func postForm(cl *dance.Client, ref string, form url.Values) ([]byte, error) {
	req, err := cl.NewRequest(http.MethodPost, ref, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return readJSON(cl.Do, req)
}

// postFormTo POSTs form to the absolute URL u through hc, without the
// user's token, and returns the body of a 2xx answer: the revocations and
// registrations that are not OAuth requests.
func postFormTo(ctx context.Context, hc *http.Client, u string, form url.Values) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return readJSON(hc.Do, req)
}

// readJSON sends req with do, asking for JSON unless req says otherwise,
// and returns the body of a 2xx answer (at most maxProfile bytes); any
// other answer is a *core.ResponseError.
func readJSON(do func(*http.Request) (*http.Response, error), req *http.Request) ([]byte, error) {
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, core.NewResponseError(resp)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxProfile))
}

// lookup follows a dot-separated path into decoded JSON; nil when absent.
func lookup(v any, path string) any {
	if path == "" {
		return nil
	}
	for _, k := range strings.Split(path, ".") {
		switch t := v.(type) {
		case map[string]any:
			v = t[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

// str renders a JSON scalar as a string: strings as they are, numbers
// without exponent, anything else (null, objects) as "".
func str(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}
