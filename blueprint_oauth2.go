package dance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync/atomic"

	"github.com/gin-dance/dance/internal/dpop"
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/httpx"
	"github.com/gin-dance/dance/internal/oauth2x"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
)

// OAuth2Config configures a generic OAuth 2 blueprint.
type OAuth2Config struct {
	// Name is the blueprint's name (required): its context key, route
	// segment and storage key.
	Name string
	// ClientID is the OAuth client ID. When empty it is read from the
	// environment variable {NAME}_OAUTH_CLIENT_ID, for example
	// GITHUB_OAUTH_CLIENT_ID (the name in upper case, every character
	// other than a letter or digit turned into "_").
	ClientID string
	// ClientSecret is the OAuth client secret. When empty it is read from
	// {NAME}_OAUTH_CLIENT_SECRET; with neither, the blueprint is refused
	// unless TokenAuthMethod needs no secret.
	ClientSecret string
	// ClientSecretFunc, when set, makes the client secret for each call to
	// the token endpoint, for providers whose secret is a short-lived
	// signed token (Sign in with Apple); it wins over ClientSecret. It
	// should cache what it makes.
	ClientSecretFunc func(ctx context.Context) (string, error)
	// Scopes are requested from the provider.
	Scopes []string
	// AuthURL is the provider's authorization endpoint, absolute or
	// relative to BaseURL (required).
	AuthURL string
	// AuthParams are added to the authorization URL's query.
	AuthParams map[string]string
	// FormPost says that the provider answers with response_mode=form_post
	// (Sign in with Apple): a cross-site POST to the callback, which a
	// SameSite=Lax session cookie does not come with. The login asks for
	// it, and the callback route takes the POST and relays the answer to
	// itself as a GET, which the session cookie comes with; the session
	// cookie stays Lax.
	FormPost bool
	// CallbackParams are parameters of the provider's answer that the
	// token keeps in its Extra, for the authorized hook and the profile:
	// Sign in with Apple sends the user's name once, as "user".
	CallbackParams []string
	// CallbackCheck, when set, checks the provider's redirect to the
	// callback (its query, or a form_post's form) before anything is done
	// with it, for a provider that signs it (Shopify's hmac): an error
	// refuses the callback with 403, the error hook and page, and leaves
	// the login unused.
	CallbackCheck func(q url.Values) error
	// StepUpParams are added to the authorization URL of a step-up login,
	// one that [Blueprint.Required] starts to ask for more scopes: the
	// provider's way of keeping earlier grants, for example Google's
	// include_granted_scopes=true. A step-up asks for the union of the
	// configured, granted and needed scopes in any case, which is all
	// that providers with additive grants (GitHub) need.
	StepUpParams map[string]string
	// TokenURL is the provider's token endpoint, absolute or relative to
	// BaseURL (required).
	TokenURL string
	// TokenParams are added to the token request.
	TokenParams map[string]string
	// TokenAuthMethod is how the client authenticates at the token,
	// refresh, revocation and PAR endpoints, by its registration name:
	// "client_secret_basic" (default), "client_secret_post",
	// "client_secret_jwt", "private_key_jwt" (with PrivateKey) or "none"
	// (a public client). See docs/client-auth.md.
	TokenAuthMethod string
	// PrivateKey signs the private_key_jwt client assertions: PEM text,
	// a path to a PEM file, or a JWK. Empty: {NAME}_OAUTH_PRIVATE_KEY.
	PrivateKey string
	// AssertionAudience is the aud of client assertions: by default the
	// Issuer when set, else the URL of the endpoint called; "endpoint"
	// always uses that URL (Okta, Entra ID), any other value is used.
	AssertionAudience string
	// PushedAuthURL is the provider's PAR endpoint (RFC 9126): when set,
	// every login pushes its authorization request there first.
	// [NewOIDC] sets it when discovery requires PAR.
	PushedAuthURL string
	// RefreshURL is the endpoint used to refresh expired tokens, absolute
	// or relative to BaseURL; empty means TokenURL.
	RefreshURL string
	// RevokeURL is the provider's RFC 7009 token revocation endpoint,
	// absolute or relative to BaseURL, for [Client.Revoke], for example
	// Google's https://oauth2.googleapis.com/revoke.
	RevokeURL string
	// EndSessionURL is the provider's end_session_endpoint (OpenID Connect
	// RP-Initiated Logout 1.0), absolute or relative to BaseURL: the
	// logout route sends the browser there to end the provider session.
	// [NewOIDC] fills it in from discovery. Empty: the logout is local.
	EndSessionURL string
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
	// from discovery.
	Issuer string
	// JWKSURL is the provider's JSON Web Key Set, needed with Issuer.
	// [NewOIDC] fills it in from discovery.
	JWKSURL string
	// IDTokenCheck is an extra check of the verified ID token claims, for
	// example [RequireClaim]("hd", domain) for Google's hosted domain. A
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
	// "Authorization: Bearer <access token>" header ("DPoP <access
	// token>" and a proof for a DPoP-bound token). Presets with other
	// conventions (a query parameter, another scheme) set their own.
	Authorize func(req *http.Request, tok *Token) error
	// DPoP binds the tokens to a key (RFC 9449), which token requests
	// and API calls prove they hold: see docs/dpop.md.
	DPoP bool
	// DPoPKey is the key: PEM text, a PEM file's path, or a JWK; else
	// {NAME}_OAUTH_DPOP_KEY, else one made at build. It implies DPoP.
	DPoPKey string

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
	secretFn    func(context.Context) (string, error)
	dpop        *dpop.Transport // nil without DPoP
	auth        *oauth2x.ClientAuth
	parURL      string     // absolute; empty without PAR
	tokenForm   url.Values // TokenParams, sent at exchange and refresh
}

// NewOAuth2 builds a generic OAuth 2 blueprint. It fails when the
// configuration is incomplete or invalid, never later at request time.
func NewOAuth2(cfg OAuth2Config) (*Blueprint, error) {
	f := &oauth2Flow{pkce: !cfg.DisablePKCE, authorizeFn: cfg.Authorize}
	bp, err := newBlueprint(cfg.Name, cfg.Options, f)
	if err != nil {
		return nil, err
	}
	var idEnv, secretEnv string
	f.cfg.ClientID, idEnv = credential(cfg.Name, cfg.ClientID, "CLIENT_ID")
	f.cfg.ClientSecret, secretEnv = credential(cfg.Name, cfg.ClientSecret, "CLIENT_SECRET")
	if f.cfg.ClientID == "" {
		return nil, fmt.Errorf("dance: %s: no client ID: set ClientID or the environment variable %s", cfg.Name, idEnv)
	}
	ac := oauth2x.AuthConfig{Method: cfg.TokenAuthMethod, ClientID: f.cfg.ClientID, Secret: f.cfg.ClientSecret, SecretEnv: secretEnv,
		SecretFunc: cfg.ClientSecretFunc != nil, ExplicitKey: cfg.PrivateKey, Audience: or(cfg.AssertionAudience, cfg.Issuer)}
	ac.PrivateKey, ac.KeyEnv = credential(cfg.Name, cfg.PrivateKey, "PRIVATE_KEY")
	if f.auth, err = oauth2x.NewClientAuth(ac, bp.now); err != nil {
		return nil, fmt.Errorf("dance: %s: %w", cfg.Name, err)
	}
	if err := f.endpoints(bp, cfg); err != nil {
		return nil, err
	}
	f.cfg.Scopes = slices.Clone(cfg.Scopes)
	f.openid = slices.Contains(f.cfg.Scopes, "openid")
	if f.revokeFn, err = f.revokeFunc(bp, cfg); err != nil {
		return nil, err
	}
	if cfg.Issuer != "" {
		if f.oidc, err = newIDVerifier(bp, cfg, f.cfg.ClientID); err != nil {
			return nil, err
		}
	}
	if err := bp.logoutSettings(cfg.EndSessionURL, f.cfg.ClientID, f.verifier()); err != nil {
		return nil, err
	}
	if cfg.FormPost {
		bp.formPost, bp.relayKey = true, "_dance_"+cfg.Name+"_post"
		cfg.AuthParams = oauth2x.WithDefault(cfg.AuthParams, "response_mode", "form_post")
	}
	if err := f.useDPoP(bp, &cfg); err != nil {
		return nil, err
	}
	bp.callbackParams = slices.Clone(cfg.CallbackParams)
	bp.callbackCheck = cfg.CallbackCheck
	f.secretFn = cfg.ClientSecretFunc
	f.authParams = oauth2x.Params(cfg.AuthParams)
	f.stepUp = oauth2x.Params(cfg.StepUpParams)
	f.tokenParams = oauth2x.Params(cfg.TokenParams)
	f.tokenForm = oauth2x.Form(cfg.TokenParams)
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
	// x/oauth2 sends the client_id in the form; f.auth's transport then
	// authenticates each request as TokenAuthMethod says.
	f.cfg.Endpoint = oauth2.Endpoint{AuthURL: authURL.String(), TokenURL: tokenURL.String(), AuthStyle: oauth2.AuthStyleInParams}
	f.refreshURL = f.cfg.Endpoint.TokenURL
	for _, u := range []struct {
		ref string
		to  *string
	}{{cfg.RefreshURL, &f.refreshURL}, {cfg.PushedAuthURL, &f.parURL}} {
		if u.ref != "" {
			abs, err := bp.resolve(u.ref)
			if err != nil {
				return err
			}
			*u.to = abs.String()
		}
	}
	return nil
}

// begin builds the authorization URL, with PKCE and the OpenID Connect
// nonce when they are on.
func (f *oauth2Flow) begin(c *gin.Context, bp *Blueprint, fl *flowstate.Record) (string, *failure) {
	var challenge string
	if f.pkce {
		// The state and nonce are made from the verifier.
		fl.Verifier = flowstate.NewState()
		fl.Derive(f.openid)
		challenge = flowstate.S256Challenge(fl.Verifier)
	} else {
		fl.State = flowstate.NewState()
		if f.openid {
			fl.Nonce = flowstate.NewState()
		}
	}
	rc := f.config(c, bp)
	var u string
	if fl.Scope == nil && rc.auth != nil {
		u = rc.auth.Fill(fl.State, challenge, fl.Nonce)
	} else {
		cfg, params := &rc.Config, f.authParams
		if fl.Scope != nil { // a step-up: the scopes the server chose
			stepUp := *cfg
			stepUp.Scopes = fl.Scope
			cfg, params = &stepUp, append(slices.Clip(params), f.stepUp...)
		}
		u = cfg.AuthCodeURL(fl.State, oauth2x.AuthOptions(params, challenge, fl.Nonce)...)
	}
	if f.parURL == "" {
		return u, nil
	}
	return f.push(c.Request.Context(), bp, u)
}

// redirectConfig is the OAuth 2 configuration for one redirect URL, with
// its authorization URL template (nil when none could be made: x/oauth2
// then writes every URL).
type redirectConfig struct {
	oauth2.Config
	auth *oauth2x.Template
}

// config returns the configuration with the redirect URL of request c.
// The last one made is kept and shared while the URL stays the same (the
// usual case: one public address), as a hand-written app shares one
// oauth2.Config, so that a request builds neither it nor its
// authorization URL template.
func (f *oauth2Flow) config(c *gin.Context, bp *Blueprint) *redirectConfig {
	scheme, host, prefix := httpx.Origin(c.Request, bp.public, bp.trusted)
	path := bp.AuthorizedURL()
	if last := f.last.Load(); last != nil && httpx.IsConcat(last.RedirectURL, scheme, "://", host, prefix, path) {
		return last
	}
	rc := &redirectConfig{Config: f.cfg}
	rc.RedirectURL = scheme + "://" + host + prefix + path
	rc.auth = oauth2x.NewTemplate(&rc.Config, f.authParams, f.pkce, f.openid)
	f.last.Store(rc)
	return rc
}

// answer reads the state, and the provider's error=… when it sent one.
func (f *oauth2Flow) answer(q url.Values) callback {
	a := callback{proof: q.Get("state"), mismatch: errStateMismatch, restart: true}
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
func (f *oauth2Flow) complete(c *gin.Context, bp *Blueprint, fl *flowstate.Record, q url.Values) (*Token, *failure) {
	forbidden := func(err error) *failure {
		return &failure{http.StatusForbidden, &Error{Provider: bp.name, Stage: StageState, Err: err}}
	}
	if f.pkce && fl.Verifier == "" {
		return nil, forbidden(errVerifierMissing)
	}
	if f.openid && fl.Nonce == "" {
		return nil, forbidden(errNonceMissing)
	}
	if f.oidc != nil { // RFC 9207: the answer must come from our issuer
		if err := f.oidc.checkIssuerParam(q); err != nil {
			return nil, forbidden(err)
		}
	}
	code := q.Get("code")
	if code == "" {
		return nil, &failure{http.StatusBadRequest, &Error{Provider: bp.name, Stage: StageState, Err: fmt.Errorf("%w \"code\"", errMissingParameter)}}
	}
	tok, e := f.exchange(c, bp, code, fl.Verifier)
	if e != nil {
		return nil, &failure{answerStatus(e), e}
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
		c.Set(bp.claimsKey, claims)
	}
	return tok, nil
}

// verifier is the ID token verifier, nil when ID tokens are not verified.
func (f *oauth2Flow) verifier() *idVerifier {
	if !f.openid {
		return nil
	}
	return f.oidc
}

func (f *oauth2Flow) scopes() []string { return slices.Clone(f.cfg.Scopes) }
