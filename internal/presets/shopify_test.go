package presets

import (
	"net/url"
	"testing"
)

// The fakes sign a Shopify callback as Shopify documents it: the example
// shop and a timestamp, and hmac over the other parameters sorted by
// name. The expected hmac was computed with openssl (secret "hush",
// Shopify's documentation's example).
func TestShopifySignCallbackKnownAnswer(t *testing.T) {
	q := url.Values{"code": {"0907a61c0c8d55e99db179b68161bc00"}, "state": {"0.6784241404160823"}}
	Shopify.SignCallback(q, "hush")
	if q.Get("shop") != "example.myshopify.com" || q.Get("timestamp") == "" {
		t.Fatalf("signed query %v lacks the shop or timestamp", q)
	}
	const want = "bd78b510e609004b9569b1cde18552168613bd5c9f9d4beb017ef467500c16c5"
	if got := q.Get("hmac"); got != want {
		t.Errorf("hmac %s, want %s", got, want)
	}
}
