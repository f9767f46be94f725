package contrib_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

// TestPresetInstagramDevLogin: through the development provider, an
// Instagram login stores the token with the Instagram-scoped user_id, and
// the profile maps graph.instagram.com/me (user_id, username, name).
func TestPresetInstagramDevLogin(t *testing.T) {
	cfg := contrib.InstagramConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Instagram(cfg) }, "bob")
	if tok := a.ok(t); tok.Extra["user_id"] != "1002" {
		t.Errorf("token Extra %v, want user_id", tok.Extra)
	}
	pbWantBob(t, a.profile(t), true, false)
}

// TestPresetInstagramUnwrapsTokenAnswer: Instagram's token endpoint may
// answer {"data": [{access_token, user_id, permissions}]} with a numeric
// user_id; the preset reads the token from it, keeps user_id as a string
// (an ID past 2^53 stays exact), and sends the credentials in the body.
func TestPresetInstagramUnwrapsTokenAnswer(t *testing.T) {
	var form map[string][]string
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		form = r.PostForm
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": []any{map[string]any{
			"access_token": "IGQVJ-short", "user_id": json.Number("17841400000000001"), "permissions": "instagram_business_basic",
		}}})
	}))
	t.Cleanup(tokens.Close)
	cfg := contrib.InstagramConfig{
		ClientID: "app-id", ClientSecret: "app-secret", ForceReauth: true,
		Endpoints: contrib.Endpoints{AuthURL: tokens.URL + "/authorize", TokenURL: tokens.URL + "/token"},
	}
	a := pbServe(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.Instagram(cfg) })
	u := a.authURL(t)
	if u.Query().Get("force_reauth") != "true" {
		t.Errorf("authorization URL %s, want force_reauth=true", u)
	}
	resp := a.b.Get(a.srv.URL + a.bp.AuthorizedURL() + "?code=c&state=" + u.Query().Get("state"))
	resp.Body.Close()
	tok := a.token()
	if tok == nil || tok.AccessToken != "IGQVJ-short" || tok.Extra["user_id"] != "17841400000000001" {
		t.Fatalf("callback %d, token %+v; want the unwrapped token with user_id", resp.StatusCode, tok)
	}
	if form["client_id"][0] != "app-id" || form["client_secret"][0] != "app-secret" {
		t.Errorf("token request form %v, want the credentials in the body", form)
	}
}
