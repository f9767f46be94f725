package dance

import (
	"net/http"
	"slices"
	"testing"
)

// TestInsufficientScopeParsing: the refusals that name missing scopes,
// and those that do not.
func TestInsufficientScopeParsing(t *testing.T) {
	cases := []struct {
		status int
		header http.Header
		want   []string // nil: not a lack of scope
	}{
		{403, http.Header{"Www-Authenticate": {`Bearer realm="api", error="insufficient_scope", scope="repo gist"`}}, []string{"repo", "gist"}},
		{403, http.Header{"Www-Authenticate": {`Bearer error=insufficient_scope`}}, []string{}},
		{403, http.Header{"Www-Authenticate": {`Bearer error="invalid_token"`}}, nil},
		{401, http.Header{"Www-Authenticate": {`Bearer error="insufficient_scope", scope="repo"`}}, nil},
		{403, http.Header{"X-Accepted-Oauth-Scopes": {"repo, public_repo"}, "X-Oauth-Scopes": {"user"}}, []string{"repo", "public_repo"}},
		{404, http.Header{"X-Accepted-Oauth-Scopes": {"repo"}, "X-Oauth-Scopes": {""}}, []string{"repo"}},
		{403, http.Header{"X-Accepted-Oauth-Scopes": {"repo, public_repo"}, "X-Oauth-Scopes": {"public_repo"}}, nil},
		{403, http.Header{}, nil},
	}
	for _, tc := range cases {
		got := insufficientScope(&http.Response{StatusCode: tc.status, Header: tc.header})
		if (got == nil) != (tc.want == nil) || !slices.Equal(got, tc.want) {
			t.Errorf("%d %v: got %#v, want %#v", tc.status, tc.header, got, tc.want)
		}
	}
}

// FuzzWWWAuthenticate: a provider's header never panics the parser.
func FuzzWWWAuthenticate(f *testing.F) {
	for _, s := range []string{`Bearer error="insufficient_scope", scope="a b"`, `Bearer a="\`, `Bearer ,,,=`, `x="y\"z", error=insufficient_scope`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		_ = insufficientScope(&http.Response{StatusCode: 403, Header: http.Header{"Www-Authenticate": {h}, "X-Accepted-Oauth-Scopes": {h}}})
	})
}
