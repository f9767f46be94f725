// Package contrib has one preset per OAuth provider, the Go form of
// flask_dance.contrib. A preset is a Config struct with the provider's
// documented options and a constructor that returns a ready
// [*dance.Blueprint]. Every preset reads its credentials from the same
// environment variables as Flask-Dance when none are given, and every
// endpoint can be overridden (for tests, or for self-hosted instances).
package contrib

import "github.com/gin-dance/dance"

// Endpoints override a preset's provider URLs. Empty fields keep the
// provider's own. Tests point them at a fake provider; users of a
// self-hosted or regional instance point them at it.
type Endpoints struct {
	// AuthURL is the authorization endpoint.
	AuthURL string
	// TokenURL is the token endpoint.
	TokenURL string
}

// preset is the data that makes a provider's OAuth 2 blueprint.
type preset struct {
	name, authURL, tokenURL, baseURL string
	scopes                           []string
}

// build fills in the preset's defaults around the user's settings.
func (p preset) build(clientID, clientSecret string, scopes []string, ep Endpoints, o dance.Options, extra func(*dance.OAuth2Config)) (*dance.Blueprint, error) {
	cfg := dance.OAuth2Config{
		Name:         p.name,
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Scopes:       scopes,
		AuthURL:      or(ep.AuthURL, p.authURL),
		TokenURL:     or(ep.TokenURL, p.tokenURL),
		Options:      o,
	}
	if cfg.Scopes == nil {
		cfg.Scopes = p.scopes
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = p.baseURL
	}
	if extra != nil {
		extra(&cfg)
	}
	return dance.NewOAuth2(cfg)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
