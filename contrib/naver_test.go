package contrib_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

// TestPresetNaverDevLogin: through the development provider, a Naver
// login stores a refreshable token and the profile maps the fields under
// "response", with the nickname as Login; Revoke deletes the token with
// Naver's grant_type=delete request, after which the user is logged out.
func TestPresetNaverDevLogin(t *testing.T) {
	cfg := contrib.NaverConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Naver(cfg) }, "bob")
	if tok := a.ok(t); tok.RefreshToken == "" {
		t.Error("no refresh token stored")
	}
	pbWantBob(t, a.profile(t), true, true)
	if status, body := a.get(t, "/revoke"); status != http.StatusOK {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if status, _ := a.get(t, "/profile"); status == http.StatusOK {
		t.Error("still logged in after Revoke")
	}
}

// TestPresetNaverStateAndDeleteGrant: every Naver login carries state
// (Naver refuses one without), and Revoke is a POST to the token endpoint
// with grant_type=delete, the access token and service_provider=NAVER.
func TestPresetNaverStateAndDeleteGrant(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	cfg := contrib.NaverConfig{AuthType: "reprompt"}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Naver(cfg) }, "")
	tok := a.ok(t)
	q := fake.RequestsTo("/authorize")[0].Query
	if q.Get("state") == "" || q.Get("auth_type") != "reprompt" {
		t.Errorf("authorize query has state %v, auth_type %q; want a state and reprompt", q.Has("state"), q.Get("auth_type"))
	}
	if status, body := a.get(t, "/revoke"); status != http.StatusOK {
		t.Fatalf("revoke: %d %s", status, body)
	}
	var del []dancetest.Request
	for _, r := range fake.Requests() {
		if r.Form.Get("grant_type") == "delete" {
			del = append(del, r)
		}
	}
	if len(del) != 1 || del[0].Form.Get("access_token") != tok.AccessToken || del[0].Form.Get("service_provider") != "NAVER" {
		t.Fatalf("deletion requests %v, want one grant_type=delete with the token", del)
	}
}

// TestPresetNaverErrorsIn200: Naver answers errors with 200: a token
// answer with "error" fails the login and stores nothing, and a profile
// answer whose resultcode is not "00" is an error, not a profile.
func TestPresetNaverErrorsIn200(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		fake := dancetest.NewProvider(dancetest.Config{})
		t.Cleanup(fake.Close)
		fake.Fail(dancetest.FailErrorIn200)
		cfg := contrib.NaverConfig{}
		if err := fake.Configure(&cfg); err != nil {
			t.Fatal(err)
		}
		a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Naver(cfg) }, "")
		if a.login.StatusCode == http.StatusFound || a.token() != nil {
			t.Errorf("an error in a 200 token answer: callback %d, token %v", a.login.StatusCode, a.token())
		}
	})
	t.Run("profile", func(t *testing.T) {
		fake := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{
			"/v1/nid/me": map[string]any{"resultcode": "024", "message": "Authentication failed"},
		}})
		t.Cleanup(fake.Close)
		cfg := contrib.NaverConfig{}
		if err := fake.Configure(&cfg); err != nil {
			t.Fatal(err)
		}
		a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Naver(cfg) }, "")
		a.ok(t)
		status, body := a.get(t, "/profile")
		if status == http.StatusOK || !strings.Contains(body, "024") {
			t.Errorf("profile of a resultcode 024 answer: %d %s; want an error naming the code", status, body)
		}
	})
}
