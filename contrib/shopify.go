package contrib

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
)

// ShopifyConfig configures the Shopify preset: a shop's OAuth
// (authorization code grant) for the Admin API. Provider documentation:
// https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
//
// Shopify signs its redirect to the callback: the hmac parameter is the
// HMAC-SHA256, with the client secret, of the other parameters. The
// preset checks it, and that the shop parameter is the configured shop (a
// valid *.myshopify.com host), before dance's callback uses it, and refuses
// the callback with 403 otherwise (the error hook gets an error of stage
// state; the log line says why, never the secret; the login stays unused). The client secret is
// therefore required. The token request sends the client ID and secret in
// its body; API calls carry the token in the X-Shopify-Access-Token header,
// not as a Bearer token. Scopes are sent comma-separated, as Shopify
// wants, so a step-up login ([dance.Blueprint.Required] with scopes) asks
// for them as one.
//
// In development mode the stand-in is the shop example.myshopify.com,
// whatever Shop says.
//
// Profile: the shop, GET /admin/api/{APIVersion}/shop.json: ID is the
// shop's ID, Login its myshopify.com domain, Name its name and Email its
// e-mail; EmailVerified and AvatarURL are always empty.
type ShopifyConfig struct {
	// ClientID is the app's client ID (API key); default from
	// SHOPIFY_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the app's client secret (API secret key), which
	// also checks the callback's hmac; default from
	// SHOPIFY_OAUTH_CLIENT_SECRET. Required.
	ClientSecret string
	// Scopes to request, for example "read_products", "write_orders".
	// Default none: the scopes of the app's configuration.
	Scopes []string
	// Shop is the shop, "my-shop" or "my-shop.myshopify.com". Required.
	Shop string
	// APIVersion is the Admin API version of the base URL, for example
	// "2026-10". Default "2026-10".
	APIVersion string
	// PerUser asks for an online access token, tied to the staff member
	// who logs in (grant_options[]=per-user); default an offline token,
	// the shop's.
	PerUser bool
	// Endpoints override the shop's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://{Shop}/admin/api/{APIVersion}/.
	dance.Options
}

// shopRE is a shop's host, as Shopify documents checking it.
var shopRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$`)

// apiVersionRE is an Admin API version.
var apiVersionRE = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}|unstable)$`)

// Shopify returns a blueprint named "shopify".
func Shopify(cfg ShopifyConfig) (*dance.Blueprint, error) {
	p := preset{
		Provider:       presets.Shopify,
		clientIDInBody: true,
		authorize:      shopifyAuthorize,
		authParams:     params{}.setIf(cfg.PerUser, "grant_options[]", "per-user"),
	}
	example := p.Instance["Shop"]
	shop := strings.ToLower(cfg.Shop)
	if shop != "" && !strings.Contains(shop, ".") {
		shop += ".myshopify.com"
	}
	secret := or(cfg.ClientSecret, os.Getenv("SHOPIFY_OAUTH_CLIENT_SECRET"))
	switch {
	case cfg.Dev != nil: // the stand-in is the example shop
		shop = example
		_, secret = cfg.Dev.credentials()
	case shop == "":
		return nil, errors.New("dance: shopify: Shop is required: the shop's myshopify.com domain")
	case !shopRE.MatchString(shop):
		return nil, fmt.Errorf("dance: shopify: Shop %q is not a shop's myshopify.com domain", cfg.Shop)
	case secret == "":
		return nil, errors.New("dance: shopify: no client secret: set ClientSecret or SHOPIFY_OAUTH_CLIENT_SECRET; it checks the callback's hmac")
	}
	version := or(cfg.APIVersion, "2026-10")
	if !apiVersionRE.MatchString(version) {
		return nil, fmt.Errorf("dance: shopify: APIVersion %q is not a version such as 2026-10", cfg.APIVersion)
	}
	p.BaseURL = strings.Replace(p.BaseURL, "/admin/api/2026-10/", "/admin/api/"+version+"/", 1)
	p.rehost(example, shop)
	scopes := commaScopes(orScopes(cfg.Scopes, p.Scopes...))
	p.callbackCheck = shopifyCallback(secret, shop)
	return p.build(cfg.ClientID, cfg.ClientSecret, scopes, cfg.Endpoints, cfg.Options)
}

// commaScopes joins scopes with commas into one, for providers that want
// the scope parameter comma-separated (Shopify, Pinterest, TikTok):
// x/oauth2 joins a list with spaces.
func commaScopes(scopes []string) []string {
	if len(scopes) == 0 {
		return scopes
	}
	return []string{strings.Join(scopes, ",")}
}

// shopifyAuthorize sends the access token as Shopify's Admin API wants it.
func shopifyAuthorize(req *http.Request, tok *dance.Token) error {
	req.Header.Del("Authorization")
	req.Header.Set("X-Shopify-Access-Token", tok.AccessToken)
	return nil
}

// shopifyCallback is the callback check of the shop shop: the hmac is
// Shopify's signature with secret, and the shop parameter is the shop.
func shopifyCallback(secret, shop string) func(url.Values) error {
	return func(q url.Values) error {
		switch got := q.Get("shop"); {
		case !q.Has("hmac"):
			return errors.New("shopify: the callback has no hmac parameter")
		case !validShopifyHMAC(q, secret):
			return errors.New("shopify: the callback's hmac is not Shopify's signature with the client secret")
		case !shopRE.MatchString(got):
			return errors.New("shopify: the callback's shop parameter is not a myshopify.com domain")
		case !strings.EqualFold(got, shop):
			return errors.New("shopify: the callback's shop parameter is not the configured shop")
		}
		return nil
	}
}

// validShopifyHMAC reports whether q's hmac is Shopify's signature of the
// other parameters (but "signature"), sorted by name and form-encoded,
// with secret: the hex HMAC-SHA256. It compares in constant time.
func validShopifyHMAC(q url.Values, secret string) bool {
	got, err := hex.DecodeString(q.Get("hmac"))
	if err != nil || secret == "" {
		return false
	}
	rest := url.Values{}
	for k, v := range q {
		if k != "hmac" && k != "signature" {
			rest[k] = v
		}
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(rest.Encode())) // sorted by name
	return hmac.Equal(got, m.Sum(nil))
}
