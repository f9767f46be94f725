package contrib_test

import (
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
)

// TestPresetWordPressDevLogin: through the development provider, a
// WordPress.com login stores the token with the blog the user picked
// (blog_id, blog_url in Extra), and the profile maps /me.
func TestPresetWordPressDevLogin(t *testing.T) {
	cfg := contrib.WordPressConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.WordPress(cfg) }, "bob")
	tok := a.ok(t)
	if tok.Extra["blog_id"] != "4242" || tok.Extra["blog_url"] == nil {
		t.Errorf("token Extra %v, want blog_id and blog_url", tok.Extra)
	}
	p := a.profile(t)
	pbWantBob(t, p, true, true)
	if p.EmailVerified == nil {
		t.Error("EmailVerified unset; WordPress.com says email_verified")
	}
}

// TestPresetWordPressCredentialsInBody: WordPress.com's token request
// carries the client ID and secret in the body; Blog preselects a blog.
func TestPresetWordPressCredentialsInBody(t *testing.T) {
	fake := dancetest.NewProvider(dancetest.Config{})
	t.Cleanup(fake.Close)
	cfg := contrib.WordPressConfig{Blog: "example.wordpress.com"}
	if err := fake.Configure(&cfg); err != nil {
		t.Fatal(err)
	}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.WordPress(cfg) }, "")
	a.ok(t)
	if r := fake.RequestsTo("/token"); len(r) != 1 || r[0].ClientAuth() != "params" || r[0].Form.Get("client_secret") == "" {
		t.Errorf("token requests %v, want the credentials in the body", r)
	}
	if q := fake.RequestsTo("/authorize")[0].Query; q.Get("blog") != "example.wordpress.com" {
		t.Errorf("authorize query %v, want blog", q)
	}
}
