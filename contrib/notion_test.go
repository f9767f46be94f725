package contrib_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

func buildNotion(cfg contrib.NotionConfig) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.Endpoints, cfg.Options = ep, o
		return contrib.Notion(cfg)
	}
}

// Notion through the development provider: the login asks the user to add
// the integration (owner=user), with no scope and no PKCE challenge; the
// token is stored; the profile is the user who owns the token's bot
// (users/me), asked with the Notion-Version header.
func TestPresetNotion(t *testing.T) {
	run := devDance(t, buildNotion(contrib.NotionConfig{}))
	q := run.Login.Query()
	if q.Get("owner") != "user" || q.Has("scope") || q.Has("code_challenge") {
		t.Errorf("authorization request %v: want owner=user, no scope, no code_challenge", q)
	}
	run.checkLogin(dance.Profile{Provider: "notion", ID: who.ID, Name: who.Name, Email: who.Email})
	calls := run.Calls("/v1/users/me")
	if len(calls) != 1 || calls[0].Header.Get("Notion-Version") != "2022-06-28" {
		t.Errorf("users/me without Notion-Version 2022-06-28")
	}
}

// jsonKeys are the keys of a JSON object body, sorted.
func jsonKeys(t *testing.T, body string) []string {
	t.Helper()
	var obj map[string]any
	if err := json.Unmarshal([]byte(body), &obj); err != nil {
		t.Fatalf("body %q is not a JSON object", body)
	}
	return slices.Sorted(maps.Keys(obj))
}

// Notion's token endpoint takes JSON with only the fields it documents,
// and the client's credentials as Basic auth: for the code and for the
// refresh.
func TestPresetNotionJSONTokenRequest(t *testing.T) {
	run := devDance(t, buildNotion(contrib.NotionConfig{}))
	run.Expire()
	if st := run.Get("/token"); st != http.StatusOK {
		t.Fatalf("token after expiry: %d", st)
	}
	calls := run.Calls("/v1/oauth/token")
	if len(calls) != 2 {
		t.Fatalf("%d token requests, want the code's and a refresh", len(calls))
	}
	for i, want := range [][]string{{"code", "grant_type", "redirect_uri"}, {"grant_type", "refresh_token"}} {
		c := calls[i]
		if c.Header.Get("Content-Type") != "application/json" || c.ClientAuth() != "basic" {
			t.Errorf("request %d: Content-Type %q, client auth %q; want JSON and Basic", i, c.Header.Get("Content-Type"), c.ClientAuth())
		}
		if got := jsonKeys(t, c.Body); !slices.Equal(got, want) {
			t.Errorf("request %d: fields %q, want %q", i, got, want)
		}
	}
}

// Notion's revocation takes the access token in a JSON body, with Basic
// auth; the user is then logged out.
func TestPresetNotionRevoke(t *testing.T) {
	run := devDance(t, buildNotion(contrib.NotionConfig{}))
	at := run.Token().AccessToken
	if st := run.Get("/revoke"); st != http.StatusOK {
		t.Fatalf("revoke: %d", st)
	}
	calls := run.Calls("/v1/oauth/revoke")
	if len(calls) != 1 || calls[0].Form.Get("token") != at || calls[0].ClientAuth() != "basic" ||
		!slices.Equal(jsonKeys(t, calls[0].Body), []string{"token"}) {
		t.Fatalf("revocation requests: %d, want one with the access token as JSON and Basic auth", len(calls))
	}
	if run.Token() != nil {
		t.Error("the token is still stored after the revocation")
	}
}

// NotionVersion sets the header; Options.Header can set it too.
func TestPresetNotionVersion(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  contrib.NotionConfig
		want string
	}{
		{"NotionVersion", contrib.NotionConfig{NotionVersion: "2025-09-03"}, "2025-09-03"},
		{"Options.Header", contrib.NotionConfig{Options: dance.Options{Header: http.Header{"Notion-Version": {"2026-03-11"}}}}, "2026-03-11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
				cfg := tc.cfg
				cfg.ClientID, cfg.ClientSecret = "id", "s"
				o.Header = cfg.Header
				cfg.Options = o
				return contrib.Notion(cfg)
			})
			if got := o.API.Header.Get("Notion-Version"); got != tc.want {
				t.Errorf("Notion-Version %q, want %q", got, tc.want)
			}
		})
	}
}
