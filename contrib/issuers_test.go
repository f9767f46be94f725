package contrib_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

// builder2 builds a preset with the given endpoints and options.
type builder2 = func(contrib.Endpoints, dance.Options) (*dance.Blueprint, error)

// checkIssuer proves that the preset verifies ID tokens against issuer,
// with the key set at jwksPath on the issuer's host: a dance with a fake
// whose ID tokens and keys are there succeeds, and one whose ID tokens
// name another issuer is refused and stores nothing. build gets the fake's
// authorization and token endpoints and must use the credentials
// "test-client-id" and "test-client-secret".
func checkIssuer(t *testing.T, build builder2, issuer, jwksPath string) {
	t.Helper()
	for _, tc := range []struct {
		name, iss string
		ok        bool
	}{{"right issuer", issuer, true}, {"other issuer", issuer + "x", false}} {
		t.Run(tc.name, func(t *testing.T) {
			fake := dancetest.NewProvider(dancetest.Config{Issuer: tc.iss, JWKSPath: jwksPath})
			t.Cleanup(fake.Close)
			run := fakeDance(t, fake, func(o dance.Options) (*dance.Blueprint, error) {
				return build(contrib.Endpoints{AuthURL: fake.URL + "/authorize", TokenURL: fake.URL + "/token"}, o)
			})
			if got := run.Login.Query().Get("scope"); !strings.Contains(got, "openid") {
				t.Fatalf("scope %q has no openid: no ID token to verify", got)
			}
			if tc.ok && (run.Callback.StatusCode != http.StatusFound || run.Token() == nil) {
				t.Fatalf("ID token of %s: callback %d, stored %v; want a login", tc.iss, run.Callback.StatusCode, run.Token() != nil)
			}
			if !tc.ok && (run.Callback.StatusCode != http.StatusForbidden || run.Token() != nil) {
				t.Fatalf("ID token of %s, want %s: callback %d, stored %v; want 403 and nothing stored", tc.iss, issuer, run.Callback.StatusCode, run.Token() != nil)
			}
			if len(fake.RequestsTo(jwksPath)) == 0 {
				t.Errorf("the key set at %s was never fetched", jwksPath)
			}
		})
	}
}

// checkEndpoints checks where the preset sends its login, token request,
// identity call and revocation, built with placeholder credentials.
func checkEndpoints(t *testing.T, build builder2, auth, token, profile, revoke string) {
	t.Helper()
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) { return build(contrib.Endpoints{}, o) })
	for _, c := range [][3]string{
		{"authorization", o.AuthURL(), auth}, {"token", o.Token.Endpoint(), token},
		{"profile", o.Profile.Endpoint(), profile}, {"revocation", o.Revoke.Endpoint(), revoke},
	} {
		if c[1] != c[2] {
			t.Errorf("%s at %s, want %s", c[0], c[1], c[2])
		}
	}
}

// checkDevRevoke revokes the token of a login through the development
// provider at its RFC 7009 endpoint, whose path is path, and checks that
// the user is logged out.
func checkDevRevoke(t *testing.T, run *devRun, path string) {
	t.Helper()
	if st := run.Get("/revoke"); st != http.StatusOK {
		t.Fatalf("revoke: %d", st)
	}
	if calls := run.Calls(path); len(calls) != 1 || calls[0].Form.Get("token") == "" {
		t.Fatalf("%d revocation requests at %s", len(calls), path)
	}
	if run.Token() != nil {
		t.Error("the token is still stored after the revocation")
	}
}

// oidcPersona is who as an OpenID Connect userinfo endpoint describes
// them.
func oidcPersona(provider string) dance.Profile {
	return dance.Profile{Provider: provider, ID: who.ID, Login: who.Login, Name: who.Name, Email: who.Email, EmailVerified: no()}
}

func buildOkta(cfg contrib.OktaConfig) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.ClientID, cfg.ClientSecret, cfg.Endpoints, cfg.Options = "test-client-id", "test-client-secret", ep, o
		return contrib.Okta(cfg)
	}
}

// Okta through the development provider: login, token, profile from
// userinfo, and RFC 7009 revocation.
func TestPresetOkta(t *testing.T) {
	run := devDance(t, buildOkta(contrib.OktaConfig{}))
	run.checkLogin(oidcPersona("okta"))
	checkDevRevoke(t, run, "/oauth2/default/v1/revoke")
}

// Okta's endpoints and issuer are its documented paths under the org's
// domain and the authorization server: "default", another custom server,
// or the org authorization server (whose issuer is the org itself).
func TestPresetOktaAuthorizationServers(t *testing.T) {
	for _, tc := range []struct {
		name         string
		cfg          contrib.OktaConfig
		prefix, path string // of the OAuth endpoints: URL, and path
		issuer       string
	}{
		{"default server", contrib.OktaConfig{Domain: "dev-1.okta.com"},
			"https://dev-1.okta.com", "/oauth2/default", "https://dev-1.okta.com/oauth2/default"},
		{"custom server, URL domain", contrib.OktaConfig{Domain: "https://login.example.org/", AuthorizationServer: "aus9xyz"},
			"https://login.example.org", "/oauth2/aus9xyz", "https://login.example.org/oauth2/aus9xyz"},
		{"org server", contrib.OktaConfig{Domain: "dev-1.okta.com", OrgAuthorizationServer: true},
			"https://dev-1.okta.com", "/oauth2", "https://dev-1.okta.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.prefix + tc.path
			checkEndpoints(t, buildOkta(tc.cfg), p+"/v1/authorize", p+"/v1/token", p+"/v1/userinfo", p+"/v1/revoke")
			checkIssuer(t, buildOkta(tc.cfg), tc.issuer, tc.path+"/v1/keys")
		})
	}
}

func buildAuth0(cfg contrib.Auth0Config) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.ClientID, cfg.ClientSecret, cfg.Endpoints, cfg.Options = "test-client-id", "test-client-secret", ep, o
		return contrib.Auth0(cfg)
	}
}

// Auth0 through the development provider: login, token, profile from
// userinfo, and RFC 7009 revocation.
func TestPresetAuth0(t *testing.T) {
	run := devDance(t, buildAuth0(contrib.Auth0Config{}))
	run.checkLogin(oidcPersona("auth0"))
	checkDevRevoke(t, run, "/oauth/revoke")
}

// Auth0's endpoints are its documented paths under the tenant's domain;
// its issuer ends in a slash; Audience asks for an API's access token.
func TestPresetAuth0IssuerAndAudience(t *testing.T) {
	cfg := contrib.Auth0Config{Domain: "acme.eu.auth0.com", Audience: "https://api.acme.example"}
	const d = "https://acme.eu.auth0.com"
	checkEndpoints(t, buildAuth0(cfg), d+"/authorize", d+"/oauth/token", d+"/userinfo", d+"/oauth/revoke")
	checkIssuer(t, buildAuth0(cfg), d+"/", "/.well-known/jwks.json")
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) { return buildAuth0(cfg)(contrib.Endpoints{}, o) })
	if got := o.Login.Query().Get("audience"); got != cfg.Audience {
		t.Errorf("audience=%q, want %q", got, cfg.Audience)
	}
}

func buildKeycloak(cfg contrib.KeycloakConfig) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.ClientID, cfg.ClientSecret, cfg.Endpoints, cfg.Options = "test-client-id", "test-client-secret", ep, o
		return contrib.Keycloak(cfg)
	}
}

// Keycloak through the development provider: login, token, profile from
// userinfo, the refresh of an expired token (Keycloak always gives a
// refresh token), and RFC 7009 revocation.
func TestPresetKeycloak(t *testing.T) {
	run := devDance(t, buildKeycloak(contrib.KeycloakConfig{}))
	run.checkLogin(oidcPersona("keycloak"))
	old := run.Token()
	run.Expire()
	if st := run.Get("/token"); st != http.StatusOK || run.Token().AccessToken == old.AccessToken {
		t.Errorf("an expired token was not refreshed (%d)", st)
	}
	checkDevRevoke(t, run, "/realms/example/protocol/openid-connect/revoke")
}

// Keycloak's endpoints and issuer are under {URL}/realms/{Realm}, for a
// server with or without the old /auth prefix, on http for a local one.
func TestPresetKeycloakRealm(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  contrib.KeycloakConfig
		base string // the realm's URL
		path string // and its path
	}{
		{"host", contrib.KeycloakConfig{URL: "sso.example.com", Realm: "staff"}, "https://sso.example.com/realms/staff", "/realms/staff"},
		{"old /auth prefix, local", contrib.KeycloakConfig{URL: "http://localhost:8080/auth/", Realm: "dev"}, "http://localhost:8080/auth/realms/dev", "/auth/realms/dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.base + "/protocol/openid-connect"
			checkEndpoints(t, buildKeycloak(tc.cfg), b+"/auth", b+"/token", b+"/userinfo", b+"/revoke")
			checkIssuer(t, buildKeycloak(tc.cfg), tc.base, tc.path+"/protocol/openid-connect/certs")
		})
	}
}

func buildCognito(cfg contrib.CognitoConfig) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.ClientID, cfg.ClientSecret, cfg.Endpoints, cfg.Options = "test-client-id", "test-client-secret", ep, o
		return contrib.Cognito(cfg)
	}
}

// Amazon Cognito through the development provider: login, token, profile
// from userInfo (Login is the username), and RFC 7009 revocation.
func TestPresetCognito(t *testing.T) {
	run := devDance(t, buildCognito(contrib.CognitoConfig{}))
	run.checkLogin(oidcPersona("cognito"))
	checkDevRevoke(t, run, "/oauth2/revoke")
}

// Cognito's OAuth endpoints are on the user pool's domain, and its issuer
// is the pool's, in the region that the pool ID starts with.
func TestPresetCognitoIssuerFromUserPool(t *testing.T) {
	cfg := contrib.CognitoConfig{Domain: "auth.acme.example", UserPoolID: "eu-west-3_Ab12Cd34"}
	const d = "https://auth.acme.example"
	checkEndpoints(t, buildCognito(cfg), d+"/oauth2/authorize", d+"/oauth2/token", d+"/oauth2/userInfo", d+"/oauth2/revoke")
	checkIssuer(t, buildCognito(cfg), "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_Ab12Cd34", "/eu-west-3_Ab12Cd34/.well-known/jwks.json")
}

// Cognito's userInfo says email_verified as a string, "true" or "false";
// EmailVerified reads it.
func TestPresetCognitoEmailVerifiedString(t *testing.T) {
	for _, v := range []string{"true", "false"} {
		t.Run(v, func(t *testing.T) {
			fake := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{
				"/oauth2/userInfo": `{"sub":"7f1c","username":"jdoe","email":"jdoe@example.com","email_verified":"` + v + `"}`,
			}})
			t.Cleanup(fake.Close)
			run := fakeDance(t, fake, func(o dance.Options) (*dance.Blueprint, error) {
				cfg := contrib.CognitoConfig{Options: o}
				if err := fake.Configure(&cfg); err != nil {
					return nil, err
				}
				cfg.HTTPClient = o.HTTPClient
				return contrib.Cognito(cfg)
			})
			p := run.Profile()
			if p.ID != "7f1c" || p.Login != "jdoe" || p.EmailVerified == nil || *p.EmailVerified != (v == "true") {
				t.Errorf("profile %+v (EmailVerified %v), want jdoe with EmailVerified %s", p, p.EmailVerified, v)
			}
		})
	}
}

func buildZITADEL(cfg contrib.ZITADELConfig) builder2 {
	return func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		cfg.ClientID, cfg.ClientSecret, cfg.Endpoints, cfg.Options = "test-client-id", "test-client-secret", ep, o
		return contrib.ZITADEL(cfg)
	}
}

// ZITADEL through the development provider: login, token, profile from
// userinfo, and RFC 7009 revocation.
func TestPresetZITADEL(t *testing.T) {
	run := devDance(t, buildZITADEL(contrib.ZITADELConfig{}))
	run.checkLogin(oidcPersona("zitadel"))
	checkDevRevoke(t, run, "/oauth/v2/revoke")
}

// ZITADEL's endpoints are its documented paths under the instance, whose
// URL is the issuer, for ZITADEL Cloud and a self-hosted one on http.
func TestPresetZITADELIssuer(t *testing.T) {
	for _, base := range []string{"https://acme-x1y2z3.zitadel.cloud", "http://localhost:8080"} {
		t.Run(base, func(t *testing.T) {
			cfg := contrib.ZITADELConfig{Domain: strings.TrimPrefix(base, "https://")}
			checkEndpoints(t, buildZITADEL(cfg), base+"/oauth/v2/authorize", base+"/oauth/v2/token", base+"/oidc/v1/userinfo", base+"/oauth/v2/revoke")
			checkIssuer(t, buildZITADEL(cfg), base, "/oauth/v2/keys")
		})
	}
}

// A preset of a provider's instance has no default instance: without one
// (outside development mode), or with one that is not a host or URL, the
// build fails and names the field.
func TestPresetInstanceRequired(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		build      func() (*dance.Blueprint, error)
	}{
		{"okta", "Domain", func() (*dance.Blueprint, error) { return contrib.Okta(contrib.OktaConfig{ClientID: "x"}) }},
		{"okta both servers", "AuthorizationServer", func() (*dance.Blueprint, error) {
			return contrib.Okta(contrib.OktaConfig{ClientID: "x", Domain: "d.okta.com", AuthorizationServer: "aus1", OrgAuthorizationServer: true})
		}},
		{"okta server ID", "AuthorizationServer", func() (*dance.Blueprint, error) {
			return contrib.Okta(contrib.OktaConfig{ClientID: "x", Domain: "d.okta.com", AuthorizationServer: "../admin"})
		}},
		{"auth0", "Domain", func() (*dance.Blueprint, error) { return contrib.Auth0(contrib.Auth0Config{ClientID: "x"}) }},
		{"auth0 not a host", "Domain", func() (*dance.Blueprint, error) {
			return contrib.Auth0(contrib.Auth0Config{ClientID: "x", Domain: "ftp://acme.auth0.com"})
		}},
		{"keycloak", "URL", func() (*dance.Blueprint, error) {
			return contrib.Keycloak(contrib.KeycloakConfig{ClientID: "x", Realm: "r"})
		}},
		{"keycloak realm", "Realm", func() (*dance.Blueprint, error) {
			return contrib.Keycloak(contrib.KeycloakConfig{ClientID: "x", URL: "sso.example.com"})
		}},
		{"cognito", "Domain", func() (*dance.Blueprint, error) {
			return contrib.Cognito(contrib.CognitoConfig{ClientID: "x", UserPoolID: "us-east-1_abc"})
		}},
		{"cognito pool", "UserPoolID", func() (*dance.Blueprint, error) {
			return contrib.Cognito(contrib.CognitoConfig{ClientID: "x", Domain: "auth.example.com", UserPoolID: "abc"})
		}},
		{"zitadel", "Domain", func() (*dance.Blueprint, error) { return contrib.ZITADEL(contrib.ZITADELConfig{ClientID: "x"}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.build()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
}

// The OpenID Connect presets refresh a token that has a refresh token at
// their token endpoint, whether or not the scope asks for offline_access
// (issue 29, defect 1: the provider decides whether to issue one).
func TestPresetOIDCOfflineAccess(t *testing.T) {
	offline := []string{"openid", "offline_access"}
	for _, tc := range []struct {
		name  string
		build func(scopes []string) builder2
	}{
		{"okta", func(s []string) builder2 { return buildOkta(contrib.OktaConfig{Domain: "d.okta.com", Scopes: s}) }},
		{"auth0", func(s []string) builder2 { return buildAuth0(contrib.Auth0Config{Domain: "d.auth0.com", Scopes: s}) }},
		{"zitadel", func(s []string) builder2 {
			return buildZITADEL(contrib.ZITADELConfig{Domain: "d.zitadel.cloud", Scopes: s})
		}},
		{"keycloak", func(s []string) builder2 {
			return buildKeycloak(contrib.KeycloakConfig{URL: "sso.example.com", Realm: "r", Scopes: s})
		}},
		{"cognito", func(s []string) builder2 {
			return buildCognito(contrib.CognitoConfig{Domain: "auth.example.com", UserPoolID: "us-east-1_abc", Scopes: s})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, scopes := range [][]string{nil, offline} {
				o := observe(t, func(o dance.Options) (*dance.Blueprint, error) { return tc.build(scopes)(contrib.Endpoints{}, o) })
				if o.Refresh == nil || o.Refresh.Endpoint() != o.Token.Endpoint() {
					t.Errorf("scopes %q: the token was not refreshed at the token endpoint", scopes)
				}
			}
		})
	}
}
