package contrib_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// oidcDance runs a dance with the blueprint that build makes against a fake
// provider standing in for the real hosts, and returns the callback's
// status, its body and the errors the error hooks got.
func oidcDance(t *testing.T, name string, fake dancetest.Config, build func(dance.Options) (*dance.Blueprint, error), tokenURL string) (int, string, []*dance.Error) {
	t.Helper()
	fake.ClientID, fake.ClientSecret = "id", "secret"
	p := dancetest.NewProvider(fake)
	t.Cleanup(p.Close)
	fu, _ := url.Parse(p.URL)
	t.Setenv(core.EnvName(name)+"_OAUTH_CLIENT_ID", "id")
	t.Setenv(core.EnvName(name)+"_OAUTH_CLIENT_SECRET", "secret")
	var errs []*dance.Error
	bp, err := build(dance.Options{
		HTTPClient: &http.Client{Transport: &rerouter{fake: fu, tokenURL: tokenURL}},
		Hooks:      dance.Hooks{OnError: func(_ *gin.Context, _ *dance.Blueprint, e *dance.Error) { errs = append(errs, e) }},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("s", cookie.NewStore([]byte("0123456789abcdef0123456789abcdef"))))
	bp.Register(r)
	app := httptest.NewServer(r)
	t.Cleanup(app.Close)
	br := dancetest.NewBrowser(t)
	resp := br.Get(app.URL + "/" + name)
	resp.Body.Close()
	q := br.Location(resp).Query()
	if q.Get("nonce") == "" {
		t.Fatalf("no nonce sent with scope %q", q.Get("scope"))
	}
	resp = br.Get(app.URL + "/" + name + "/authorized?" + p.CallbackQuery(q).Encode())
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), errs
}

// Google's hosted_domain is enforced on the verified ID token's hd claim
// (doc 2.1.11's warning, in code): the right domain passes, a wrong or
// missing one is refused and nothing is stored.
func TestGoogleHostedDomainChecksIDToken(t *testing.T) {
	gin.SetMode(gin.TestMode)
	build := func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.Google(contrib.GoogleConfig{HostedDomain: "example.com", Options: o})
	}
	const token = "https://accounts.google.com/o/oauth2/token"
	for _, tc := range []struct {
		name   string
		hd     any
		status int
	}{
		{"right domain", "example.com", http.StatusFound},
		{"wrong domain", "evil.com", http.StatusForbidden},
		{"no hd claim", nil, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := dancetest.Config{}
			googleIDTokens(tc.hd)(&fake)
			status, body, errs := oidcDance(t, "google", fake, build, token)
			if status != tc.status {
				t.Fatalf("status %d, want %d (%s)", status, tc.status, body)
			}
			// A refused ID token fails the token stage with no provider
			// status (the provider answered; dance refused).
			if tc.status == http.StatusForbidden && (len(errs) != 1 || errs[0].Stage != dance.StageToken || errs[0].Status != 0 ||
				!strings.Contains(errs[0].Error(), "ID token")) {
				t.Fatalf("error hooks got %v, want one ID-token refusal", errs)
			}
		})
	}
}

// Azure verifies the v2.0 ID token; with tenant "common" the issuer must
// name the token's own tenant.
func TestAzureVerifiesTenantIssuer(t *testing.T) {
	gin.SetMode(gin.TestMode)
	build := func(o dance.Options) (*dance.Blueprint, error) { return contrib.Azure(contrib.AzureConfig{Options: o}) }
	const token = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
	const tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	for _, tc := range []struct {
		name, issuerTenant string
		status             int
	}{
		{"own tenant", tid, http.StatusFound},
		{"other tenant's issuer", "9188040d-6c67-4c5b-b112-36a304b66dad", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := dancetest.Config{
				Issuer: "https://login.microsoftonline.com/" + tc.issuerTenant + "/v2.0", JWKSPath: "/common/discovery/v2.0/keys",
				IDToken: dancetest.IDTokenConfig{Claims: map[string]any{"tid": tid}},
			}
			status, body, _ := oidcDance(t, "azure", fake, build, token)
			if status != tc.status {
				t.Fatalf("status %d, want %d (%s)", status, tc.status, body)
			}
		})
	}
	// A tenant given by its ID has a fixed issuer.
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.Azure(contrib.AzureConfig{ClientID: "id", ClientSecret: "s", Tenant: tid, Options: o})
	})
	if got := o.AuthURL(); !strings.Contains(got, tid) {
		t.Fatalf("auth URL %s", got)
	}
}

// Authentiq's ID tokens are verified against its issuer: one from another
// issuer is refused.
func TestAuthentiqVerifiesIDToken(t *testing.T) {
	gin.SetMode(gin.TestMode)
	build := func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.Authentiq(contrib.AuthentiqConfig{Options: o})
	}
	const token = "https://connect.authentiq.io/token"
	if status, body, _ := oidcDance(t, "authentiq", dancetest.Config{Issuer: "https://connect.authentiq.io/"}, build, token); status != http.StatusFound {
		t.Fatalf("good token: %d (%s)", status, body)
	}
	if status, _, _ := oidcDance(t, "authentiq", dancetest.Config{Issuer: "https://evil.example/"}, build, token); status != http.StatusForbidden {
		t.Fatalf("foreign issuer: status %d, want 403", status)
	}
}

// Google revokes through its RFC 7009 endpoint, oauth2.googleapis.com/revoke.
func TestGoogleRevokesWithRFC7009(t *testing.T) {
	gin.SetMode(gin.TestMode)
	p := dancetest.NewProvider(dancetest.Config{ClientID: "id", ClientSecret: "secret"})
	defer p.Close()
	fu, _ := url.Parse(p.URL)
	rr := &rerouter{fake: fu}
	bp, err := contrib.Google(contrib.GoogleConfig{ClientID: "id", ClientSecret: "secret",
		Options: dance.Options{HTTPClient: &http.Client{Transport: rr}, Storage: storage.NewMemory(dancetest.Token(p.IssueToken()))}})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.POST("/revoke", bp.Middleware(), func(c *gin.Context) {
		if err := c.MustGet("google").(*dance.Client).Revoke(); err != nil {
			c.String(500, err.Error())
			return
		}
		c.Status(204)
	})
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("POST", "/revoke", nil))
	if w.Code != 204 {
		t.Fatalf("revoke: %d %s", w.Code, w.Body)
	}
	if seen := rr.seen(); len(seen) != 1 || seen[0] != "POST https://oauth2.googleapis.com/revoke" {
		t.Fatalf("requests: %v", seen)
	}
	if len(p.RequestsTo("/revoke")) != 1 {
		t.Fatal("the fake got no revocation")
	}
}

// LinkedIn's OpenID Connect ID tokens are verified: one from another
// issuer is refused.
func TestLinkedInVerifiesIDToken(t *testing.T) {
	gin.SetMode(gin.TestMode)
	build := func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.LinkedIn(contrib.LinkedInConfig{Scopes: []string{"openid", "profile", "email"}, Options: o})
	}
	const token = "https://www.linkedin.com/oauth/v2/accessToken"
	good := dancetest.Config{Issuer: "https://www.linkedin.com/oauth", JWKSPath: "/oauth/openid/jwks"}
	if status, body, _ := oidcDance(t, "linkedin", good, build, token); status != http.StatusFound {
		t.Fatalf("good token: %d (%s)", status, body)
	}
	bad := good
	bad.Issuer = "https://evil.example/oauth"
	if status, _, _ := oidcDance(t, "linkedin", bad, build, token); status != http.StatusForbidden {
		t.Fatalf("foreign issuer: status %d, want 403", status)
	}
}

// azureDance runs a dance with an Azure blueprint for tenant against a
// fake whose ID tokens have the issuer of issuerTenant and the tid claim
// tid, and returns the callback's status.
func azureDance(t *testing.T, tenant, issuerTenant, tid string) int {
	t.Helper()
	build := func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.Azure(contrib.AzureConfig{Tenant: tenant, Options: o})
	}
	fake := dancetest.Config{
		Issuer:   "https://login.microsoftonline.com/" + issuerTenant + "/v2.0",
		JWKSPath: "/" + or(tenant, "common") + "/discovery/v2.0/keys",
		IDToken:  dancetest.IDTokenConfig{Claims: map[string]any{"tid": tid}},
	}
	status, _, _ := oidcDance(t, "azure", fake, build, "https://login.microsoftonline.com/"+or(tenant, "common")+"/oauth2/v2.0/token")
	return status
}

// Two work tenants, and the personal accounts' tenant.
const (
	tenantA   = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	tenantB   = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
	consumers = "9188040d-6c67-4c5b-b112-36a304b66dad"
)

// A multi-tenant blueprint ("common", "organizations") accepts an ID token
// from any tenant whose issuer names that same tenant: tenant A's token
// has the issuer …/A/v2.0 and tid A.
func TestAzureMultiTenantAcceptsTokenOfItsTenant(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for _, tenant := range []string{"", "common", "organizations"} {
		for _, tid := range []string{tenantA, tenantB} {
			if st := azureDance(t, tenant, tid, tid); st != http.StatusFound {
				t.Errorf("tenant %q, token of %s: status %d, want 302", tenant, tid, st)
			}
		}
	}
}

// A multi-tenant blueprint checks the issuer per token: a token whose
// issuer names tenant B while its tid is A is refused.
func TestAzureMultiTenantRefusesIssuerOfAnotherTenant(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for _, tenant := range []string{"common", "organizations"} {
		if st := azureDance(t, tenant, tenantB, tenantA); st != http.StatusForbidden {
			t.Errorf("tenant %q, issuer B with tid A: status %d, want 403", tenant, st)
		}
	}
}

// A blueprint of one tenant (by its ID) refuses another tenant's token,
// even one whose issuer and tid agree.
func TestAzureFixedTenantRefusesAnotherTenant(t *testing.T) {
	gin.SetMode(gin.TestMode)
	if st := azureDance(t, tenantA, tenantA, tenantA); st != http.StatusFound {
		t.Errorf("tenant A's own token: status %d, want 302", st)
	}
	if st := azureDance(t, tenantA, tenantB, tenantB); st != http.StatusForbidden {
		t.Errorf("tenant B's token on tenant A's blueprint: status %d, want 403", st)
	}
}

// "organizations" is work and school accounts only: a personal account's
// token (the consumers tenant) is refused; "consumers" is personal
// accounts only: its issuer is the consumers tenant's.
func TestAzureOrganizationsAndConsumers(t *testing.T) {
	gin.SetMode(gin.TestMode)
	if st := azureDance(t, "organizations", consumers, consumers); st != http.StatusForbidden {
		t.Errorf("organizations, a personal account's token: status %d, want 403", st)
	}
	if st := azureDance(t, "common", consumers, consumers); st != http.StatusFound {
		t.Errorf("common, a personal account's token: status %d, want 302", st)
	}
	if st := azureDance(t, "consumers", consumers, consumers); st != http.StatusFound {
		t.Errorf("consumers, a personal account's token: status %d, want 302", st)
	}
	if st := azureDance(t, "consumers", tenantA, tenantA); st != http.StatusForbidden {
		t.Errorf("consumers, a work tenant's token: status %d, want 403", st)
	}
}
