package contrib

import (
	"net/url"
	"testing"
)

// The callback's hmac is checked as Shopify documents it, on Shopify's
// own examples (secret "hush"), and a changed parameter, a missing one, a
// wrong secret or a malformed hmac fail.
func TestShopifyHMACKnownAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, query, secret string
		ok                  bool
	}{
		{"documented example with state", "code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173", "hush", true},
		{"documented example without state", "code=0907a61c0c8d55e99db179b68161bc00&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20&shop=some-shop.myshopify.com&timestamp=1337178173", "hush", true},
		{"parameters in another order", "timestamp=1337178173&shop=some-shop.myshopify.com&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20&code=0907a61c0c8d55e99db179b68161bc00", "hush", true},
		{"another secret", "code=0907a61c0c8d55e99db179b68161bc00&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20&shop=some-shop.myshopify.com&timestamp=1337178173", "hush!", false},
		{"changed shop", "code=0907a61c0c8d55e99db179b68161bc00&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20&shop=evil-shop.myshopify.com&timestamp=1337178173", "hush", false},
		{"added parameter", "code=0907a61c0c8d55e99db179b68161bc00&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20&shop=some-shop.myshopify.com&timestamp=1337178173&next=/admin", "hush", false},
		{"not hex", "code=0907a61c0c8d55e99db179b68161bc00&hmac=zz&shop=some-shop.myshopify.com&timestamp=1337178173", "hush", false},
		{"empty secret", "code=0907a61c0c8d55e99db179b68161bc00&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20&shop=some-shop.myshopify.com&timestamp=1337178173", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if got := validShopifyHMAC(q, tc.secret); got != tc.ok {
				t.Errorf("valid = %v, want %v", got, tc.ok)
			}
		})
	}
}
