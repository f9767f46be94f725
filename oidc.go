package dance

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/httpx"
	"github.com/gin-dance/dance/internal/oauth2x"
	"github.com/go-jose/go-jose/v4"
)

// Claims are the claims of an OpenID Connect ID token that dance verified,
// decoded from JSON: "sub", "email", "hd", and so on.
type Claims map[string]any

// ClaimCheck is an extra check of a verified ID token's claims, run after
// the signature, iss, aud, exp and nonce checks. Returning an error refuses
// the login (or the refresh); the error text reaches the error hooks and
// must hold no secret.
type ClaimCheck func(claims Claims) error

// RequireClaim returns a [ClaimCheck] that refuses a token whose claim name
// is missing or is not the string value. Google's hosted_domain is
// RequireClaim("hd", domain): the "hd" parameter sent at login only
// chooses the account picker's domain, and any Google user can remove it,
// so the claim must be checked.
func RequireClaim(name, value string) ClaimCheck {
	return func(claims Claims) error {
		got, ok := claims[name].(string)
		if !ok {
			return fmt.Errorf("claim %q is missing", name)
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(value)) != 1 {
			return fmt.Errorf("claim %q is not the expected value", name)
		}
		return nil
	}
}

// tenantPlaceholder in an issuer stands for the token's "tid" claim.
const tenantPlaceholder = "{tenantid}"

// signingAlgs are the algorithms accepted for ID tokens: the asymmetric
// ones that go-oidc supports. "none" and the HMAC family never are.
var signingAlgs = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA,
}

// idVerifier verifies the ID tokens of one blueprint with go-oidc.
type idVerifier struct {
	issuer     string // may hold {tenantid}
	jwksURL    string
	keys       oidc.KeySet
	verifier   *oidc.IDTokenVerifier
	check      ClaimCheck
	requireIss bool
}

func newIDVerifier(bp *Blueprint, cfg OAuth2Config, clientID string) (*idVerifier, error) {
	if _, err := httpx.ParseAbsolute(strings.ReplaceAll(cfg.Issuer, tenantPlaceholder, "t")); err != nil {
		return nil, fmt.Errorf("dance: %s: Issuer: %w", bp.name, err)
	}
	if cfg.JWKSURL == "" {
		return nil, fmt.Errorf("dance: %s: Issuer is set but JWKSURL is not; use NewOIDC for discovery", bp.name)
	}
	jwks, err := bp.resolve(cfg.JWKSURL)
	if err != nil {
		return nil, err
	}
	// The key set fetches (and re-fetches, on an unknown key ID) with the
	// blueprint's HTTP client; go-oidc caches the keys.
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), bp.httpClient), jwks.String())
	v := &idVerifier{issuer: cfg.Issuer, jwksURL: jwks.String(), keys: keys, check: cfg.IDTokenCheck, requireIss: cfg.RequireIssuerParam}
	v.verifier = oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{
		ClientID:             clientID,
		SupportedSigningAlgs: signingAlgs,
		Now:                  bp.now,
		// A {tenantid} issuer is checked below, once the tid is known.
		SkipIssuerCheck: strings.Contains(cfg.Issuer, tenantPlaceholder),
	})
	return v, nil
}

// issuerFor returns the issuer a token with the given tid claim must have.
func (v *idVerifier) issuerFor(tid string) string {
	return strings.ReplaceAll(v.issuer, tenantPlaceholder, tid)
}

// issuerMatches reports whether iss is the issuer, a {tenantid} standing
// for any one path segment.
func (v *idVerifier) issuerMatches(iss string) bool {
	before, after, templated := strings.Cut(v.issuer, tenantPlaceholder)
	if !templated {
		return iss == v.issuer
	}
	mid, ok := strings.CutPrefix(iss, before)
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, after)
	return ok && mid != "" && !strings.ContainsAny(mid, "/?#")
}

// checkIssuerParam is RFC 9207: the authorization response's "iss" must be
// the issuer; a missing one is refused only when the provider promised it.
func (v *idVerifier) checkIssuerParam(q url.Values) error {
	if !q.Has("iss") {
		if v.requireIss {
			return fmt.Errorf("%w: the callback has no \"iss\" parameter", errIssuerMismatch)
		}
		return nil
	}
	if !v.issuerMatches(q.Get("iss")) {
		return errIssuerMismatch
	}
	return nil
}

// verify checks the raw ID token and, when nonce is not empty, its nonce,
// and returns its claims.
func (v *idVerifier) verify(ctx context.Context, bp *Blueprint, raw, nonce string) (Claims, *Error) {
	fail := func(reason string) *Error {
		return &Error{Provider: bp.name, Stage: StageToken, Err: fmt.Errorf("%w: %s", errIDToken, reason)}
	}
	if raw == "" {
		return nil, fail("the token response has no id_token")
	}
	idt, err := v.verifier.Verify(ctx, raw)
	if err != nil {
		var exp *oidc.TokenExpiredError
		if errors.As(err, &exp) {
			return nil, fail("the ID token has expired")
		}
		return nil, fail(strings.TrimPrefix(err.Error(), "oidc: "))
	}
	claims := Claims{}
	if err := idt.Claims(&claims); err != nil {
		return nil, fail("the ID token claims are not a JSON object")
	}
	if strings.Contains(v.issuer, tenantPlaceholder) {
		tid, _ := claims["tid"].(string)
		if tid == "" || strings.ContainsAny(tid, "/?#") || idt.Issuer != v.issuerFor(tid) {
			return nil, fail("id token issued by a different provider")
		}
	}
	if nonce != "" {
		if idt.Nonce == "" {
			return nil, fail("the ID token has no nonce")
		}
		if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
			return nil, fail("nonce mismatch")
		}
	}
	if v.check != nil {
		if err := v.check(claims); err != nil {
			return nil, fail(err.Error())
		}
	}
	return claims, nil
}

// Claims returns the verified claims of the current user's ID token. On
// the callback (in the authorized hooks) they are the claims just
// verified; later they are decoded from the stored token's id_token,
// which dance verified before storing it (at login or refresh) and does
// not verify again: the storage is trusted, as it is for the token itself.
// It returns nil claims, and no error, when there are none: the blueprint
// does not verify ID tokens (no Issuer, or no "openid" in the scope), or
// there is no token, or it has no ID token.
func (cl *Client) Claims() (Claims, error) {
	if v, ok := cl.c.Get(cl.bp.claimsKey); ok {
		if claims, ok := v.(Claims); ok {
			return claims, nil
		}
	}
	tok, err := cl.load()
	if err != nil {
		return nil, err
	}
	claims, err := cl.bp.proto.claims(tok)
	if err != nil {
		return nil, &Error{Provider: cl.bp.name, Stage: StageStore, Err: err}
	}
	return claims, nil
}

// claims decodes the stored token's ID token, which dance verified before
// storing it.
func (f *oauth2Flow) claims(tok *Token) (Claims, error) {
	if f.oidc == nil || !f.openid || tok == nil {
		return nil, nil
	}
	raw, _ := tok.Get("id_token").(string)
	if raw == "" {
		return nil, nil
	}
	malformed := errors.New("the stored id_token is malformed")
	jws, err := jose.ParseSignedCompact(raw, joseAlgs)
	if err != nil {
		return nil, malformed
	}
	claims := Claims{}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		return nil, malformed
	}
	return claims, nil
}

var joseAlgs = func() []jose.SignatureAlgorithm {
	out := make([]jose.SignatureAlgorithm, len(signingAlgs))
	for i, a := range signingAlgs {
		out[i] = jose.SignatureAlgorithm(a)
	}
	return out
}()

// NewOIDC builds an OpenID Connect blueprint from cfg.Issuer by discovery
// (the issuer's /.well-known/openid-configuration, through go-oidc): the
// authorization, token (which refreshes too), JWKS and (when advertised)
// revocation and end-session endpoints, whether the provider sends RFC 9207's "iss"
// parameter, client_secret_post when the provider does not take Basic
// auth, the PAR endpoint when the provider requires PAR, and a
// [ProfileFunc] that reads the userinfo endpoint. Fields of cfg that are
// set win over discovery. The scope defaults to "openid profile
// email", and "openid" is added when missing, so every login sends a nonce
// and every ID token is verified.
//
// Discovery uses ctx and cfg.HTTPClient; it is the only network call made
// while building a blueprint, so build it once at start-up.
func NewOIDC(ctx context.Context, cfg OAuth2Config) (*Blueprint, error) {
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("dance: %s: NewOIDC needs an Issuer", cfg.Name)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = core.SharedClient
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, hc), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("dance: %s: OpenID Connect discovery: %w", cfg.Name, err)
	}
	var meta struct {
		JWKS        string   `json:"jwks_uri"`
		Revocation  string   `json:"revocation_endpoint"`
		IssParam    bool     `json:"authorization_response_iss_parameter_supported"`
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
		PAR         string   `json:"pushed_authorization_request_endpoint"`
		RequirePAR  bool     `json:"require_pushed_authorization_requests"`
		UserInfo    string   `json:"userinfo_endpoint"`
		EndSession  string   `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, fmt.Errorf("dance: %s: OpenID Connect discovery: %w", cfg.Name, err)
	}
	ep := p.Endpoint()
	cfg.AuthURL = or(cfg.AuthURL, ep.AuthURL)
	cfg.TokenURL = or(cfg.TokenURL, ep.TokenURL)
	cfg.JWKSURL = or(cfg.JWKSURL, meta.JWKS)
	if cfg.Revoke == nil {
		cfg.RevokeURL = or(cfg.RevokeURL, meta.Revocation)
	}
	cfg.EndSessionURL = or(cfg.EndSessionURL, meta.EndSession)
	cfg.RequireIssuerParam = cfg.RequireIssuerParam || meta.IssParam
	if cfg.TokenAuthMethod == "" && len(meta.AuthMethods) > 0 &&
		!slices.Contains(meta.AuthMethods, oauth2x.MethodBasic) && slices.Contains(meta.AuthMethods, oauth2x.MethodPost) {
		cfg.TokenAuthMethod = oauth2x.MethodPost
	}
	if meta.RequirePAR && meta.PAR != "" {
		cfg.PushedAuthURL = or(cfg.PushedAuthURL, meta.PAR)
	}
	if cfg.Profile == nil && meta.UserInfo != "" {
		cfg.Profile = userinfoProfile(meta.UserInfo)
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"openid", "profile", "email"}
	} else if !slices.Contains(cfg.Scopes, "openid") {
		cfg.Scopes = append([]string{"openid"}, cfg.Scopes...)
	}
	return NewOAuth2(cfg)
}

// userinfoProfile is a [ProfileFunc] that reads the OpenID Connect
// userinfo endpoint (absolute) through the client and maps the standard
// claims. Its sub must be the ID token's (OpenID Connect Core 5.3.2).
func userinfoProfile(endpoint string) ProfileFunc {
	return func(cl *Client) (*Profile, error) {
		var raw map[string]any
		if err := cl.GetJSON(endpoint, &raw); err != nil {
			return nil, err
		}
		str := func(k string) string { s, _ := raw[k].(string); return s }
		p := &Profile{ID: str("sub"), Login: str("preferred_username"), Name: str("name"), Email: str("email"), AvatarURL: str("picture"), Raw: raw}
		if p.ID == "" {
			return nil, errors.New("the userinfo answer has no sub")
		}
		claims, err := cl.Claims()
		if err != nil {
			return nil, err
		}
		if sub, _ := claims["sub"].(string); claims != nil && subtle.ConstantTimeCompare([]byte(sub), []byte(p.ID)) != 1 {
			return nil, errors.New("the userinfo sub is not the ID token's")
		}
		switch v := raw["email_verified"].(type) {
		case bool:
			p.EmailVerified = &v
		case string: // "true" or "false", as Cognito sends it
			b := v == "true"
			p.EmailVerified = &b
		}
		return p, nil
	}
}
