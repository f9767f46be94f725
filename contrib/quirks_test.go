package contrib_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/gin-dance/dance/internal/presets/constructors"
)

// Every endpoint of every preset can be moved, for tests and for
// self-hosted instances: authorize, token, refresh, and the API root.
func TestEndpointsOverridable(t *testing.T) {
	const host = "https://sso.internal.example"
	ep := &contrib.Endpoints{AuthURL: host + "/a", TokenURL: host + "/t", RefreshURL: host + "/r"}
	for _, fn := range constructors.Ordered() {
		desc := presets.ByConfig(reflect.TypeOf(fn).In(0).Name())
		if desc.OAuth1 {
			continue
		}
		t.Run(desc.Name, func(t *testing.T) {
			o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
				o.BaseURL = host + "/api/"
				return buildPlaceholder(fn, ep, o)
			})
			if o.Name != desc.Name {
				t.Errorf("name %q", o.Name)
			}
			if o.AuthURL() != host+"/a" || o.Token.Endpoint() != host+"/t" || o.BaseURL() != host+"/api/" {
				t.Errorf("endpoints %s %s base %s", o.AuthURL(), o.Token.Endpoint(), o.BaseURL())
			}
			want := host + "/t" // RefreshURL empty: the token endpoint
			if desc.Refreshable {
				want = host + "/r"
			}
			if got := o.Refresh.Endpoint(); got != want {
				t.Errorf("refresh at %q, want %q", got, want)
			}
		})
	}
}

// Overriding TokenURL moves a refreshable preset's refresh endpoint too,
// since the provider refreshes at its token endpoint.
func TestRefreshURLFollowsTokenURL(t *testing.T) {
	o := observe(t, func(o dance.Options) (*dance.Blueprint, error) {
		return contrib.Fitbit(contrib.FitbitConfig{ClientID: "x", ClientSecret: "s", Endpoints: contrib.Endpoints{TokenURL: "https://fake.example/token"}, Options: o})
	})
	if got := o.Refresh.Endpoint(); got != "https://fake.example/token" {
		t.Fatalf("refresh at %q", got)
	}
}

// Slack's old Web API reads the token from a "token" parameter: in the
// body of a form POST, in the query otherwise, and never replacing a
// token the caller set.
func TestSlackTokenParameter(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{
		"/chat.postMessage": `{"ok":true}`, "/auth.test": `{"ok":true}`,
	}})
	defer p.Close()
	cl := loggedIn(t, p, func(o dance.Options) (*dance.Blueprint, error) {
		o.BaseURL = p.URL + "/"
		return contrib.Slack(contrib.SlackConfig{ClientID: "x", ClientSecret: "s", Options: o})
	})
	tok, err := cl.Token()
	if err != nil || tok == nil {
		t.Fatalf("Token: %v, %v", tok, err)
	}
	req, err := cl.NewRequest(http.MethodPost, "chat.postMessage", strings.NewReader(url.Values{"channel": {"C1"}, "text": {"hi"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	send(t, cl, req)
	post := p.RequestsTo("/chat.postMessage")[0]
	if post.Form.Get("token") != tok.AccessToken || post.Form.Get("channel") != "C1" || post.Query.Has("token") {
		t.Errorf("form POST: token in body %v, channel %q, token in query %v",
			post.Form.Get("token") == tok.AccessToken, post.Form.Get("channel"), post.Query.Has("token"))
	}
	send(t, cl, get(t, cl, "auth.test?token=other"))
	if got := p.RequestsTo("/auth.test")[0].Query["token"]; len(got) != 1 || got[0] != "other" {
		t.Errorf("caller's token replaced: %d values", len(got))
	}
}

// Twitch's Helix API wants the Client-Id header on every call, and a
// user's own Options.Header still wins over the preset's.
func TestTwitchClientIDHeaderEveryCall(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{"/streams": `{"data":[]}`, "/users": `{"data":[]}`}})
	defer p.Close()
	cl := loggedIn(t, p, func(o dance.Options) (*dance.Blueprint, error) {
		o.BaseURL, o.Header = p.URL+"/", map[string][]string{"Accept": {"application/json"}}
		return contrib.Twitch(contrib.TwitchConfig{ClientID: "twitch-app", ClientSecret: "s", Options: o})
	})
	for _, path := range []string{"streams", "users", "streams"} {
		send(t, cl, get(t, cl, path))
	}
	for _, r := range p.Requests() {
		if r.Header.Get("Client-Id") != "twitch-app" || r.Header.Get("Accept") != "application/json" {
			t.Errorf("%s: Client-Id %q Accept %q", r.Path, r.Header.Get("Client-Id"), r.Header.Get("Accept"))
		}
	}
	if len(p.Requests()) != 3 {
		t.Errorf("%d requests", len(p.Requests()))
	}
}

// get is a GET request to ref through cl.
func get(t *testing.T, cl *dance.Client, ref string) *http.Request {
	t.Helper()
	req, err := cl.NewRequest(http.MethodGet, ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// send sends req through cl and drops the answer.
func send(t *testing.T, cl *dance.Client, req *http.Request) {
	t.Helper()
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}
