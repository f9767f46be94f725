package contrib_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

// TestPresetLINEDevLogin: through the development provider, a LINE login
// with openid and email stores a refreshable token with its ID token, the
// profile maps /v2/profile and takes the e-mail from the ID token that
// LINE verified, and Revoke logs the user out.
func TestPresetLINEDevLogin(t *testing.T) {
	cfg := contrib.LINEConfig{Scopes: []string{"profile", "openid", "email"}, Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.LINE(cfg) }, "bob")
	if tok := a.ok(t); tok.RefreshToken == "" || tok.Extra["id_token"] == nil {
		t.Errorf("token %+v, want a refresh token and an ID token", tok)
	}
	pbWantBob(t, a.profile(t), false, true)
	if status, body := a.get(t, "/revoke"); status != http.StatusOK {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if status, _ := a.get(t, "/profile"); status == http.StatusOK {
		t.Error("still logged in after Revoke")
	}
}

// TestPresetLINEQuirks: the login carries bot_prompt, prompt and
// ui_locales; the token request carries the channel's credentials in the
// body; the e-mail comes from LINE's verification of the ID token
// (POST /oauth2/v2.1/verify with the channel ID), which must be the
// profile's user's; Revoke names the token access_token.
func TestPresetLINEQuirks(t *testing.T) {
	for _, tc := range []struct {
		name, sub string
		wantErr   bool
	}{{"same user", "4242", false}, {"another user", "U-someone-else", true}} {
		t.Run(tc.name, func(t *testing.T) {
			fake := dancetest.NewProvider(dancetest.Config{
				User: map[string]any{"id": 4242, "login": "hubot", "name": "Hu Bot", "email": "hubot@example.com"},
				Paths: map[string]any{"/oauth2/v2.1/verify": map[string]any{
					"iss": "https://access.line.me", "sub": tc.sub, "email": "hubot@example.com",
				}},
			})
			t.Cleanup(fake.Close)
			cfg := contrib.LINEConfig{BotPrompt: "aggressive", Prompt: "consent", UILocales: []string{"ja", "en-US"}, Scopes: []string{"openid", "profile", "email"}}
			if err := fake.Configure(&cfg); err != nil {
				t.Fatal(err)
			}
			a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.LINE(cfg) }, "")
			tok := a.ok(t)
			q := fake.RequestsTo("/authorize")[0].Query
			if q.Get("bot_prompt") != "aggressive" || q.Get("prompt") != "consent" || q.Get("ui_locales") != "ja en-US" {
				t.Errorf("authorize query %v", q)
			}
			if r := fake.RequestsTo("/token"); len(r) != 1 || r[0].ClientAuth() != "params" {
				t.Errorf("token requests %v, want the credentials in the body", r)
			}
			status, body := a.get(t, "/profile")
			if tc.wantErr {
				if status == http.StatusOK {
					t.Errorf("profile with another user's ID token: %d %s, want an error", status, body)
				}
				return
			}
			if status != http.StatusOK || !strings.Contains(body, "hubot@example.com") {
				t.Fatalf("profile: %d %s, want the verified e-mail", status, body)
			}
			v := fake.RequestsTo("/oauth2/v2.1/verify")
			if len(v) != 1 || v[0].Form.Get("id_token") != tok.Extra["id_token"] || v[0].Form.Get("client_id") != fake.ClientID() {
				t.Errorf("verify requests %v, want the ID token and the channel ID", v)
			}
			if status, body := a.get(t, "/revoke"); status != http.StatusOK {
				t.Fatalf("revoke: %d %s", status, body)
			}
			if r := fake.RequestsTo("/oauth2/v2.1/revoke"); len(r) != 1 || r[0].Form.Get("access_token") != tok.AccessToken || r[0].Form.Has("token") {
				t.Errorf("revoke requests %v, want access_token=<token>", r)
			}
		})
	}
}
