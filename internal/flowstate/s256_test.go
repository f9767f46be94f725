package flowstate

import (
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// TestS256ChallengeMatchesOAuth2 checks the PKCE challenge and the login's
// verifier against x/oauth2's own.
func TestS256ChallengeMatchesOAuth2(t *testing.T) {
	for _, v := range []string{NewState(), oauth2.GenerateVerifier(), "short", strings.Repeat("v", 128)} {
		if got, want := S256Challenge(v), oauth2.S256ChallengeFromVerifier(v); got != want {
			t.Errorf("challenge of %q: %q, want %q", v, got, want)
		}
	}
	if v := NewState(); len(v) != len(oauth2.GenerateVerifier()) || strings.ContainsAny(v, "+/=") {
		t.Errorf("verifier %q is not in oauth2.GenerateVerifier's form", v)
	}
}
