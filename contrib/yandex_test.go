package contrib_test

import (
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

// TestPresetYandexDevLogin: through the development provider, a Yandex
// login stores a refreshable token and the profile maps id, login,
// real_name and default_email.
func TestPresetYandexDevLogin(t *testing.T) {
	cfg := contrib.YandexConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Yandex(cfg) }, "bob")
	if tok := a.ok(t); tok.RefreshToken == "" {
		t.Error("no refresh token stored")
	}
	pbWantBob(t, a.profile(t), true, true)
}

// TestPresetYandexOAuthSchemeAndAvatar: Yandex's API calls carry
// "Authorization: OAuth <token>", and the avatar URL is built from
// default_avatar_id, or left empty when is_avatar_empty is true.
func TestPresetYandexOAuthSchemeAndAvatar(t *testing.T) {
	for _, tc := range []struct {
		name  string
		info  map[string]any
		avata string
	}{
		{"avatar", map[string]any{"id": "1", "login": "ivan", "default_avatar_id": "131652443", "is_avatar_empty": false},
			"https://avatars.yandex.net/get-yapic/131652443/islands-200"},
		{"no avatar", map[string]any{"id": "1", "login": "ivan", "default_avatar_id": "0/0-0", "is_avatar_empty": true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := dancetest.NewProvider(dancetest.Config{AuthScheme: "OAuth", Paths: map[string]any{"/info": tc.info}})
			t.Cleanup(fake.Close)
			cfg := contrib.YandexConfig{ForceConfirm: true}
			if err := fake.Configure(&cfg); err != nil {
				t.Fatal(err)
			}
			a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Yandex(cfg) }, "")
			tok := a.ok(t)
			p := a.profile(t)
			if p.AvatarURL != tc.avata {
				t.Errorf("AvatarURL = %q, want %q", p.AvatarURL, tc.avata)
			}
			info := fake.RequestsTo("/info")
			if len(info) == 0 || info[0].Header.Get("Authorization") != "OAuth "+tok.AccessToken {
				t.Errorf("identity call's Authorization: %v, want the OAuth scheme", info)
			}
			if q := fake.RequestsTo("/authorize")[0].Query; q.Get("force_confirm") != "yes" || strings.Contains(q.Encode(), "login_hint") {
				t.Errorf("authorize query %v, want force_confirm=yes and no login_hint", q)
			}
		})
	}
}
