package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

func buildYahoo(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
	return contrib.Yahoo(contrib.YahooConfig{ClientID: "test-client-id", ClientSecret: "test-client-secret", Endpoints: ep, Options: o})
}

// Yahoo through the development provider: the login, the token stored, the
// profile from the userinfo endpoint, and the refresh of an expired token.
func TestPresetYahoo(t *testing.T) {
	run := devDance(t, buildYahoo)
	run.checkLogin(oidcPersona("yahoo"))
	old := run.Token()
	run.Expire()
	if st := run.Get("/token"); st != http.StatusOK || run.Token().AccessToken == old.AccessToken {
		t.Errorf("an expired token was not refreshed (%d)", st)
	}
}

// Yahoo's ID tokens are verified against https://api.login.yahoo.com with
// the keys at /openid/v1/certs: another issuer's are refused.
func TestPresetYahooIssuer(t *testing.T) {
	checkIssuer(t, buildYahoo, "https://api.login.yahoo.com", "/openid/v1/certs")
	const y = "https://api.login.yahoo.com"
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) { return buildYahoo(contrib.Endpoints{}, o) })
	if o.AuthURL() != y+"/oauth2/request_auth" || o.Token.Endpoint() != y+"/oauth2/get_token" || o.Profile.Endpoint() != y+"/openid/v1/userinfo" {
		t.Errorf("endpoints %s %s %s", o.AuthURL(), o.Token.Endpoint(), o.Profile.Endpoint())
	}
}
