package contrib_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

// TestPresetVKDevLogin: through the development provider, a VK ID login
// (PKCE, the callback's device_id) stores the token with user_id and the
// device_id, and the profile maps oauth2/user_info.
func TestPresetVKDevLogin(t *testing.T) {
	t.Setenv("VK_OAUTH_CLIENT_SECRET", "")
	cfg := contrib.VKConfig{Scopes: []string{"vkid.personal_info", "email"}, Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.VK(cfg) }, "bob")
	tok := a.ok(t)
	if tok.Extra["user_id"] != "1002" || tok.Extra["device_id"] != "dev-device-1" {
		t.Errorf("token Extra %v, want user_id and device_id", tok.Extra)
	}
	pbWantBob(t, a.profile(t), false, true)
}

// TestPresetVKDeviceIDAndState: the token request repeats the callback's
// device_id and state, with PKCE's verifier and client_id in the body and
// no client secret when none is configured; the profile is a POST with the
// access token and client_id in the body; Provider picks the account kind.
func TestPresetVKDeviceIDAndState(t *testing.T) {
	t.Setenv("VK_OAUTH_CLIENT_SECRET", "")
	fake := dancetest.NewProvider(dancetest.Config{CallbackParams: map[string]string{"device_id": "device-42"}})
	t.Cleanup(fake.Close)
	cfg := contrib.VKConfig{Provider: "ok_ru"}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.VK(cfg) }, "")
	tok := a.ok(t)
	auth := fake.RequestsTo("/authorize")[0].Query
	form := fake.RequestsTo("/token")[0].Form
	if form.Get("device_id") != "device-42" || form.Get("state") != auth.Get("state") || form.Get("state") == "" {
		t.Errorf("token request device_id %q, state matches %v; want the callback's", form.Get("device_id"), form.Get("state") == auth.Get("state"))
	}
	if form.Get("code_verifier") == "" || form.Get("client_id") != fake.ClientID() {
		t.Error("token request lacks the PKCE verifier or client_id")
	}
	if auth.Get("provider") != "ok_ru" {
		t.Errorf("authorize query provider %q, want ok_ru", auth.Get("provider"))
	}
	a.profile(t)
	info := fake.RequestsTo("/oauth2/user_info")
	if len(info) != 1 || info[0].Method != http.MethodPost || info[0].Form.Get("access_token") != tok.AccessToken || info[0].Form.Get("client_id") == "" {
		t.Errorf("%d user_info requests, want one POST with access_token and client_id in the body", len(info))
	}
}

// TestPresetVKRevoke: Revoke posts client_id and access_token to
// id.vk.com/oauth2/revoke, and only {"response": 1} is a success.
func TestPresetVKRevoke(t *testing.T) {
	for answer, wantOK := range map[string]bool{`{"response":1}`: true, `{"error":"invalid_token"}`: false} {
		var form map[string][]string
		vk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			form = r.PostForm
			fmt.Fprint(w, answer)
		}))
		t.Cleanup(vk.Close)
		fake := dancetest.NewProvider(dancetest.Config{})
		t.Cleanup(fake.Close)
		cfg := contrib.VKConfig{}
		if err := fake.Configure(&cfg); err != nil {
			t.Fatal(err)
		}
		cfg.HTTPClient = nil // straight to the fake and to vk, on loopback
		a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) {
			cfg.BaseURL = vk.URL + "/"
			cfg.ProfileURL = fake.URL + "/oauth2/user_info"
			return contrib.VK(cfg)
		}, "")
		tok := a.ok(t)
		status, _ := a.get(t, "/revoke")
		if (status == http.StatusOK) != wantOK {
			t.Errorf("answer %s: revoke %d, want success %v", answer, status, wantOK)
		}
		if len(form["access_token"]) != 1 || form["access_token"][0] != tok.AccessToken || len(form["client_id"]) != 1 || form["client_id"][0] != fake.ClientID() {
			t.Errorf("revoke form has access_token %v, client_id %v; want the token and the client", len(form["access_token"]), form["client_id"])
		}
	}
}
