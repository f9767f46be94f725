package presets

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
)

// Shopify is a Shopify shop's OAuth, at the example shop, with the Admin
// API version the preset defaults to.
var Shopify = Provider{
	Name: "shopify", Config: "ShopifyConfig",
	AuthURL:  "https://example.myshopify.com/admin/oauth/authorize",
	TokenURL: "https://example.myshopify.com/admin/oauth/access_token",
	BaseURL:  "https://example.myshopify.com/admin/api/2026-10/",
	Profile: &Profile{
		URL: "shop.json", ID: "shop.id", Login: "shop.myshopify_domain", Name: "shop.name", Email: "shop.email",
	},
	Instance:     map[string]string{"Shop": "example.myshopify.com"},
	TokenHeader:  "X-Shopify-Access-Token",
	SignCallback: signShopify,
}

// signShopify signs a callback query as Shopify does, for the example
// shop: the shop and a timestamp, then hmac, the hex HMAC-SHA256 with the
// client secret of the other parameters, sorted by name, as name=value
// joined by "&".
func signShopify(q url.Values, secret string) {
	q.Set("shop", "example.myshopify.com")
	q.Set("timestamp", "1337178173")
	var parts []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if k != "hmac" && k != "signature" && !yield(k) {
				return
			}
		}
	}) {
		parts = append(parts, k+"="+q.Get(k))
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strings.Join(parts, "&")))
	q.Set("hmac", hex.EncodeToString(m.Sum(nil)))
}
