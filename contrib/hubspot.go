package contrib

import (
	"net/url"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// HubSpotConfig configures the HubSpot preset, for public apps. Provider
// documentation:
// https://developers.hubspot.com/docs/api/oauth-quickstart-guide
//
// The token request carries the client ID and secret in the body. Tokens
// last 30 minutes and are refreshable.
//
// Profile: GET https://api.hubapi.com/oauth/v1/access-tokens/{token}, the
// token's metadata: ID is the user_id, Login and Email the user's e-mail
// address; Raw has hub_id (the HubSpot account the app was installed in)
// and hub_domain. Name, EmailVerified and AvatarURL are always empty.
type HubSpotConfig struct {
	// ClientID is the app's client ID; default from
	// HUBSPOT_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the client secret; default from
	// HUBSPOT_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request, for example "crm.objects.contacts.read". Default
	// "oauth". They must be among the app's configured scopes.
	Scopes []string
	// OptionalScopes are asked for when the installing account has them,
	// and left out otherwise (optional_scope).
	OptionalScopes []string
	// Endpoints override app.hubspot.com's and api.hubapi.com's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.hubapi.com/.
	dance.Options
}

// HubSpot returns a blueprint named "hubspot".
func HubSpot(cfg HubSpotConfig) (*dance.Blueprint, error) {
	if cfg.Profile == nil {
		cfg.Profile = hubSpotProfile(or(cfg.ProfileURL, presets.HubSpot.Profile.URL))
	}
	return preset{
		Provider:       presets.HubSpot,
		clientIDInBody: true,
		authParams:     params{}.setIf(true, "optional_scope", strings.Join(cfg.OptionalScopes, " ")),
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// hubSpotProfile reads the token's metadata at profileURL, whose
// "{token}" is the access token.
func hubSpotProfile(profileURL string) dance.ProfileFunc {
	spec := &profileSpec{Profile: presets.HubSpot.Profile}
	return func(cl *dance.Client) (*dance.Profile, error) {
		tok, err := cl.Token()
		if err != nil {
			return nil, err
		}
		if tok == nil {
			return nil, dance.ErrNoToken
		}
		ref := strings.Replace(profileURL, "{token}", url.PathEscape(tok.AccessToken), 1)
		body, err := getJSON(cl, "GET", ref, nil)
		if err != nil {
			return nil, err
		}
		return spec.mapProfile(body)
	}
}
