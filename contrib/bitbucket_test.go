package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/devprovider"
)

func buildBitbucket(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
	return contrib.Bitbucket(contrib.BitbucketConfig{Endpoints: ep, Options: o})
}

// Bitbucket through the development provider, signed in as a user whose
// address is confirmed: the login, the token stored, and the profile from
// /2.0/user with the e-mail from the second call to /2.0/user/emails.
func TestPresetBitbucket(t *testing.T) {
	alice := devprovider.DefaultPersonas[0]
	run := devDanceAs(t, alice.Login, buildBitbucket)
	run.checkLogin(dance.Profile{Provider: "bitbucket", ID: alice.ID, Login: alice.Login, Name: alice.Name, Email: alice.Email, EmailVerified: yes()})
	if len(run.Calls("/2.0/user/emails")) != 1 {
		t.Error("the e-mail came without the call to /2.0/user/emails")
	}
}

// Bitbucket's token endpoint takes the consumer's key and secret as Basic
// auth, for the code and for the refresh of an expired token (its tokens
// last two hours).
func TestPresetBitbucketBasicAuthAndRefresh(t *testing.T) {
	run := devDance(t, buildBitbucket)
	run.Expire()
	if st := run.Get("/token"); st != http.StatusOK {
		t.Fatalf("token after expiry: %d", st)
	}
	calls := run.Calls("/site/oauth2/access_token")
	if len(calls) != 2 || calls[1].Form.Get("grant_type") != "refresh_token" {
		t.Fatalf("%d token requests, want the code's and a refresh", len(calls))
	}
	for _, c := range calls {
		if c.ClientAuth() != "basic" || c.Form.Has("client_secret") {
			t.Errorf("%s: client auth %q, want Basic only", c.Form.Get("grant_type"), c.ClientAuth())
		}
	}
}

// The e-mail is the primary confirmed address of /2.0/user/emails: not a
// confirmed secondary one, nor an unconfirmed primary one; a consumer
// without the email permission (403) gets a profile without e-mail.
func TestPresetBitbucketPrimaryConfirmedEmail(t *testing.T) {
	user := `{"uuid":"{7b9d}","nickname":"tutorials","display_name":"Tutorials Account","links":{"avatar":{"href":"https://bitbucket.org/account/tutorials/avatar/"}}}`
	for _, tc := range []struct {
		name   string
		emails any
		want   string
	}{
		{"primary confirmed among others", `{"values":[{"email":"old@example.com","is_primary":false,"is_confirmed":true},{"email":"main@example.com","is_primary":true,"is_confirmed":true}]}`, "main@example.com"},
		{"primary unconfirmed", `{"values":[{"email":"main@example.com","is_primary":true,"is_confirmed":false}]}`, ""},
		{"no email permission", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			paths := map[string]any{"/2.0/user": user}
			if tc.emails != nil {
				paths["/2.0/user/emails"] = tc.emails
			} else {
				paths["/2.0/user/emails"] = `{"type":"error"}`
			}
			fc := dancetest.Config{Paths: paths}
			if tc.emails == nil {
				fc.PathScopes = map[string]string{"/2.0/user/emails": "email"} // refused with 403
			}
			fake := dancetest.NewProvider(fc)
			t.Cleanup(fake.Close)
			run := fakeDance(t, fake, func(o dance.Options) (*dance.Blueprint, error) {
				cfg := contrib.BitbucketConfig{Options: o}
				if err := fake.Configure(&cfg); err != nil {
					return nil, err
				}
				cfg.BaseURL = fake.URL + "/2.0/"
				cfg.HTTPClient = o.HTTPClient
				return contrib.Bitbucket(cfg)
			})
			p := run.Profile()
			if p.ID != "{7b9d}" || p.Login != "tutorials" || p.Name != "Tutorials Account" || p.AvatarURL == "" {
				t.Errorf("profile %+v", p)
			}
			if p.Email != tc.want || (tc.want != "") != (p.EmailVerified != nil) {
				t.Errorf("Email %q (verified %v), want %q", p.Email, p.EmailVerified, tc.want)
			}
		})
	}
}
