package contrib_test

import (
	"net/http"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-gonic/gin"
)

// TestPresetXeroDevLogin: through the development provider, a Xero login
// verifies the ID token, stores a refreshable token (offline_access is a
// default scope), maps the userinfo profile, and XeroTenants lists the
// connected organisation with the tenant ID the API calls need; Revoke
// uses Xero's RFC 7009 endpoint.
func TestPresetXeroDevLogin(t *testing.T) {
	cfg := contrib.XeroConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Xero(cfg) }, "bob")
	if tok := a.ok(t); tok.RefreshToken == "" || tok.Extra["id_token"] == nil {
		t.Errorf("token %+v, want a refresh token and an ID token", tok)
	}
	pbWantBob(t, a.profile(t), true, true)

	var tenants []contrib.XeroTenant
	a.srv.Config.Handler.(*gin.Engine).GET("/tenants", a.bp.Middleware(), func(c *gin.Context) {
		var err error
		tenants, err = contrib.XeroTenants(c.MustGet(a.bp.Name()).(*dance.Client))
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
		}
	})
	if status, body := a.get(t, "/tenants"); status != http.StatusOK || len(tenants) != 1 || tenants[0].TenantID == "" {
		t.Fatalf("XeroTenants: %d %s %+v, want one tenant", status, body, tenants)
	}
	if tenants[0].TenantName != "Bob Builder's company" || tenants[0].TenantType != "ORGANISATION" {
		t.Errorf("tenant %+v", tenants[0])
	}
	if status, body := a.get(t, "/revoke"); status != http.StatusOK {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if status, _ := a.get(t, "/profile"); status == http.StatusOK {
		t.Error("still logged in after Revoke")
	}
}

// TestPresetXeroRefreshableWithOfflineAccess: an expired token is
// refreshed at the token endpoint whenever it has a refresh token. Xero
// issues one only for offline_access; the development provider always
// does, so both logins refresh (issue 29: RefreshURL empty is TokenURL).
func TestPresetXeroRefreshableWithOfflineAccess(t *testing.T) {
	dev := pbDev(t)
	for _, tc := range []struct {
		scopes []string
		want   bool
	}{{nil, true}, {[]string{"openid", "accounting.transactions"}, true}} {
		rec := &pbRecorder{}
		cfg := contrib.XeroConfig{Scopes: tc.scopes, Endpoints: contrib.Endpoints{Dev: dev}}
		cfg.HTTPClient = rec.client()
		a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Xero(cfg) }, "bob")
		a.ok(t)
		a.get(t, "/expire")
		status, _ := a.get(t, "/profile")
		refreshed := rec.saw("POST /xero/connect/token") && len(rec.seen) > 0 && status == http.StatusOK
		if got := status == http.StatusOK; got != tc.want || refreshed != tc.want {
			t.Errorf("scopes %q: profile after expiry %d, refreshed %v; want refreshed %v", tc.scopes, status, refreshed, tc.want)
		}
	}
}
