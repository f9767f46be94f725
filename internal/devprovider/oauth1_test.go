package devprovider_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
	"github.com/gin-gonic/gin"
)

// TestDevProviderOAuth1: Twitter (HMAC-SHA1) and JIRA (RSA-SHA1) dance
// through the development provider's consent page, and their identity
// APIs answer with the first persona.
func TestDevProviderOAuth1(t *testing.T) {
	gin.SetMode(gin.TestMode)
	dev := devprovider.Start(t, devprovider.Config{})
	ep := contrib.OAuth1Endpoints{Dev: dev}
	who := devprovider.DefaultPersonas[0]
	for _, tc := range []struct {
		name, api, field string
		build            func(dance.Options) (*dance.Blueprint, error)
	}{
		{"twitter", "account/verify_credentials.json", "screen_name", func(o dance.Options) (*dance.Blueprint, error) {
			return contrib.Twitter(contrib.TwitterConfig{OAuth1Endpoints: ep, Options: o})
		}},
		{"jira", "rest/api/2/myself", "displayName", func(o dance.Options) (*dance.Blueprint, error) {
			return contrib.JIRA(contrib.JIRAConfig{OAuth1Endpoints: ep, Options: o} /* no key or BaseURL: development mode needs neither */)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bp, srv := app(t, dance.Hooks{}, tc.build)
			b := dancetest.NewBrowser(t)
			resp := b.Get(srv.URL + bp.LoginURL())
			resp.Body.Close()
			authURL := b.Location(resp)
			resp = b.Get(authURL.String())
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("consent page: %d", resp.StatusCode)
			}
			resp, err := b.PostForm(authURL.String(), url.Values{"oauth_token": {authURL.Query().Get("oauth_token")}, "decision": {"authorize"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			resp = b.Get(b.Location(resp).String())
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("callback answered %d", resp.StatusCode)
			}
			api := srv.URL + "/api?ref=" + url.QueryEscape(tc.api)
			resp = b.Get(api)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var got map[string]any
			if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &got) != nil {
				t.Fatalf("identity API: %d %s", resp.StatusCode, body)
			}
			want := who.Login
			if tc.field == "displayName" {
				want = who.Name
			}
			if got[tc.field] != want {
				t.Errorf("%s = %v, want %q", tc.field, got[tc.field], want)
			}
		})
	}
}
