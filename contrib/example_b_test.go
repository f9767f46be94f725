package contrib_test

import (
	"context"
	"log"
	"net/http"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-gonic/gin"
)

// A Mastodon login on one instance: the preset registers the app with the
// instance on the first login and keeps the registration in a file, so a
// restart reuses it. (Give it your own MastodonRegistry to keep it on
// your database instead.)
func ExampleMastodon() {
	mastodon, err := contrib.Mastodon(contrib.MastodonConfig{
		Instance:   "fosstodon.org",
		ClientName: "My app",
		Website:    "https://app.example",
		Registry:   contrib.MastodonFileRegistry("/var/lib/myapp/mastodon.json"),
		Options:    dance.Options{PublicURL: "https://app.example"}, // one redirect URI: one registration
	})
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	r.Use(sessions.Sessions("session", cookie.NewStore([]byte("32-byte-hash-key-0123456789abcde"), []byte("32-byte-block-key-0123456789abcd"))))
	mastodon.Register(r.Group("/login"))
}

// A registry of Mastodon registrations on the app's own database, shared
// by every server of the app.
type dbRegistry struct {
	db map[string]contrib.MastodonApp
} // stands for a table

func (r *dbRegistry) Get(_ context.Context, instance string) (*contrib.MastodonApp, error) {
	if app, ok := r.db[instance]; ok {
		return &app, nil
	}
	return nil, nil
}

func (r *dbRegistry) Set(_ context.Context, instance string, app *contrib.MastodonApp) error {
	r.db[instance] = *app
	return nil
}

// A Mastodon preset whose registrations live in the app's database.
func ExampleMastodonRegistry() {
	_, err := contrib.Mastodon(contrib.MastodonConfig{Registry: &dbRegistry{db: map[string]contrib.MastodonApp{}}})
	if err != nil {
		log.Fatal(err)
	}
}

// Every call to Xero's accounting API names an organisation: list the
// ones the user connected, and call the API for the first.
func ExampleXeroTenants() {
	xero, err := contrib.Xero(contrib.XeroConfig{ // XERO_OAUTH_CLIENT_ID/SECRET
		Scopes: []string{"openid", "profile", "email", "offline_access", "accounting.transactions.read"},
	})
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	xero.Register(r.Group("/login"))
	r.GET("/invoices", xero.Required(), func(c *gin.Context) {
		cl := c.MustGet("xero").(*dance.Client)
		tenants, err := contrib.XeroTenants(cl)
		if err != nil || len(tenants) == 0 {
			c.String(http.StatusBadGateway, "no Xero organisation connected")
			return
		}
		req, err := cl.NewRequest(http.MethodGet, "api.xro/2.0/Invoices", nil)
		if err != nil {
			c.String(http.StatusInternalServerError, "bad request")
			return
		}
		req.Header.Set("xero-tenant-id", tenants[0].TenantID)
		resp, err := cl.Do(req)
		if err != nil {
			c.String(http.StatusBadGateway, "Xero did not answer")
			return
		}
		defer resp.Body.Close()
		c.DataFromReader(resp.StatusCode, resp.ContentLength, resp.Header.Get("Content-Type"), resp.Body, nil)
	})
}
