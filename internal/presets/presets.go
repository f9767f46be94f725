// Package presets lists contrib's presets, for our own tools: the docs
// generator, the development provider and dancetest's Configure.
package presets

import (
	"reflect"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

// Constructors are contrib's preset constructors, each a
// func(XConfig) (*dance.Blueprint, error). The docs generator fails when a
// preset in contrib/*.go is missing here.
var Constructors = []any{
	contrib.Atlassian, contrib.Authentiq, contrib.Azure, contrib.Dexcom,
	contrib.DigitalOcean, contrib.Discord, contrib.Dropbox, contrib.Facebook,
	contrib.Fitbit, contrib.GitHub, contrib.GitLab, contrib.Google,
	contrib.Heroku, contrib.JIRA, contrib.LinkedIn, contrib.Meetup,
	contrib.Nylas, contrib.ORCID, contrib.OSM, contrib.Reddit,
	contrib.Salesforce, contrib.Slack, contrib.Spotify, contrib.Strava,
	contrib.Twitch, contrib.Twitter, contrib.Zoho,
}

// For returns the constructor of the preset whose Config type is t
// (contrib.GoogleConfig for contrib.Google), for dancetest's Configure.
func For(t reflect.Type) (ctor any, ok bool) {
	for _, c := range Constructors {
		if reflect.TypeOf(c).In(0) == t {
			return c, true
		}
	}
	return nil, false
}

// Build calls the constructor ctor with a Config that holds only o, and
// again with a BaseURL of https://{name}.example.com when the preset
// requires one (JIRA); setup, when not nil, changes the Config first (a
// reflect.Value of the addressable struct).
func Build(ctor any, o dance.Options, setup func(cfg reflect.Value)) (*dance.Blueprint, error) {
	fv := reflect.ValueOf(ctor)
	call := func(base string) (*dance.Blueprint, error) {
		cfg := reflect.New(fv.Type().In(0)).Elem()
		oo := o
		if base != "" {
			oo.BaseURL = base
		}
		cfg.FieldByName("Options").Set(reflect.ValueOf(oo))
		if setup != nil {
			setup(cfg)
		}
		out := fv.Call([]reflect.Value{cfg})
		err, _ := out[1].Interface().(error)
		bp, _ := out[0].Interface().(*dance.Blueprint)
		return bp, err
	}
	bp, err := call(o.BaseURL)
	if err != nil && strings.Contains(err.Error(), "BaseURL") && o.BaseURL == "" {
		name := strings.ToLower(strings.TrimSuffix(fv.Type().In(0).Name(), "Config"))
		bp, err = call("https://" + name + ".example.com")
	}
	return bp, err
}
