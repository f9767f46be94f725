package contrib_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/core"
)

// allPresets builds every preset with the given endpoints and options.
var allPresets = map[string]builder{
	"atlassian": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Atlassian(contrib.AtlassianConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"authentiq": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Authentiq(contrib.AuthentiqConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"azure": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Azure(contrib.AzureConfig{ClientID: "x", Scopes: []string{"offline_access"}, Endpoints: ep, Options: o})
	},
	"dexcom": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Dexcom(contrib.DexcomConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"digitalocean": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.DigitalOcean(contrib.DigitalOceanConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"discord": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Discord(contrib.DiscordConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"dropbox": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Dropbox(contrib.DropboxConfig{AppKey: "x", Endpoints: ep, Options: o})
	},
	"facebook": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Facebook(contrib.FacebookConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"fitbit": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Fitbit(contrib.FitbitConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"github": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.GitHub(contrib.GitHubConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"gitlab": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.GitLab(contrib.GitLabConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"google": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Google(contrib.GoogleConfig{ClientID: "x", Offline: true, Endpoints: ep, Options: o})
	},
	"heroku": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Heroku(contrib.HerokuConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"linkedin": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.LinkedIn(contrib.LinkedInConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"meetup": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Meetup(contrib.MeetupConfig{Key: "x", Endpoints: ep, Options: o})
	},
	"nylas": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Nylas(contrib.NylasConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"orcid": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.ORCID(contrib.ORCIDConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"osm": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.OSM(contrib.OSMConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"reddit": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Reddit(contrib.RedditConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"salesforce": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Salesforce(contrib.SalesforceConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"slack": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Slack(contrib.SlackConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"spotify": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Spotify(contrib.SpotifyConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"strava": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Strava(contrib.StravaConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"twitch": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Twitch(contrib.TwitchConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
	"zoho": func(ep contrib.Endpoints, o dance.Options) (*dance.Blueprint, error) {
		return contrib.Zoho(contrib.ZohoConfig{ClientID: "x", Endpoints: ep, Options: o})
	},
}

// Every endpoint of every preset can be moved, for tests and for
// self-hosted instances: authorize, token, refresh, and the API root.
func TestEndpointsOverridable(t *testing.T) {
	refreshable := map[string]bool{"azure": true, "dexcom": true, "fitbit": true, "google": true, "reddit": true, "strava": true, "twitch": true}
	if len(allPresets) != 25 {
		t.Errorf("%d presets, want the 25 OAuth 2 providers of the issue", len(allPresets))
	}
	const host = "https://sso.internal.example"
	for name, build := range allPresets {
		t.Run(name, func(t *testing.T) {
			bp, err := build(contrib.Endpoints{
				AuthURL: host + "/a", TokenURL: host + "/t", RefreshURL: host + "/r",
			}, dance.Options{BaseURL: host + "/api/"})
			if err != nil {
				t.Fatal(err)
			}
			if bp.Name() != name {
				t.Errorf("name %q", bp.Name())
			}
			ep := core.Inspect(bp).OAuth2.Endpoint
			if ep.AuthURL != host+"/a" || ep.TokenURL != host+"/t" || core.Inspect(bp).BaseURL.String() != host+"/api/" {
				t.Errorf("endpoints %+v base %s", ep, core.Inspect(bp).BaseURL)
			}
			want := ""
			if refreshable[name] {
				want = host + "/r"
			}
			if core.Inspect(bp).RefreshURL != want {
				t.Errorf("RefreshURL = %q, want %q", core.Inspect(bp).RefreshURL, want)
			}
		})
	}
}

// Overriding TokenURL moves a refreshable preset's refresh endpoint too,
// since the provider refreshes at its token endpoint.
func TestRefreshURLFollowsTokenURL(t *testing.T) {
	bp, err := contrib.Fitbit(contrib.FitbitConfig{ClientID: "x", Endpoints: contrib.Endpoints{TokenURL: "https://fake.example/token"}})
	if err != nil {
		t.Fatal(err)
	}
	if core.Inspect(bp).RefreshURL != "https://fake.example/token" {
		t.Fatalf("RefreshURL = %q", core.Inspect(bp).RefreshURL)
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
	bp, err := contrib.Slack(contrib.SlackConfig{ClientID: "x", Options: dance.Options{BaseURL: p.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	cl := loggedIn(t, p, bp)
	tok, err := cl.Token()
	if err != nil || tok == nil {
		t.Fatalf("Token: %v, %v", tok, err)
	}
	resp, err := cl.Post("chat.postMessage", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"channel": {"C1"}, "text": {"hi"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	post := p.RequestsTo("/chat.postMessage")[0]
	if post.Form.Get("token") != tok.AccessToken || post.Form.Get("channel") != "C1" || post.Query.Has("token") {
		t.Errorf("form POST: token in body %v, channel %q, token in query %v",
			post.Form.Get("token") == tok.AccessToken, post.Form.Get("channel"), post.Query.Has("token"))
	}
	resp, err = cl.Get("auth.test?token=other")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := p.RequestsTo("/auth.test")[0].Query["token"]; len(got) != 1 || got[0] != "other" {
		t.Errorf("caller's token replaced: %d values", len(got))
	}
}

// Twitch's Helix API wants the Client-Id header on every call, and a
// user's own Options.Header still wins over the preset's.
func TestTwitchClientIDHeaderEveryCall(t *testing.T) {
	p := dancetest.NewProvider(dancetest.Config{Paths: map[string]any{"/streams": `{"data":[]}`, "/users": `{"data":[]}`}})
	defer p.Close()
	bp, err := contrib.Twitch(contrib.TwitchConfig{ClientID: "twitch-app", Options: dance.Options{
		BaseURL: p.URL + "/", Header: map[string][]string{"Accept": {"application/json"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cl := loggedIn(t, p, bp)
	for _, path := range []string{"streams", "users", "streams"} {
		resp, err := cl.Get(path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
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
