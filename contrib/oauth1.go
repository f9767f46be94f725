package contrib

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"

	"github.com/gin-dance/dance/internal/presets"

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
	// Dev, when set, is development mode: every URL of the preset,
	// including the ones above, goes to the stand-in for it on a
	// development provider. See [DevProvider].
	Dev *DevProvider
}

// buildOAuth1 fills in the defaults of the OAuth 1 provider p around the
// user's settings.
func buildOAuth1(p presets.Provider, cfg dance.OAuth1Config, ep OAuth1Endpoints) (*dance.Blueprint, error) {
	cfg.Name = p.Name
	cfg.RequestTokenURL = or(ep.RequestTokenURL, p.RequestTokenURL)
	cfg.AuthURL = or(ep.AuthURL, p.AuthURL)
	cfg.AccessTokenURL = or(ep.AccessTokenURL, p.TokenURL)
	if cfg.BaseURL == "" {
		cfg.BaseURL = p.BaseURL
	}
	if ep.Dev != nil {
		dev, err := ep.Dev.origin(p.Name)
		if err != nil {
			return nil, err
		}
		devURLs(dev, p.Name, &cfg.BaseURL, &cfg.RequestTokenURL, &cfg.AuthURL, &cfg.AccessTokenURL)
		cfg.ClientKey, cfg.ClientSecret = ep.Dev.credentials()
		if cfg.SignatureMethod == "RSA-SHA1" {
			// The development provider cannot check an RSA signature
			// (the public key is the app's), so the app's key is not
			// used: a throwaway one signs.
			key, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				return nil, err
			}
			cfg.RSAKey = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
		}
	}
	if cfg.Profile == nil && p.Profile != nil {
		cfg.Profile = (&profileSpec{Profile: p.Profile, header: cfg.Header}).fetcher(p.Profile.URL)
	}
	return dance.NewOAuth1(cfg)
}
