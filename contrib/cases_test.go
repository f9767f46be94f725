package contrib_test

import (
	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-dance/dance/dancetest"
	"github.com/gin-dance/dance/internal/core"
)

// presetCases lists every preset, once per option combination of the
// issue's quirks.
func presetCases() []presetCase {
	github := func(cfg contrib.GitHubConfig) func(dance.Options) (*dance.Blueprint, error) {
		return func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.GitHub(cfg) }
	}
	google := func(cfg contrib.GoogleConfig) func(dance.Options) (*dance.Blueprint, error) {
		return func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Google(cfg) }
	}
	azure := func(cfg contrib.AzureConfig) func(dance.Options) (*dance.Blueprint, error) {
		return func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Azure(cfg) }
	}
	gitlab := func(cfg contrib.GitLabConfig) func(dance.Options) (*dance.Blueprint, error) {
		return func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.GitLab(cfg) }
	}

	const googleAuth, googleToken = "https://accounts.google.com/o/oauth2/auth", "https://accounts.google.com/o/oauth2/token"
	googleProfile := &dance.Profile{
		ID: "110169484474386276334", Name: "Jane Doe", Email: "jane.doe@gmail.com", EmailVerified: yes(),
		AvatarURL: "https://lh3.googleusercontent.com/a/ACg8ocJ3x-example=s96-c",
	}
	google1 := presetCase{
		bp: "google", authURL: googleAuth, scope: "https://www.googleapis.com/auth/userinfo.profile",
		tokenURL: googleToken, authStyle: "basic",
		apiURL: "https://www.googleapis.com/oauth2/v2/userinfo", fixture: "google.json",
		profile: googleProfile,
	}
	withGoogle := func(name string, cfg contrib.GoogleConfig, extra map[string]string, refresh string) presetCase {
		c := google1
		c.name, c.build, c.extra, c.refreshURL = name, google(cfg), extra, refresh
		return c
	}
	azure1 := func(name string, cfg contrib.AzureConfig, tenant, scope string, extra map[string]string, refresh bool) presetCase {
		c := presetCase{
			name: name, bp: "azure", build: azure(cfg),
			authURL: "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/authorize", scope: scope, extra: extra,
			tokenURL: "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token", authStyle: "basic",
			apiURL: "https://graph.microsoft.com/v1.0/me", fixture: "azure.json",
			profile: &dance.Profile{
				ID: "48d31887-5fad-4d73-a9f5-3c356e68a038", Login: "MeganB@M365x214355.onmicrosoft.com",
				Name: "Megan Bowen", Email: "MeganB@M365x214355.onmicrosoft.com",
			},
		}
		if refresh {
			c.refreshURL = c.tokenURL
		}
		// Its ID token is verified: the issuer names the user's tenant.
		const tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
		c.fake = func(f *dancetest.Config) {
			f.Issuer = "https://login.microsoftonline.com/" + tid + "/v2.0"
			f.JWKSPath = "/" + tenant + "/discovery/v2.0/keys"
			f.IDToken.Claims = map[string]any{"tid": tid}
		}
		return c
	}
	gitlabProfile := &dance.Profile{
		ID: "1", Login: "john_smith", Name: "John Smith", Email: "john@example.com",
		AvatarURL: "http://localhost:3000/uploads/user/avatar/1/index.jpg",
	}

	zoho := func(name string, cfg contrib.ZohoConfig, extra map[string]string) presetCase {
		return presetCase{
			name: name, bp: "zoho",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Zoho(cfg) },
			authURL: "https://accounts.zoho.com/oauth/v2/auth", scope: "ZohoCRM.users.all", extra: extra,
			tokenURL: "https://accounts.zoho.com/oauth/v2/token", authStyle: "basic",
			apiURL: "https://accounts.zoho.com/oauth/user/info", fixture: "zoho.json", authScheme: "Zoho-oauthtoken",
			profile: &dance.Profile{ID: "649874521", Name: "patricia.boyle", Email: "patricia.boyle@zylker.com"},
		}
	}
	reddit := func(name string, cfg contrib.RedditConfig, extra map[string]string, ua string) presetCase {
		return presetCase{
			name: name, bp: "reddit",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Reddit(cfg) },
			authURL: "https://www.reddit.com/api/v1/authorize", scope: "identity", extra: extra,
			tokenURL: "https://www.reddit.com/api/v1/access_token", authStyle: "basic",
			refreshURL: "https://www.reddit.com/api/v1/access_token",
			apiURL:     "https://oauth.reddit.com/api/v1/me", fixture: "reddit.json",
			headers: map[string]string{"User-Agent": ua},
			profile: &dance.Profile{ID: "1w72", Login: "spez", AvatarURL: "https://styles.redditmedia.com/t5_2x1b9y/styles/profileIcon_snoo1234.png"},
		}
	}
	strava := func(name string, cfg contrib.StravaConfig, ua string) presetCase {
		return presetCase{
			name: name, bp: "strava",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Strava(cfg) },
			authURL: "https://www.strava.com/api/v3/oauth/authorize", scope: "read",
			tokenURL: "https://www.strava.com/api/v3/oauth/token", authStyle: "params",
			refreshURL: "https://www.strava.com/api/v3/oauth/token",
			apiURL:     "https://www.strava.com/api/v3/athlete", fixture: "strava.json",
			headers: map[string]string{"User-Agent": ua},
			profile: &dance.Profile{
				ID: "1234567890987654321", Login: "marianne_t", Name: "Marianne Teutenberg",
				AvatarURL: "https://xxxxx.cloudfront.net/pictures/athletes/123456789/123456789/2/large.jpg",
			},
		}
	}
	atlassian := func(name string, cfg contrib.AtlassianConfig, extra map[string]string) presetCase {
		return presetCase{
			name: name, bp: "atlassian",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Atlassian(cfg) },
			authURL: "https://auth.atlassian.com/authorize", extra: extra,
			tokenURL: "https://auth.atlassian.com/oauth/token", authStyle: "basic",
			apiURL: "https://api.atlassian.com/me", fixture: "atlassian.json",
			profile: &dance.Profile{
				ID: "112233aa-bb11-cc22-33dd-445566abcabc", Login: "mkrystof", Name: "Mia Krystof", Email: "mia@example.com", EmailVerified: yes(),
				AvatarURL: "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/112233aa-bb11-cc22-33dd-445566abcabc/1234abcd-9876-54aa-33aa-1234dfsade9487ds",
			},
		}
	}
	authentiq := func(name string, cfg contrib.AuthentiqConfig, host string) presetCase {
		return presetCase{
			name: name, bp: "authentiq",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Authentiq(cfg) },
			authURL: "https://" + host + "/authorize", scope: "openid profile",
			tokenURL: "https://" + host + "/token", authStyle: "basic",
			apiURL: "https://" + host + "/userinfo", fixture: "authentiq.json",
			fake: func(f *dancetest.Config) { f.Issuer = "https://" + host + "/" },
			profile: &dance.Profile{
				ID: "2FWYpvOJmtnE7s5mqr0GFvMaLUy2tGTDLPx_3ak1DHA", Login: "alice", Name: "Alice Jansen",
				Email: "alice@example.org", EmailVerified: no(),
				AvatarURL: "https://connect.authentiq.io/avatar/2FWYpvOJmtnE7s5mqr0GFvMaLUy2tGTDLPx_3ak1DHA.png",
			},
		}
	}
	discord := func(name string, cfg contrib.DiscordConfig, prompt string) presetCase {
		return presetCase{
			name: name, bp: "discord",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Discord(cfg) },
			authURL: "https://discord.com/api/oauth2/authorize", scope: "identify", extra: map[string]string{"prompt": prompt},
			tokenURL: "https://discord.com/api/oauth2/token", authStyle: "basic",
			apiURL: "https://discord.com/api/users/@me", fixture: "discord.json",
			profile: &dance.Profile{
				ID: "80351110224678912", Login: "nelly", Name: "Nelly", Email: "nelly@discord.com", EmailVerified: yes(),
				AvatarURL: "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png",
			},
		}
	}
	dropbox := func(name string, cfg contrib.DropboxConfig, extra map[string]string) presetCase {
		return presetCase{
			name: name, bp: "dropbox",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Dropbox(cfg) },
			authURL: "https://www.dropbox.com/oauth2/authorize", extra: extra,
			tokenURL: "https://api.dropbox.com/oauth2/token", authStyle: "basic",
			apiURL: "https://api.dropbox.com/2/users/get_current_account", apiMethod: "POST", fixture: "dropbox.json",
			profile: &dance.Profile{
				ID: "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc", Name: "Franz Ferdinand (Personal)", Email: "franz@dropbox.com", EmailVerified: yes(),
				AvatarURL: "https://dl-web.dropbox.com/account_photo/get/dbaphid%3AAAHWGmIXV3sUuOmBfTz0wPsiqHUpBWvv3ZA?vers=1556069330102&size=128x128",
			},
		}
	}
	facebook := func(name string, cfg contrib.FacebookConfig, extra map[string]string) presetCase {
		return presetCase{
			name: name, bp: "facebook",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Facebook(cfg) },
			authURL: "https://www.facebook.com/dialog/oauth", scope: "email", extra: extra,
			tokenURL: "https://graph.facebook.com/oauth/access_token", authStyle: "basic",
			apiURL: "https://graph.facebook.com/me", fixture: "facebook.json",
			apiQuery: map[string]string{"fields": "id,name,email,picture"},
			profile: &dance.Profile{
				ID: "10157345364734879", Name: "Jamie Rivera", Email: "jamie.rivera@example.com",
				AvatarURL: "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10157345364734879&height=50&width=50&ext=1700000000&hash=AeQ",
			},
		}
	}
	orcid := func(name string, sandbox bool, host, api string) presetCase {
		return presetCase{
			name: name, bp: "orcid",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.ORCID(contrib.ORCIDConfig{Sandbox: sandbox, Scopes: []string{"/authenticate"}, Options: o})
			},
			authURL: "https://" + host + "/oauth/authorize", scope: "/authenticate",
			tokenURL: "https://" + host + "/oauth/token", authStyle: "basic",
			apiURL: api + "/v3.0/0000-0002-1825-0097/record", fixture: "api.json",
		}
	}
	salesforce := func(name string, cfg contrib.SalesforceConfig, host string, extra map[string]string) presetCase {
		return presetCase{
			name: name, bp: "salesforce",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Salesforce(cfg) },
			authURL: "https://" + host + "/services/oauth2/authorize", extra: extra,
			tokenURL: "https://" + host + "/services/oauth2/token", authStyle: "basic",
			apiURL: "https://" + host + "/services/oauth2/userinfo", fixture: "salesforce.json",
			profile: &dance.Profile{
				ID: "005x00000012Q9P", Login: "admin@example.com.dev", Name: "Alan Van", Email: "admin@example.com", EmailVerified: yes(),
				AvatarURL: "https://c.na1.content.force.com/profilephoto/005/F",
			},
		}
	}
	slack := func(name string, cfg contrib.SlackConfig, authURL string) presetCase {
		return presetCase{
			name: name, bp: "slack",
			build:   func(o dance.Options) (*dance.Blueprint, error) { cfg.Options = o; return contrib.Slack(cfg) },
			authURL: authURL, scope: "identify chat:write:bot",
			tokenURL: "https://slack.com/api/oauth.access", authStyle: "basic",
			apiURL: "https://slack.com/api/users.identity", fixture: "slack.json",
			apiQuery: map[string]string{"token": "*"},
			profile: &dance.Profile{
				ID: "U0G9QF9C6", Name: "Sonny Whether", Email: "bobby@slack.com", AvatarURL: "https://cdn.example.com/sonny_192.jpg",
			},
		}
	}

	return []presetCase{
		{
			name: "github", bp: "github", build: github(contrib.GitHubConfig{Scopes: []string{"user:email"}}),
			authURL: "https://github.com/login/oauth/authorize", scope: "user:email",
			tokenURL: "https://github.com/login/oauth/access_token", authStyle: "basic",
			apiURL: "https://api.github.com/user", fixture: "github.json",
			more: map[string]string{"/user/emails": "github_emails.json"},
			profile: &dance.Profile{
				ID: "1", Login: "octocat", Name: "monalisa octocat", Email: "octocat@github.com", EmailVerified: yes(),
				AvatarURL: "https://github.com/images/error/octocat_happy.gif",
			},
		},

		withGoogle("google/defaults", contrib.GoogleConfig{}, nil, ""),
		withGoogle("google/offline", contrib.GoogleConfig{Offline: true},
			map[string]string{"access_type": "offline"}, googleToken),
		withGoogle("google/reprompt_consent", contrib.GoogleConfig{RepromptConsent: true},
			map[string]string{"prompt": "consent"}, ""),
		withGoogle("google/reprompt_select_account", contrib.GoogleConfig{RepromptSelectAccount: true},
			map[string]string{"prompt": "select_account"}, ""),
		withGoogle("google/reprompt_both", contrib.GoogleConfig{RepromptConsent: true, RepromptSelectAccount: true},
			map[string]string{"prompt": "consent select_account"}, ""),
		func() presetCase {
			c := withGoogle("google/hosted_domain+offline", contrib.GoogleConfig{HostedDomain: "example.com", Offline: true},
				map[string]string{"hd": "example.com", "access_type": "offline"}, googleToken)
			// hosted_domain asks for an ID token and checks its hd claim.
			c.scope += " openid"
			c.fake = googleIDTokens("example.com")
			return c
		}(),

		azure1("azure/defaults", contrib.AzureConfig{}, "common", "openid email profile User.Read", nil, false),
		azure1("azure/tenant+hints+prompt", contrib.AzureConfig{
			Tenant: "contoso.onmicrosoft.com", Prompt: "select_account", DomainHint: "contoso.com", LoginHint: "megan@contoso.com",
		}, "contoso.onmicrosoft.com", "openid email profile User.Read",
			map[string]string{"prompt": "select_account", "domain_hint": "contoso.com", "login_hint": "megan@contoso.com"}, false),
		azure1("azure/offline_access", contrib.AzureConfig{Scopes: []string{"openid", "offline_access", "User.Read"}},
			"common", "openid offline_access User.Read", nil, true),

		{
			name: "gitlab/defaults", bp: "gitlab", build: gitlab(contrib.GitLabConfig{Scopes: []string{"read_user"}}),
			authURL: "https://gitlab.com/oauth/authorize", scope: "read_user",
			tokenURL: "https://gitlab.com/oauth/token", authStyle: "basic",
			apiURL: "https://gitlab.com/api/v4/user", fixture: "gitlab.json", profile: gitlabProfile,
		},
		{
			name: "gitlab/hostname", bp: "gitlab", build: gitlab(contrib.GitLabConfig{Hostname: "git.example.com"}),
			authURL:  "https://git.example.com/oauth/authorize",
			tokenURL: "https://git.example.com/oauth/token", authStyle: "basic",
			apiURL: "https://git.example.com/api/v4/user", fixture: "gitlab.json", profile: gitlabProfile,
		},

		{
			name: "heroku/api_version default", bp: "heroku",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.Heroku(contrib.HerokuConfig{Options: o})
			},
			authURL: "https://id.heroku.com/oauth/authorize", tokenURL: "https://id.heroku.com/oauth/token", authStyle: "basic",
			apiURL: "https://api.heroku.com/account", fixture: "heroku.json",
			headers: map[string]string{"Accept": "application/vnd.heroku+json; version=3"},
			profile: &dance.Profile{ID: "01234567-89ab-cdef-0123-456789abcdef", Name: "Tina Edmonds", Email: "username@example.com"},
		},
		{
			name: "heroku/api_version 4", bp: "heroku",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.Heroku(contrib.HerokuConfig{APIVersion: "4", Options: o})
			},
			authURL: "https://id.heroku.com/oauth/authorize", tokenURL: "https://id.heroku.com/oauth/token", authStyle: "basic",
			apiURL: "https://api.heroku.com/account", fixture: "heroku.json",
			headers: map[string]string{"Accept": "application/vnd.heroku+json; version=4"},
			profile: &dance.Profile{ID: "01234567-89ab-cdef-0123-456789abcdef", Name: "Tina Edmonds", Email: "username@example.com"},
		},
		zoho("zoho/online", contrib.ZohoConfig{}, map[string]string{"access_type": "online"}),
		zoho("zoho/offline", contrib.ZohoConfig{Offline: true}, map[string]string{"access_type": "offline"}),
		zoho("zoho/reprompt_consent", contrib.ZohoConfig{RepromptConsent: true},
			map[string]string{"access_type": "online", "prompt": "consent"}),
		{
			name: "twitch", bp: "twitch",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.Twitch(contrib.TwitchConfig{Scopes: []string{"user:read:email"}, Options: o})
			},
			authURL: "https://id.twitch.tv/oauth2/authorize", scope: "user:read:email",
			tokenURL: "https://id.twitch.tv/oauth2/token", authStyle: "params", refreshURL: "https://id.twitch.tv/oauth2/token",
			apiURL: "https://api.twitch.tv/helix/users", fixture: "twitch.json",
			headers: map[string]string{"Client-Id": "id-twitch"},
			profile: &dance.Profile{
				ID: "141981764", Login: "twitchdev", Name: "TwitchDev", Email: "not-real@email.com",
				AvatarURL: "https://static-cdn.jtvnw.net/jtv_user_pictures/8a6381c7-d0c0-4576-b179-38bd5ce1d6af-profile_image-300x300.png",
			},
		},
		reddit("reddit/defaults", contrib.RedditConfig{}, nil, "dance/"+core.Version),
		reddit("reddit/permanent+user_agent", contrib.RedditConfig{Permanent: true, UserAgent: "web:myapp:1.0 (by /u/me)"},
			map[string]string{"duration": "permanent"}, "web:myapp:1.0 (by /u/me)"),
		strava("strava/defaults", contrib.StravaConfig{}, "dance/"+core.Version),
		strava("strava/user_agent", contrib.StravaConfig{UserAgent: "myapp/2"}, "myapp/2"),
		atlassian("atlassian/defaults", contrib.AtlassianConfig{}, map[string]string{"audience": "api.atlassian.com"}),
		atlassian("atlassian/reprompt_consent", contrib.AtlassianConfig{RepromptConsent: true},
			map[string]string{"audience": "api.atlassian.com", "prompt": "consent"}),
		authentiq("authentiq/defaults", contrib.AuthentiqConfig{}, "connect.authentiq.io"),
		authentiq("authentiq/hostname", contrib.AuthentiqConfig{Hostname: "id.example.org"}, "id.example.org"),
		{
			name: "dexcom", bp: "dexcom",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.Dexcom(contrib.DexcomConfig{Options: o})
			},
			authURL: "https://api.dexcom.com/v2/oauth2/login", scope: "offline_access",
			tokenURL: "https://api.dexcom.com/v2/oauth2/token", authStyle: "basic", refreshURL: "https://api.dexcom.com/v2/oauth2/token",
			apiURL: "https://api.dexcom.com/v3/users/self/egvs", fixture: "api.json",
		},
		{
			name: "digitalocean/comma scopes", bp: "digitalocean",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.DigitalOcean(contrib.DigitalOceanConfig{Scopes: []string{"read,write"}, Options: o})
			},
			authURL: "https://cloud.digitalocean.com/v1/oauth/authorize", scope: "read write",
			tokenURL: "https://cloud.digitalocean.com/v1/oauth/token", authStyle: "basic",
			apiURL: "https://api.digitalocean.com/v2/account", fixture: "digitalocean.json",
			profile: &dance.Profile{
				ID: "b6fr89dbf6d9156cace5f3c78dc9851d957381ef", Name: "Sammy the Shark", Email: "sammy@digitalocean.com", EmailVerified: yes(),
			},
		},
		discord("discord/prompt default consent", contrib.DiscordConfig{}, "consent"),
		discord("discord/prompt none", contrib.DiscordConfig{Prompt: contrib.DiscordPromptNone}, "none"),
		dropbox("dropbox/defaults exact query", contrib.DropboxConfig{}, nil),
		dropbox("dropbox/offline", contrib.DropboxConfig{Offline: true}, map[string]string{"token_access_type": "offline"}),
		dropbox("dropbox/force_reapprove+disable_signup+require_role",
			contrib.DropboxConfig{ForceReapprove: true, DisableSignup: true, RequireRole: "work"},
			map[string]string{"force_reapprove": "true", "disable_signup": "true", "require_role": "work"}),
		facebook("facebook/defaults", contrib.FacebookConfig{Scopes: []string{"email"}}, nil),
		facebook("facebook/rerequest_declined_permissions", contrib.FacebookConfig{Scopes: []string{"email"}, RerequestDeclinedPermissions: true},
			map[string]string{"auth_type": "rerequest"}),
		{
			name: "fitbit", bp: "fitbit",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.Fitbit(contrib.FitbitConfig{Scopes: []string{"profile"}, Options: o})
			},
			authURL: "https://www.fitbit.com/oauth2/authorize", scope: "profile",
			tokenURL: "https://api.fitbit.com/oauth2/token", authStyle: "basic", refreshURL: "https://api.fitbit.com/oauth2/token",
			apiURL: "https://api.fitbit.com/1/user/-/profile.json", fixture: "fitbit.json",
			profile: &dance.Profile{ID: "GGNJL9", Name: "Rosa Parker", AvatarURL: "https://static0.fitbit.com/images/profile/defaultProfile_100.png"},
		},
		{
			name: "linkedin", bp: "linkedin",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.LinkedIn(contrib.LinkedInConfig{Scopes: []string{"openid", "profile", "email"}, Options: o})
			},
			authURL: "https://www.linkedin.com/oauth/v2/authorization", scope: "openid profile email",
			tokenURL: "https://www.linkedin.com/oauth/v2/accessToken", authStyle: "params",
			apiURL: "https://api.linkedin.com/v2/userinfo", fixture: "linkedin.json",
			fake: func(f *dancetest.Config) {
				f.Issuer, f.JWKSPath = "https://www.linkedin.com/oauth", "/oauth/openid/jwks"
			},
			profile: &dance.Profile{
				ID: "782bbtaQ", Name: "John Doe", Email: "doe@email.com", EmailVerified: yes(),
				AvatarURL: "https://media.licdn-ei.com/dms/image/C5F03AQHqK8v7tB1HCQ/profile-displayphoto-shrink_100_100/0/",
			},
		},
		{
			name: "meetup/key+secret", bp: "meetup",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.Meetup(contrib.MeetupConfig{Options: o})
			},
			authURL: "https://secure.meetup.com/oauth2/authorize", scope: "basic",
			tokenURL: "https://secure.meetup.com/oauth2/access", authStyle: "params",
			apiURL: "https://api.meetup.com/2/member/self", fixture: "meetup.json",
			profile: &dance.Profile{
				ID: "13376461", Name: "Ada Lovelace",
				AvatarURL: "http://photos3.meetupstatic.com/photos/member/2/8/5/1/member_255498961.jpeg",
			},
		},
		{
			name: "nylas", bp: "nylas",
			build:   func(o dance.Options) (*dance.Blueprint, error) { return contrib.Nylas(contrib.NylasConfig{Options: o}) },
			authURL: "https://api.nylas.com/oauth/authorize", scope: "email",
			tokenURL: "https://api.nylas.com/oauth/token", authStyle: "params",
			apiURL: "https://api.nylas.com/account", fixture: "nylas.json",
			profile: &dance.Profile{ID: "awa6ltos76vz5hvphkp8k17nt", Name: "Ben Bitdiddle", Email: "benbitdiddle@gmail.com"},
		},
		{
			name: "osm", bp: "osm",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.OSM(contrib.OSMConfig{Scopes: []string{"read_prefs"}, Options: o})
			},
			authURL: "https://www.openstreetmap.org/oauth2/authorize", scope: "read_prefs",
			tokenURL: "https://www.openstreetmap.org/oauth2/token", authStyle: "basic",
			apiURL: "https://www.openstreetmap.org/api/0.6/user/details.json", fixture: "osm.json",
			profile: &dance.Profile{
				ID: "12023", Login: "jbpbis", Name: "jbpbis",
				AvatarURL: "https://www.openstreetmap.org/attachments/users/images/000/012/023/original/avatar.jpg",
			},
		},
		orcid("orcid/production", false, "orcid.org", "https://api.orcid.org"),
		orcid("orcid/sandbox", true, "sandbox.orcid.org", "https://api.sandbox.orcid.org"),
		salesforce("salesforce/defaults", contrib.SalesforceConfig{}, "login.salesforce.com", nil),
		salesforce("salesforce/is_sandbox", contrib.SalesforceConfig{IsSandbox: true}, "test.salesforce.com", nil),
		salesforce("salesforce/hostname+reprompt_consent", contrib.SalesforceConfig{Hostname: "acme.my.salesforce.com", IsSandbox: true, RepromptConsent: true},
			"acme.my.salesforce.com", map[string]string{"prompt": "consent"}),
		slack("slack/defaults", contrib.SlackConfig{}, "https://slack.com/oauth/authorize"),
		slack("slack/subdomain", contrib.SlackConfig{Subdomain: "acme"}, "https://acme.slack.com/oauth/authorize"),
		{
			name: "spotify", bp: "spotify",
			build: func(o dance.Options) (*dance.Blueprint, error) {
				return contrib.Spotify(contrib.SpotifyConfig{Scopes: []string{"user-read-email", "user-read-private"}, Options: o})
			},
			authURL: "https://accounts.spotify.com/authorize", scope: "user-read-email user-read-private",
			tokenURL: "https://accounts.spotify.com/api/token", authStyle: "basic",
			apiURL: "https://api.spotify.com/v1/me", fixture: "spotify.json",
			profile: &dance.Profile{
				ID: "wizzler", Login: "wizzler", Name: "JM Wizzler", Email: "email@example.com",
				AvatarURL: "https://i.scdn.co/image/ab6775700000ee8555c25988a6ac314394d3fbf5",
			},
		},
	}
}

// googleIDTokens makes the fake issue ID tokens as Google does, with the
// hd claim (nil: none).
func googleIDTokens(hd any) func(*dancetest.Config) {
	return func(f *dancetest.Config) {
		f.Issuer = "https://accounts.google.com"
		f.JWKSPath = "/oauth2/v3/certs"
		f.IDToken.Claims = map[string]any{"hd": hd}
	}
}
