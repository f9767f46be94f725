package dancetest

import (
	"strconv"
	"time"
)

// verifyAnyConsumer checks an OAuth 1 request for OAuth1Config.AnyConsumer:
// every parameter, the timestamp and the nonce, but not the signature,
// whose key the provider does not know.
func (p *OAuth1Provider) verifyAnyConsumer(o map[string]string) string {
	if o["oauth_consumer_key"] == "" || o["oauth_nonce"] == "" || o["oauth_signature"] == "" {
		return "parameter_absent"
	}
	if v, ok := o["oauth_version"]; ok && v != "1.0" {
		return "version_rejected"
	}
	if m := o["oauth_signature_method"]; m != "HMAC-SHA1" && m != "RSA-SHA1" {
		return "signature_method_rejected"
	}
	ts, err := strconv.ParseInt(o["oauth_timestamp"], 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return "timestamp_refused"
	}
	return p.useNonce(o)
}
