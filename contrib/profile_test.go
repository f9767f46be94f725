package contrib_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// loggedIn builds a blueprint with build, given Options whose storage
// holds a token that p accepts, and returns its client for a request, as
// a handler behind bp.Middleware() gets it: a user logged in without a
// dance.
func loggedIn(t *testing.T, p *dancetest.Provider, build func(dance.Options) (*dance.Blueprint, error)) *dance.Client {
	t.Helper()
	return clientWith(t, storage.NewMemory(&dance.Token{AccessToken: p.IssueToken(), TokenType: "bearer"}), build)
}

// clientWith builds a blueprint with build, given Options with the
// storage s, and returns its client for a request, as a handler behind
// bp.Middleware() gets it.
func clientWith(t *testing.T, s storage.Storage, build func(dance.Options) (*dance.Blueprint, error)) *dance.Client {
	t.Helper()
	bp, err := build(dance.Options{Storage: s})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	bp.Middleware()(c)
	return c.MustGet(bp.Name()).(*dance.Client)
}

// builder builds a preset against a fake: all endpoints overridden, and
// credentials given.
type builder func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error)

// Acceptance 3, second half: identity responses with only the ID map to a
// profile whose optional fields are empty, without an error, and with
// EmailVerified nil rather than false.
func TestProfileMissingOptionalFields(t *testing.T) {
	cases := []struct {
		name  string
		build builder
		path  string
		body  string
		id    string
		login string // Discord falls back to the username for Name too
	}{
		{"github without public e-mail nor user:email scope", func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
			return contrib.GitHub(contrib.GitHubConfig{ClientID: "x", ClientSecret: "s", Endpoints: ep, Options: o})
		}, "/user", `{"login":"ghost","id":10137,"name":null,"email":null,"avatar_url":null}`, "10137", "ghost"},
		{"google", func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
			return contrib.Google(contrib.GoogleConfig{ClientID: "x", ClientSecret: "s", Endpoints: ep, Options: o})
		}, "/oauth2/v2/userinfo", `{"id":"1"}`, "1", ""},
		{"discord without avatar or email", func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
			return contrib.Discord(contrib.DiscordConfig{ClientID: "x", ClientSecret: "s", Endpoints: ep, Options: o})
		}, "/api/users/@me", `{"id":"80351110224678912","username":"nelly","global_name":null,"avatar":null,"verified":true}`, "80351110224678912", "nelly"},
		{"strava without names", func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
			return contrib.Strava(contrib.StravaConfig{ClientID: "x", ClientSecret: "s", Endpoints: ep, Options: o})
		}, "/athlete", `{"id":227615,"resource_state":1}`, "227615", ""},
		{"twitch without email scope", func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
			return contrib.Twitch(contrib.TwitchConfig{ClientID: "x", ClientSecret: "s", Endpoints: ep, Options: o})
		}, "/users", `{"data":[{"id":"141981764"}]}`, "141981764", ""},
		{"azure without mail", func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
			return contrib.Azure(contrib.AzureConfig{ClientID: "x", ClientSecret: "s", Endpoints: ep, Options: o})
		}, "/v1.0/me", `{"id":"48d31887","displayName":null,"mail":null,"userPrincipalName":null}`, "48d31887", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{tc.path: tc.body}})
			defer p.Close()
			var name string
			prof, err := loggedIn(t, p, func(o dance.Options) (*dance.Blueprint, error) {
				o.BaseURL = p.URL + "/"
				bp, err := tc.build(contrib.Endpoints{}, o)
				if bp != nil {
					name = bp.Name()
				}
				return bp, err
			}).Profile()
			if err != nil {
				t.Fatalf("Profile: %v", err)
			}
			if prof.ID != tc.id || prof.Provider != name || prof.Raw == nil {
				t.Errorf("ID %q provider %q raw %v; want ID %q", prof.ID, prof.Provider, prof.Raw, tc.id)
			}
			wantName := ""
			if tc.name == "discord without avatar or email" {
				wantName = "nelly"
			}
			if prof.Login != tc.login || prof.Name != wantName || prof.Email != "" || prof.EmailVerified != nil || prof.AvatarURL != "" {
				t.Errorf("optional fields not empty: %s", show(*prof))
			}
		})
	}
}

// A response without the user ID, or not JSON, or refused, is an error,
// never a half-empty profile.
func TestProfileErrors(t *testing.T) {
	for name, body := range map[string]any{"no id": `{"name":"x"}`, "not json": `<html>`, "array": `[1]`} {
		t.Run(name, func(t *testing.T) {
			p := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{"/oauth2/v2/userinfo": body}})
			defer p.Close()
			if prof, err := loggedIn(t, p, googleAt(p.URL+"/")).Profile(); err == nil {
				t.Fatalf("no error; profile %s", show(*prof))
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		p := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{"/oauth2/v2/userinfo": `{"id":"1"}`}})
		defer p.Close()
		_, err := clientWith(t, storage.NewMemory(&dance.Token{AccessToken: "revoked"}), googleAt(p.URL+"/")).Profile()
		var apiErr *dance.Error
		if !errors.As(err, &apiErr) || apiErr.Stage != dance.StageAPI || apiErr.Status != http.StatusUnauthorized {
			t.Fatalf("err = %v, want an API *Error with status 401", err)
		}
	})
}

// Endpoints.ProfileURL moves the identity endpoint, as every other
// endpoint can be moved.
func TestProfileURLOverride(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{"/self/hosted/me": `{"ZUID":42}`}, AuthScheme: "Zoho-oauthtoken"})
	defer p.Close()
	prof, err := loggedIn(t, p, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.Zoho(contrib.ZohoConfig{ClientID: "x", ClientSecret: "s", Endpoints: contrib.Endpoints{ProfileURL: p.URL + "/self/hosted/me"}, Options: o})
	}).Profile()
	if err != nil || prof.ID != "42" {
		t.Fatalf("profile %v, err %v", prof, err)
	}
	if got := p.RequestsTo("/self/hosted/me"); len(got) != 1 {
		t.Fatalf("%d calls to the overridden profile URL", len(got))
	}
}

// googleAt builds the Google preset with its API at base.
func googleAt(base string) func(dance.Options) (*dance.Blueprint, error) {
	return func(o dance.Options) (*dance.Blueprint, error) {
		o.BaseURL = base
		return contrib.Google(contrib.GoogleConfig{ClientID: "x", ClientSecret: "s", Options: o})
	}
}
