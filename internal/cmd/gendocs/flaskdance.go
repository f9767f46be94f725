package main

import (
	"fmt"
	"slices"
	"strings"
)

// flaskPreset is a preset's Flask-Dance counterpart: its make_*_blueprint
// function, and the argument each option field of the Config stands for.
type flaskPreset struct {
	Func string
	Args map[string]string // Config field → Flask-Dance argument
}

// flaskDance maps every preset's Config type to its Flask-Dance
// counterpart, for the chapter's "Flask-Dance" column. It is data here,
// not doc comments, so that contrib's docs describe the Go API alone (the
// migration guide, docs/migrating.md, speaks of Flask-Dance). Every
// option field must be in it: [flaskDanceOf] fails otherwise.
var flaskDance = map[string]flaskPreset{
	"AtlassianConfig":    {"make_atlassian_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "RepromptConsent": "reprompt_consent"}},
	"AuthentiqConfig":    {"make_authentiq_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "Hostname": "hostname"}},
	"AzureConfig":        {"make_azure_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "Tenant": "tenant", "Prompt": "prompt", "DomainHint": "domain_hint", "LoginHint": "login_hint"}},
	"DigitalOceanConfig": {"make_digitalocean_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope"}},
	"DiscordConfig":      {"make_discord_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "Prompt": "prompt"}},
	"DropboxConfig":      {"make_dropbox_blueprint", map[string]string{"AppKey": "app_key", "AppSecret": "app_secret", "Scopes": "scope", "Offline": "offline", "ForceReapprove": "force_reapprove", "DisableSignup": "disable_signup", "RequireRole": "require_role"}},
	"FacebookConfig":     {"make_facebook_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "RerequestDeclinedPermissions": "rerequest_declined_permissions"}},
	"FitbitConfig":       {"make_fitbit_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope"}},
	"GitHubConfig":       {"make_github_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope"}},
	"GitLabConfig":       {"make_gitlab_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "Hostname": "hostname", "InsecureSkipVerify": "verify_tls_certificates=False"}},
	"GoogleConfig":       {"make_google_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "Offline": "offline", "RepromptConsent": "reprompt_consent", "RepromptSelectAccount": "reprompt_select_account", "HostedDomain": "hosted_domain"}},
	"HerokuConfig":       {"make_heroku_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "APIVersion": "api_version"}},
	"JIRAConfig":         {"make_jira_blueprint", map[string]string{"ConsumerKey": "consumer_key", "RSAKey": "rsa_key"}},
	"LinkedInConfig":     {"make_linkedin_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope"}},
	"MeetupConfig":       {"make_meetup_blueprint", map[string]string{"Key": "key", "Secret": "secret", "Scopes": "scope"}},
	"NylasConfig":        {"make_nylas_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope"}},
	"ORCIDConfig":        {"make_orcid_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "Sandbox": "sandbox"}},
	"OSMConfig":          {"make_osm_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope"}},
	"RedditConfig":       {"make_reddit_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "Permanent": "permanent", "UserAgent": "user_agent"}},
	"SalesforceConfig":   {"make_salesforce_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "RepromptConsent": "reprompt_consent", "Hostname": "hostname", "IsSandbox": "is_sandbox"}},
	"SlackConfig":        {"make_slack_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "Subdomain": "subdomain"}},
	"SpotifyConfig":      {"make_spotify_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope"}},
	"StravaConfig":       {"make_strava_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "UserAgent": "user_agent"}},
	"TwitchConfig":       {"make_twitch_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope"}},
	"TwitterConfig":      {"make_twitter_blueprint", map[string]string{"APIKey": "api_key", "APISecret": "api_secret"}},
	"ZohoConfig":         {"make_zoho_blueprint", map[string]string{"ClientID": "client_id", "ClientSecret": "client_secret", "Scopes": "scope", "Offline": "offline", "RepromptConsent": "reprompt_consent"}},
}

// flaskDancePresets is how many presets Flask-Dance 6.2 has: each has
// its entry in the table, and presets beyond them have none.
const flaskDancePresets = 26 // python3-flask-dance 6.2.0: flask_dance/contrib has 26 modules

// flaskDanceOf returns the Flask-Dance counterpart of the Config type
// config, parsed as cd; a preset that Flask-Dance does not have is absent
// from the table, and has none (the chapter shows "—"). It fails when the
// table's entry for the type lacks its function or one of its option
// fields, names a field the type does not have, or disagrees with a
// "Flask-Dance: x." that a field's doc comment still says.
func flaskDanceOf(config string, cd *configDoc) (flaskPreset, error) {
	fp, ok := flaskDance[config]
	if !ok {
		return flaskPreset{}, nil
	}
	if fp.Func == "" {
		return fp, fmt.Errorf("%s has no make_*_blueprint in gendocs' Flask-Dance table (flaskdance.go)", config)
	}
	var names []string
	for _, f := range cd.Fields {
		names = append(names, f.Name)
		arg := fp.Args[f.Name]
		if arg == "" {
			return fp, fmt.Errorf("%s.%s has no Flask-Dance argument in gendocs' table (flaskdance.go)", config, f.Name)
		}
		if m := flaskParamRE.FindStringSubmatch(strings.Join(strings.Fields(f.Doc), " ")); m != nil && m[1] != arg {
			return fp, fmt.Errorf("%s.%s: its doc says Flask-Dance: %s, gendocs' table %s", config, f.Name, m[1], arg)
		}
	}
	for f := range fp.Args {
		if !slices.Contains(names, f) {
			return fp, fmt.Errorf("gendocs' Flask-Dance table maps %s.%s, which is not a field", config, f)
		}
	}
	return fp, nil
}
