package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

func buildZoom(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
	return contrib.Zoom(contrib.ZoomConfig{Endpoints: ep, Options: o})
}

// Zoom through the development provider: the login, the token stored, the
// profile from /v2/users/me, the refresh of an expired token with Basic
// auth, and the revocation.
func TestPresetZoom(t *testing.T) {
	run := devDance(t, buildZoom)
	run.checkLogin(dance.Profile{Provider: "zoom", ID: who.ID, Name: who.Name, Email: who.Email, EmailVerified: no()})
	run.Expire()
	if st := run.Get("/token"); st != http.StatusOK {
		t.Fatalf("token after expiry: %d", st)
	}
	calls := run.Calls("/oauth/token")
	if len(calls) != 2 || calls[1].Form.Get("grant_type") != "refresh_token" || calls[1].ClientAuth() != "basic" {
		t.Fatalf("%d token requests, want the code's and a refresh with Basic auth", len(calls))
	}
	checkDevRevoke(t, run, "/oauth/revoke")
}

// Zoom says whether the address is verified with a number, 1 or 0; a user
// without a display name is named by first and last name.
func TestPresetZoomVerifiedNumber(t *testing.T) {
	for _, tc := range []struct {
		verified string
		want     bool
	}{{"1", true}, {"0", false}} {
		t.Run(tc.verified, func(t *testing.T) {
			fake := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{
				"/v2/users/me": `{"id":"KDcuGIm1QgePTO8WbOqwIQ","first_name":"Jill","last_name":"Chill","email":"jchill@example.com","verified":` + tc.verified + `}`,
			}})
			t.Cleanup(fake.Close)
			run := fakeDance(t, fake, func(o dance.Options) (*dance.Blueprint, error) {
				cfg := contrib.ZoomConfig{Options: o}
				if err := fake.Configure(&cfg); err != nil {
					return nil, err
				}
				cfg.BaseURL, cfg.HTTPClient = fake.URL+"/v2/", o.HTTPClient
				return contrib.Zoom(cfg)
			})
			p := run.Profile()
			if p.Name != "Jill Chill" || p.EmailVerified == nil || *p.EmailVerified != tc.want {
				t.Errorf("profile %+v (verified %v), want Jill Chill, verified %v", p, p.EmailVerified, tc.want)
			}
		})
	}
}
