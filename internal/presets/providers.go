package presets

// All is every preset's provider, sorted by name, one a line (so that
// branches that add presets merge).
var All = []*Provider{
	&Amazon,
	&Apple,
	&Atlassian,
	&Auth0,
	&Authentiq,
	&Azure,
	&BattleNet,
	&Bitbucket,
	&Box,
	&Cognito,
	&Dexcom,
	&DigitalOcean,
	&Discord,
	&Dropbox,
	&Facebook,
	&Figma,
	&Fitbit,
	&Gitea,
	&GitHub,
	&GitLab,
	&Google,
	&Heroku,
	&HubSpot,
	&Instagram,
	&JIRA,
	&Kakao,
	&Keycloak,
	&LINE,
	&LinkedIn,
	&Mastodon,
	&Meetup,
	&Naver,
	&Notion,
	&Nylas,
	&Okta,
	&ORCID,
	&OSM,
	&Patreon,
	&PayPal,
	&Pinterest,
	&Reddit,
	&Salesforce,
	&Shopify,
	&Slack,
	&Spotify,
	&Strava,
	&TikTok,
	&Tumblr,
	&Twitch,
	&Twitter,
	&VK,
	&WeChat,
	&WordPress,
	&X,
	&Xero,
	&Yahoo,
	&Yandex,
	&ZITADEL,
	&Zoho,
	&Zoom,
}

// oidcProfile is the identity API of an OpenID Connect userinfo endpoint.
func oidcProfile(url string) *Profile {
	return &Profile{
		URL: url, ID: "sub", Login: "preferred_username", Name: "name",
		NameParts: []string{"given_name", "family_name"},
		Email:     "email", Verified: "email_verified", Avatar: "picture",
	}
}

// The providers, one variable each; their docs are contrib's.
var (
	Atlassian = Provider{
		Name: "atlassian", Config: "AtlassianConfig",
		AuthURL:  "https://auth.atlassian.com/authorize",
		TokenURL: "https://auth.atlassian.com/oauth/token",
		BaseURL:  "https://api.atlassian.com/",
		Profile: &Profile{
			URL: "me", ID: "account_id", Login: "nickname", Name: "name", Email: "email",
			Verified: "email_verified", Avatar: "picture",
		},
	}
	Authentiq = Provider{
		Name: "authentiq", Config: "AuthentiqConfig",
		AuthURL:  "https://connect.authentiq.io/authorize",
		TokenURL: "https://connect.authentiq.io/token",
		BaseURL:  "https://connect.authentiq.io/",
		Issuer:   "https://connect.authentiq.io/",
		JWKSURL:  "https://connect.authentiq.io/jwks",
		Scopes:   []string{"openid", "profile"},
		Profile:  oidcProfile("userinfo"),
	}
	Azure = Provider{
		Name: "azure", Config: "AzureConfig",
		AuthURL:  "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
		TokenURL: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
		BaseURL:  "https://graph.microsoft.com",
		Issuer:   "https://login.microsoftonline.com/{tenantid}/v2.0",
		JWKSURL:  "https://login.microsoftonline.com/common/discovery/v2.0/keys",
		Tenant:   "common",
		Scopes:   []string{"openid", "email", "profile", "User.Read"},
		Profile:  &Profile{URL: "v1.0/me", ID: "id", Login: "userPrincipalName", Name: "displayName", Email: "mail"},
	}
	Dexcom = Provider{
		Name: "dexcom", Config: "DexcomConfig",
		AuthURL:     "https://api.dexcom.com/v2/oauth2/login",
		TokenURL:    "https://api.dexcom.com/v2/oauth2/token",
		BaseURL:     "https://api.dexcom.com/",
		Scopes:      []string{"offline_access"},
		Refreshable: true,
	}
	DigitalOcean = Provider{
		Name: "digitalocean", Config: "DigitalOceanConfig",
		AuthURL:  "https://cloud.digitalocean.com/v1/oauth/authorize",
		TokenURL: "https://cloud.digitalocean.com/v1/oauth/token",
		BaseURL:  "https://cloud.digitalocean.com/v1/oauth",
		Profile: &Profile{
			URL: "https://api.digitalocean.com/v2/account", ID: "account.uuid", Name: "account.name",
			Email: "account.email", Verified: "account.email_verified",
		},
	}
	Discord = Provider{
		Name: "discord", Config: "DiscordConfig",
		AuthURL:  "https://discord.com/api/oauth2/authorize",
		TokenURL: "https://discord.com/api/oauth2/token",
		BaseURL:  "https://discord.com/",
		Scopes:   []string{"identify"},
		Profile: &Profile{
			URL: "api/users/@me", ID: "id", Login: "username", Name: "global_name",
			NameParts: []string{"username"}, Email: "email", Verified: "verified",
		},
	}
	Dropbox = Provider{
		Name: "dropbox", Config: "DropboxConfig",
		AuthURL:  "https://www.dropbox.com/oauth2/authorize",
		TokenURL: "https://api.dropbox.com/oauth2/token",
		BaseURL:  "https://api.dropbox.com/2/",
		Profile: &Profile{
			URL: "users/get_current_account", Method: "POST", ID: "account_id", Name: "name.display_name",
			Email: "email", Verified: "email_verified", Avatar: "profile_photo_url",
		},
	}
	Facebook = Provider{
		Name: "facebook", Config: "FacebookConfig",
		AuthURL:  "https://www.facebook.com/dialog/oauth",
		TokenURL: "https://graph.facebook.com/oauth/access_token",
		BaseURL:  "https://graph.facebook.com/",
		Profile: &Profile{
			URL: "me?fields=id,name,email,picture", ID: "id", Name: "name", Email: "email", Avatar: "picture.data.url",
		},
	}
	Fitbit = Provider{
		Name: "fitbit", Config: "FitbitConfig",
		AuthURL:     "https://www.fitbit.com/oauth2/authorize",
		TokenURL:    "https://api.fitbit.com/oauth2/token",
		BaseURL:     "https://api.fitbit.com/",
		Refreshable: true,
		Profile: &Profile{
			URL: "1/user/-/profile.json", ID: "user.encodedId", Name: "user.fullName",
			NameParts: []string{"user.displayName"}, Avatar: "user.avatar",
		},
	}
	GitHub = Provider{
		Name: "github", Config: "GitHubConfig",
		AuthURL:  "https://github.com/login/oauth/authorize",
		TokenURL: "https://github.com/login/oauth/access_token",
		BaseURL:  "https://api.github.com/",
		Profile:  &Profile{URL: "user", ID: "id", Login: "login", Name: "name", Email: "email", Avatar: "avatar_url"},
		// When /user has no public e-mail, the preset reads the primary
		// verified one from /user/emails.
		FakePaths: map[string]func(Identity) any{"/user/emails": func(who Identity) any {
			return []map[string]any{{"email": who.Email, "primary": true, "verified": who.Verified, "visibility": "public"}}
		}},
	}
	GitLab = Provider{
		Name: "gitlab", Config: "GitLabConfig",
		AuthURL:  "https://gitlab.com/oauth/authorize",
		TokenURL: "https://gitlab.com/oauth/token",
		BaseURL:  "https://gitlab.com/api/v4/",
		Profile:  &Profile{URL: "user", ID: "id", Login: "username", Name: "name", Email: "email", Avatar: "avatar_url"},
	}
	Google = Provider{
		Name: "google", Config: "GoogleConfig",
		AuthURL:   "https://accounts.google.com/o/oauth2/auth",
		TokenURL:  "https://accounts.google.com/o/oauth2/token",
		BaseURL:   "https://www.googleapis.com/",
		RevokeURL: "https://oauth2.googleapis.com/revoke",
		Issuer:    "https://accounts.google.com",
		JWKSURL:   "https://www.googleapis.com/oauth2/v3/certs",
		Scopes:    []string{"https://www.googleapis.com/auth/userinfo.profile"},
		Profile: &Profile{
			URL: "oauth2/v2/userinfo", ID: "id", Name: "name", Email: "email",
			Verified: "verified_email", Avatar: "picture",
		},
	}
	Heroku = Provider{
		Name: "heroku", Config: "HerokuConfig",
		AuthURL:  "https://id.heroku.com/oauth/authorize",
		TokenURL: "https://id.heroku.com/oauth/token",
		BaseURL:  "https://api.heroku.com/",
		Profile:  &Profile{URL: "account", ID: "id", Name: "name", Email: "email"},
	}
	// JIRA's URLs are under the installation's BaseURL, which has no
	// default; these are the example installation's.
	JIRA = Provider{
		Name: "jira", Config: "JIRAConfig", OAuth1: true,
		RequestTokenURL: "https://jira.example.com/plugins/servlet/oauth/request-token",
		AuthURL:         "https://jira.example.com/plugins/servlet/oauth/authorize",
		TokenURL:        "https://jira.example.com/plugins/servlet/oauth/access-token",
		BaseURL:         "https://jira.example.com/",
	}
	LinkedIn = Provider{
		Name: "linkedin", Config: "LinkedInConfig",
		AuthURL:  "https://www.linkedin.com/oauth/v2/authorization",
		TokenURL: "https://www.linkedin.com/oauth/v2/accessToken",
		BaseURL:  "https://api.linkedin.com/v2/",
		Issuer:   "https://www.linkedin.com/oauth",
		JWKSURL:  "https://www.linkedin.com/oauth/openid/jwks",
		Profile:  oidcProfile("userinfo"),
	}
	Meetup = Provider{
		Name: "meetup", Config: "MeetupConfig",
		AuthURL:  "https://secure.meetup.com/oauth2/authorize",
		TokenURL: "https://secure.meetup.com/oauth2/access",
		BaseURL:  "https://api.meetup.com/2/",
		Scopes:   []string{"basic"},
		Profile:  &Profile{URL: "member/self", ID: "id", Name: "name", Avatar: "photo.photo_link"},
	}
	Nylas = Provider{
		Name: "nylas", Config: "NylasConfig",
		AuthURL:  "https://api.nylas.com/oauth/authorize",
		TokenURL: "https://api.nylas.com/oauth/token",
		BaseURL:  "https://api.nylas.com/",
		Scopes:   []string{"email"},
		Profile:  &Profile{URL: "account", ID: "id", Name: "name", Email: "email_address"},
	}
	ORCID = Provider{
		Name: "orcid", Config: "ORCIDConfig",
		AuthURL:  "https://orcid.org/oauth/authorize",
		TokenURL: "https://orcid.org/oauth/token",
		BaseURL:  "https://api.orcid.org",
	}
	OSM = Provider{
		Name: "osm", Config: "OSMConfig",
		AuthURL:  "https://www.openstreetmap.org/oauth2/authorize",
		TokenURL: "https://www.openstreetmap.org/oauth2/token",
		BaseURL:  "https://www.openstreetmap.org/api/0.6/",
		Profile: &Profile{
			URL: "user/details.json", ID: "user.id", Login: "user.display_name", Name: "user.display_name",
			Avatar: "user.img.href",
		},
	}
	Reddit = Provider{
		Name: "reddit", Config: "RedditConfig",
		AuthURL:     "https://www.reddit.com/api/v1/authorize",
		TokenURL:    "https://www.reddit.com/api/v1/access_token",
		BaseURL:     "https://oauth.reddit.com/",
		Scopes:      []string{"identity"},
		Refreshable: true,
		Profile:     &Profile{URL: "api/v1/me", ID: "id", Login: "name", Avatar: "icon_img"},
	}
	Salesforce = Provider{
		Name: "salesforce", Config: "SalesforceConfig",
		AuthURL:  "https://login.salesforce.com/services/oauth2/authorize",
		TokenURL: "https://login.salesforce.com/services/oauth2/token",
		BaseURL:  "https://login.salesforce.com/",
		Profile: func() *Profile {
			p := oidcProfile("services/oauth2/userinfo")
			p.ID = "user_id"
			return p
		}(),
	}
	Slack = Provider{
		Name: "slack", Config: "SlackConfig",
		AuthURL:  "https://slack.com/oauth/authorize",
		TokenURL: "https://slack.com/api/oauth.access",
		BaseURL:  "https://slack.com/api/",
		Scopes:   []string{"identify", "chat:write:bot"},
		Profile: &Profile{
			URL: "users.identity", ID: "user.id", Name: "user.name", Email: "user.email", Avatar: "user.image_192",
		},
	}
	Spotify = Provider{
		Name: "spotify", Config: "SpotifyConfig",
		AuthURL:  "https://accounts.spotify.com/authorize",
		TokenURL: "https://accounts.spotify.com/api/token",
		BaseURL:  "https://api.spotify.com",
		Profile: &Profile{
			URL: "v1/me", ID: "id", Login: "id", Name: "display_name", Email: "email", Avatar: "images.0.url",
		},
	}
	Strava = Provider{
		Name: "strava", Config: "StravaConfig",
		AuthURL:     "https://www.strava.com/api/v3/oauth/authorize",
		TokenURL:    "https://www.strava.com/api/v3/oauth/token",
		BaseURL:     "https://www.strava.com/api/v3/",
		Scopes:      []string{"read"},
		Refreshable: true,
		Profile: &Profile{
			URL: "athlete", ID: "id", Login: "username", NameParts: []string{"firstname", "lastname"}, Avatar: "profile",
		},
	}
	Twitch = Provider{
		Name: "twitch", Config: "TwitchConfig",
		AuthURL:     "https://id.twitch.tv/oauth2/authorize",
		TokenURL:    "https://id.twitch.tv/oauth2/token",
		BaseURL:     "https://api.twitch.tv/helix/",
		Refreshable: true,
		Profile: &Profile{
			URL: "users", ID: "data.0.id", Login: "data.0.login", Name: "data.0.display_name",
			Email: "data.0.email", Avatar: "data.0.profile_image_url",
		},
	}
	Twitter = Provider{
		Name: "twitter", Config: "TwitterConfig", OAuth1: true,
		RequestTokenURL: "https://api.twitter.com/oauth/request_token",
		AuthURL:         "https://api.twitter.com/oauth/authorize",
		TokenURL:        "https://api.twitter.com/oauth/access_token",
		BaseURL:         "https://api.twitter.com/1.1/",
	}
	Zoho = Provider{
		Name: "zoho", Config: "ZohoConfig",
		AuthURL:  "https://accounts.zoho.com/oauth/v2/auth",
		TokenURL: "https://accounts.zoho.com/oauth/v2/token",
		BaseURL:  "https://www.zohoapis.com/",
		Scopes:   []string{"ZohoCRM.users.all"},
		Profile: &Profile{
			URL: "https://accounts.zoho.com/oauth/user/info", ID: "ZUID", Name: "Display_Name",
			NameParts: []string{"First_Name", "Last_Name"}, Email: "Email",
		},
	}
)
