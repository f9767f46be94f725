package contrib

import (
	"os"

	"github.com/gin-dance/dance"
)

// OAuth1Endpoints override an OAuth 1 preset's provider URLs. Empty fields
// keep the provider's own. Tests point them at a fake provider.
type OAuth1Endpoints struct {
	// RequestTokenURL is the request-token endpoint.
	RequestTokenURL string
	// AuthURL is the authorization page.
	AuthURL string
	// AccessTokenURL is the access-token endpoint.
	AccessTokenURL string
}

// oauth1Preset is the data that makes a provider's OAuth 1 blueprint.
type oauth1Preset struct {
	name, requestTokenURL, authURL, accessTokenURL, baseURL string
}

// build fills in the preset's defaults around the user's settings.
func (p oauth1Preset) build(cfg dance.OAuth1Config, ep OAuth1Endpoints) (*dance.Blueprint, error) {
	p.describe()
	cfg.Name = p.name
	cfg.RequestTokenURL = or(ep.RequestTokenURL, p.requestTokenURL)
	cfg.AuthURL = or(ep.AuthURL, p.authURL)
	cfg.AccessTokenURL = or(ep.AccessTokenURL, p.accessTokenURL)
	if cfg.BaseURL == "" {
		cfg.BaseURL = p.baseURL
	}
	dev, err := devProvider(p.name, cfg.Options)
	if err != nil {
		return nil, err
	}
	if dev != "" {
		devURLs(dev, p.name, &cfg.BaseURL, &cfg.RequestTokenURL, &cfg.AuthURL, &cfg.AccessTokenURL)
		if cfg.ClientKey == "" && os.Getenv(cfg.ClientKeyEnv) == "" {
			cfg.ClientKey = devClientID
		}
		if cfg.ClientSecret == "" && os.Getenv(cfg.ClientSecretEnv) == "" && cfg.SignatureMethod != "RSA-SHA1" {
			cfg.ClientSecret = devClientSecret
		}
	}
	return dance.NewOAuth1(cfg)
}
