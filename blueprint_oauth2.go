package dance

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
)

// OAuth2Config configures a generic OAuth 2 blueprint: the Go form of
// Flask-Dance's OAuth2ConsumerBlueprint.
type OAuth2Config struct {
	// Name is the blueprint's name (required): its context key, route
	// segment and storage key.
	Name string
	// ClientID is the OAuth client ID. When empty it is read from the
	// environment variable ClientIDEnv. Flask-Dance: client_id.
	ClientID string
	// ClientSecret is the OAuth client secret. When empty it is read from
	// ClientSecretEnv. Flask-Dance: client_secret.
	ClientSecret string
	// ClientIDEnv names the environment variable for ClientID. Default
	// "{NAME}_OAUTH_CLIENT_ID", for example GITHUB_OAUTH_CLIENT_ID.
	ClientIDEnv string
	// ClientSecretEnv names the environment variable for ClientSecret.
	// Default "{NAME}_OAUTH_CLIENT_SECRET".
	ClientSecretEnv string
	// Scopes are requested from the provider. Flask-Dance: scope.
	Scopes []string
	// AuthURL is the provider's authorization endpoint, absolute or
	// relative to BaseURL (required). Flask-Dance: authorization_url.
	AuthURL string
	// AuthParams are added to the authorization URL's query. Flask-Dance:
	// authorization_url_params.
	AuthParams map[string]string
	// StepUpParams are added to the authorization URL of a step-up login,
	// one that [Blueprint.Required] starts to ask for more scopes: the
	// provider's way of keeping earlier grants, for example Google's
	// include_granted_scopes=true. A step-up asks for the union of the
	// configured, granted and needed scopes in any case, which is all
	// that providers with additive grants (GitHub) need. Flask-Dance has
	// no step-up; this is new.
	StepUpParams map[string]string
	// TokenURL is the provider's token endpoint, absolute or relative to
	// BaseURL (required). Flask-Dance: token_url.
	TokenURL string
	// TokenParams are added to the token request. Flask-Dance:
	// token_url_params.
	TokenParams map[string]string
	// AuthStyle says how client credentials reach the token endpoint.
	// Default [oauth2.AuthStyleInHeader], HTTP Basic auth, as
	// requests-oauthlib (and so Flask-Dance) sends it. Flask-Dance: the
	// session's include_client_id (true is [oauth2.AuthStyleInParams]).
	AuthStyle oauth2.AuthStyle
	// RefreshURL is the endpoint used to refresh expired tokens, absolute
	// or relative to BaseURL; empty means the blueprint is not refreshable.
	// Flask-Dance: auto_refresh_url (presets set it where Flask-Dance does).
	RefreshURL string
	// RevokeURL is the provider's RFC 7009 token revocation endpoint,
	// absolute or relative to BaseURL, for [Client.Revoke], for example
	// Google's https://oauth2.googleapis.com/revoke. Flask-Dance has no
	// such option; its docs (1.6.3) show a hand-written call instead.
	RevokeURL string
	// Revoke revokes a token at a provider whose revocation API is not RFC
	// 7009, for example GitHub's grant deletion (contrib.GitHub). It wins
	// over RevokeURL. With neither, [Client.Revoke] returns
	// [ErrRevocationUnsupported].
	Revoke RevokeFunc

	// Issuer is the OpenID Connect issuer, for example
	// "https://accounts.google.com". When it is set and the scope holds
	// "openid", every ID token is verified (signature with the keys at
	// JWKSURL, iss, aud holding the client ID, exp, and the nonce sent at
	// login), and a callback "iss" parameter (RFC 9207) must equal it.
	// For a multi-tenant issuer, "{tenantid}" in Issuer stands for the
	// token's "tid" claim (Azure AD v2.0 "common"). [NewOIDC] fills it in
	// from discovery. Flask-Dance verifies no ID tokens; this is new.
	Issuer string
	// JWKSURL is the provider's JSON Web Key Set, needed with Issuer.
	// [NewOIDC] fills it in from discovery.
	JWKSURL string
	// IDTokenCheck is an extra check of the verified ID token claims, for
	// example [RequireClaim]("hd", domain) for Google's hosted_domain. A
	// token it refuses is refused like a bad signature.
	IDTokenCheck ClaimCheck
	// RequireIssuerParam refuses a callback without an "iss" parameter,
	// for providers that promise one (RFC 9207's
	// authorization_response_iss_parameter_supported; [NewOIDC] sets it
	// from discovery).
	RequireIssuerParam bool

	// DisablePKCE turns PKCE off, for the rare provider that rejects it.
	// PKCE (S256) is on by default.
	DisablePKCE bool
	// Authorize adds the token to an API request. Default: the
	// "Authorization: Bearer <access token>" header. Presets with other
	// conventions (a query parameter, another scheme) set their own.
	Authorize func(req *http.Request, tok *Token) error

	// Options are the settings that every blueprint has.
	Options
}

// oauth2Flow is the OAuth 2 protocol of a blueprint.
type oauth2Flow struct {
	cfg         oauth2.Config // RedirectURL is filled in per request
	authParams  []oauth2.AuthCodeOption
	stepUp      []oauth2.AuthCodeOption // StepUpParams
	tokenParams []oauth2.AuthCodeOption
	pkce        bool
	refreshURL  string // absolute; empty when not refreshable
	authorizeFn func(req *http.Request, tok *Token) error
	revokeFn    RevokeFunc
	openid      bool                           // the scope holds "openid": send a nonce
	oidc        *idVerifier                    // nil when ID tokens are not verified
	last        atomic.Pointer[redirectConfig] // see config
}

// NewOAuth2 builds a generic OAuth 2 blueprint. It fails when the
// configuration is incomplete or invalid, never later at request time.
func NewOAuth2(cfg OAuth2Config) (*Blueprint, error) {
	f := &oauth2Flow{pkce: !cfg.DisablePKCE, authorizeFn: cfg.Authorize}
	bp, err := newBlueprint(cfg.Name, cfg.Options, f)
	if err != nil {
		return nil, err
	}
	var idEnv string
	f.cfg.ClientID, idEnv = credential(cfg.Name, cfg.ClientID, cfg.ClientIDEnv, "CLIENT_ID")
	f.cfg.ClientSecret, _ = credential(cfg.Name, cfg.ClientSecret, cfg.ClientSecretEnv, "CLIENT_SECRET")
	if f.cfg.ClientID == "" {
		return nil, fmt.Errorf("dance: %s: no client ID: set ClientID or the environment variable %s", cfg.Name, idEnv)
	}
	if err := f.endpoints(bp, cfg); err != nil {
		return nil, err
	}
	f.cfg.Scopes = append([]string(nil), cfg.Scopes...)
	f.openid = slices.Contains(f.cfg.Scopes, "openid")
	if f.revokeFn, err = revokeFunc(bp, cfg); err != nil {
		return nil, err
	}
	if cfg.Issuer != "" {
		if f.oidc, err = newIDVerifier(bp, cfg, f.cfg.ClientID); err != nil {
			return nil, err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.AuthParams)) {
		f.authParams = append(f.authParams, oauth2.SetAuthURLParam(k, cfg.AuthParams[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.StepUpParams)) {
		f.stepUp = append(f.stepUp, oauth2.SetAuthURLParam(k, cfg.StepUpParams[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.TokenParams)) {
		f.tokenParams = append(f.tokenParams, oauth2.SetAuthURLParam(k, cfg.TokenParams[k]))
	}
	return bp, nil
}

// endpoints resolves the authorization, token and refresh endpoints.
func (f *oauth2Flow) endpoints(bp *Blueprint, cfg OAuth2Config) error {
	if cfg.AuthURL == "" || cfg.TokenURL == "" {
		return fmt.Errorf("dance: %s: AuthURL and TokenURL are required", cfg.Name)
	}
	authURL, err := bp.resolve(cfg.AuthURL)
	if err != nil {
		return err
	}
	tokenURL, err := bp.resolve(cfg.TokenURL)
	if err != nil {
		return err
	}
	f.cfg.Endpoint = oauth2.Endpoint{AuthURL: authURL.String(), TokenURL: tokenURL.String(), AuthStyle: cfg.AuthStyle}
	if f.cfg.Endpoint.AuthStyle == oauth2.AuthStyleAutoDetect {
		// Auto-detection retries a failed exchange with the other style,
		// sending the code twice; be explicit instead.
		f.cfg.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	}
	if cfg.RefreshURL != "" {
		u, err := bp.resolve(cfg.RefreshURL)
		if err != nil {
			return err
		}
		f.refreshURL = u.String()
	}
	return nil
}

func (f *oauth2Flow) describe(info *core.Info) {
	cfg := f.cfg
	cfg.Scopes = slices.Clone(f.cfg.Scopes)
	info.OAuth2, info.RefreshURL = &cfg, f.refreshURL
	if f.oidc != nil {
		info.Issuer, info.JWKSURL = f.oidc.issuer, f.oidc.jwksURL
	}
}

// begin builds the authorization URL, with PKCE and the OpenID Connect
// nonce when they are on.
func (f *oauth2Flow) begin(c *gin.Context, bp *Blueprint, fl *flow) (string, *failure) {
	var challenge string
	if f.pkce {
		// 32 bytes from crypto/rand, base64url: oauth2.GenerateVerifier's
		// verifier; and oauth2.S256ChallengeOption's challenge. The state
		// and nonce are made from it.
		fl.Verifier = newState()
		deriveFromVerifier(fl, f.openid)
		challenge = s256Challenge(fl.Verifier)
	} else {
		fl.State = newState()
		if f.openid {
			fl.Nonce = newState()
		}
	}
	rc := f.config(c, bp)
	if fl.Scope == nil && rc.auth != nil {
		return rc.auth.fill(fl.State, challenge, fl.Nonce), nil
	}
	cfg := &rc.Config
	if fl.Scope != nil { // a step-up: the scopes the server chose
		stepUp := *cfg
		stepUp.Scopes = fl.Scope
		cfg = &stepUp
	}
	return cfg.AuthCodeURL(fl.State, f.authOptions(challenge, fl.Nonce, fl.Scope != nil)...), nil
}

// config returns the configuration with the redirect URL of request c.
// The last one made is kept and shared while the URL stays the same (the
// usual case: one public address), as a hand-written app shares one
// oauth2.Config, so that a request builds neither it nor its
// authorization URL template.
func (f *oauth2Flow) config(c *gin.Context, bp *Blueprint) *redirectConfig {
	scheme, host, prefix := bp.origin(c)
	path := bp.AuthorizedURL()
	if last := f.last.Load(); last != nil && isConcat(last.RedirectURL, scheme, "://", host, prefix, path) {
		return last
	}
	rc := &redirectConfig{Config: f.cfg}
	rc.RedirectURL = scheme + "://" + host + prefix + path
	rc.auth = f.newAuthTemplate(&rc.Config)
	f.last.Store(rc)
	return rc
}

// isConcat reports whether s is the concatenation of parts.
func isConcat(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.HasPrefix(s, p) {
			return false
		}
		s = s[len(p):]
	}
	return s == ""
}

// s256Method is the PKCE parameter code_challenge_method=S256.
var s256Method = oauth2.SetAuthURLParam("code_challenge_method", "S256")

// s256Challenge is the PKCE S256 challenge of verifier, as
// oauth2.S256ChallengeFromVerifier makes it (base64url of SHA-256, the
// form of a used state's key), with fewer copies.
func s256Challenge(verifier string) string { return keyOf(stateHash(verifier)) }

// answer reads the state, and the provider's error=… when it sent one.
func (f *oauth2Flow) answer(q url.Values) callback {
	a := callback{proof: q.Get("state"), mismatch: ErrStateMismatch, restart: true}
	if code := q.Get("error"); code != "" {
		a.declined = &Error{
			Stage: StageAuthorize, Err: ErrDenied,
			Code: code, Description: q.Get("error_description"), URI: q.Get("error_uri"),
		}
	}
	return a
}

// complete checks what the login set up (PKCE verifier, nonce, issuer),
// exchanges the code, and verifies the ID token.
func (f *oauth2Flow) complete(c *gin.Context, bp *Blueprint, fl *flow, q url.Values) (*Token, *failure) {
	forbidden := func(err error) *failure {
		return &failure{http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: err}}
	}
	if f.pkce && fl.Verifier == "" {
		return nil, forbidden(ErrVerifierMissing)
	}
	if f.openid && fl.Nonce == "" {
		return nil, forbidden(ErrNonceMissing)
	}
	if f.oidc != nil { // RFC 9207: the answer must come from our issuer
		if err := f.oidc.checkIssuerParam(q); err != nil {
			return nil, forbidden(err)
		}
	}
	code := q.Get("code")
	if code == "" {
		return nil, &failure{http.StatusBadRequest, &Error{Provider: bp.name, Stage: StageRequest, Err: fmt.Errorf("%w \"code\"", ErrMissingParameter)}}
	}
	tok, e := f.exchange(c, bp, code, fl.Verifier)
	if e != nil {
		status := http.StatusBadGateway
		if isTimeout(e.Err) {
			status = http.StatusGatewayTimeout
		}
		return nil, &failure{status, e}
	}
	if f.oidc != nil && f.openid {
		// OpenID Connect: verify the ID token before anything sees it.
		raw, _ := tok.Extra["id_token"].(string)
		ctx, cancel := context.WithTimeout(c.Request.Context(), bp.timeout)
		ctx, end := bp.step(ctx, "id_token")
		claims, e := f.oidc.verify(ctx, bp, raw, fl.Nonce)
		end(errOf(e))
		cancel()
		if e != nil {
			return nil, &failure{http.StatusForbidden, e}
		}
		c.Set(bp.claimsKey(), claims)
	}
	return tok, nil
}

// exchange trades the code for a token through x/oauth2, keeping every
// field of the provider's response.
func (f *oauth2Flow) exchange(c *gin.Context, bp *Blueprint, code, verifier string) (*Token, *Error) {
	cfg := &f.config(c, bp).Config
	opts := f.tokenParams
	if verifier != "" {
		opts = append(opts[:len(opts):len(opts)], oauth2.VerifierOption(verifier))
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), bp.timeout)
	defer cancel()
	return f.fetch(ctx, bp, StageToken, ErrTokenExchange, func(ctx context.Context) (*oauth2.Token, error) {
		return cfg.Exchange(ctx, code, opts...)
	})
}

// fetch runs one x/oauth2 call to a token endpoint on the blueprint's
// transport and reads the token from the raw answer.
func (f *oauth2Flow) fetch(ctx context.Context, bp *Blueprint, stage Stage, sentinel error, call func(context.Context) (*oauth2.Token, error)) (*Token, *Error) {
	hc, capture := bp.capturingClient(ctx, false)
	otok, err := call(context.WithValue(ctx, oauth2.HTTPClient, hc))
	if err != nil {
		return nil, endpointError(bp.name, stage, sentinel, capture, err)
	}
	tok, err := tokenFromResponse(capture, otok)
	if err != nil {
		return nil, &Error{Provider: bp.name, Stage: stage, Err: fmt.Errorf("%w: %v", sentinel, err)}
	}
	return tok, nil
}

// authorize adds the bearer token (or the preset's own scheme).
func (f *oauth2Flow) authorize(req *http.Request, tok *Token) error {
	if f.authorizeFn != nil {
		return f.authorizeFn(req, tok)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return nil
}

func (f *oauth2Flow) scopes() []string { return slices.Clone(f.cfg.Scopes) }
