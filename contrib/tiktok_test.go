package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

func buildTikTok(cfg contrib.TikTokConfig) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.Endpoints, cfg.Options = ep, o
		return contrib.TikTok(cfg)
	}
}

// TikTok through the development provider: the login, the token stored,
// and the profile from /v2/user/info/ (open_id, display_name), asked for
// its fields.
func TestPresetTikTok(t *testing.T) {
	run := devDance(t, buildTikTok(contrib.TikTokConfig{}))
	run.checkLogin(dance.Profile{Provider: "tiktok", ID: who.ID, Name: who.Name})
	calls := run.Calls("/v2/user/info/")
	if len(calls) != 1 || calls[0].URL.Query().Get("fields") != "open_id,union_id,avatar_url,display_name" {
		t.Error("user/info/ not asked for open_id, union_id, avatar_url and display_name")
	}
}

// TikTok names the client ID client_key: the authorization request, the
// code's token request and the refresh all carry it, and the secret goes
// in the body; no PKCE challenge is sent.
func TestPresetTikTokClientKey(t *testing.T) {
	run := devDance(t, buildTikTok(contrib.TikTokConfig{}))
	q := run.Login.Query()
	if q.Get("client_key") == "" || q.Get("client_key") != q.Get("client_id") {
		t.Errorf("authorization request: client_key %q, client_id %q; want the client ID as client_key", q.Get("client_key"), q.Get("client_id"))
	}
	if q.Has("code_challenge") {
		t.Error("a PKCE challenge was sent")
	}
	run.Expire()
	if st := run.Get("/token"); st != http.StatusOK {
		t.Fatalf("token after expiry: %d", st)
	}
	calls := run.Calls("/v2/oauth/token/")
	if len(calls) != 2 || calls[1].Form.Get("grant_type") != "refresh_token" {
		t.Fatalf("%d token requests, want the code's and a refresh", len(calls))
	}
	for _, c := range calls {
		if c.Form.Get("client_key") != q.Get("client_id") || c.Form.Get("client_secret") == "" {
			t.Errorf("%s: client_key %q, secret in body %v", c.Form.Get("grant_type"), c.Form.Get("client_key"), c.Form.Has("client_secret"))
		}
	}
}

// TikTok wants its scopes comma-separated.
func TestPresetTikTokCommaScopes(t *testing.T) {
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		return buildTikTok(contrib.TikTokConfig{ClientID: "id", ClientSecret: "s", Scopes: []string{"user.info.basic", "video.list"}})(contrib.Endpoints{}, o)
	})
	if got := o.Login.Query().Get("scope"); got != "user.info.basic,video.list" {
		t.Errorf("scope %q, want user.info.basic,video.list", got)
	}
}
