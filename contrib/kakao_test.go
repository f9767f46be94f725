package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

// TestPresetKakaoDevLogin: through the development provider, a Kakao
// login stores a refreshable token and the profile maps the member
// number, kakao_account's nickname and e-mail, and is_email_verified.
func TestPresetKakaoDevLogin(t *testing.T) {
	cfg := contrib.KakaoConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Kakao(cfg) }, "bob")
	if tok := a.ok(t); tok.RefreshToken == "" {
		t.Error("no refresh token stored")
	}
	p := a.profile(t)
	pbWantBob(t, p, false, true)
	if p.EmailVerified == nil || *p.EmailVerified {
		t.Errorf("EmailVerified = %v, want false (bob's is_email_verified)", p.EmailVerified)
	}
}

// TestPresetKakaoClientIDInBody: Kakao's token request carries client_id
// in the body, and client_secret only when the app has one (it is
// optional at Kakao): none is sent when none is configured.
func TestPresetKakaoClientIDInBody(t *testing.T) {
	t.Setenv("KAKAO_OAUTH_CLIENT_SECRET", "")
	for _, withSecret := range []bool{true, false} {
		fake := dancetest.NewProvider(dancetest.Config{})
		t.Cleanup(fake.Close)
		cfg := contrib.KakaoConfig{Prompt: "login"}
		if err := fake.Configure(&cfg); err != nil {
			t.Fatal(err)
		}
		if !withSecret {
			cfg.ClientSecret = ""
		}
		a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Kakao(cfg) }, "")
		reqs := fake.RequestsTo("/token")
		if len(reqs) != 1 || reqs[0].ClientAuth() != "params" {
			t.Fatalf("token requests %v, want one with client_id in the body", reqs)
		}
		if got := reqs[0].Form.Has("client_secret"); got != withSecret {
			t.Errorf("with a secret configured %v: client_secret sent %v", withSecret, got)
		}
		if withSecret {
			a.ok(t)
		} else if a.login.StatusCode == http.StatusFound && len(a.errors()) == 0 {
			t.Error("the fake, which wants a secret, accepted none")
		}
		if q := fake.RequestsTo("/authorize"); len(q) != 1 || q[0].Query.Get("prompt") != "login" {
			t.Errorf("authorize request %v, want prompt=login", q)
		}
	}
}
