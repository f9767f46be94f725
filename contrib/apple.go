package contrib

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/presets"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// AppleConfig configures the Sign in with Apple preset, for the web.
// Provider documentation:
// https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_js/incorporating_sign_in_with_apple_into_other_platforms
//
// Apple answers the login with a cross-site POST to the callback
// (response_mode=form_post), which a SameSite=Lax session cookie does not
// come with: the callback route takes the POST and relays it to its own
// GET, where the session cookie comes, so the session cookie stays Lax
// (see [dance.OAuth2Config].FormPost). Apple requires https callbacks;
// under http://localhost, use the development provider, which answers the
// same way.
//
// The client secret is a JWT that the app signs (ES256) with its Sign in
// with Apple key, for its team: the preset makes it, keeps it, and makes a
// new one well before Apple's six-month limit. The key is never logged.
//
// Profile: from the verified ID token (Apple has no identity API): ID is
// "sub", Email the address (a private relay address when the user hid
// theirs: Raw["is_private_email"] says so), EmailVerified. Name comes only
// with the user's first authorization, in Apple's "user" field, which the
// token keeps in Extra["user"] (raw JSON) for the authorized hook: keep it
// then, Apple does not send it again.
type AppleConfig struct {
	// ClientID is the Services ID of the website; default from
	// APPLE_OAUTH_CLIENT_ID.
	ClientID string
	// TeamID is the Apple Developer team ID, the client secret's issuer;
	// default from APPLE_OAUTH_TEAM_ID.
	TeamID string
	// KeyID is the ID of the Sign in with Apple private key; default from
	// APPLE_OAUTH_KEY_ID.
	KeyID string
	// PrivateKey is that key (the .p8 file Apple gives): its PEM text, or
	// the path of the file; default from APPLE_OAUTH_PRIVATE_KEY (text or
	// path).
	PrivateKey string
	// Scopes to request. Default "openid", "name", "email"; "openid" is
	// added when missing, so that the ID token is verified.
	Scopes []string
	// Endpoints override appleid.apple.com's.
	Endpoints
	// Options are the settings every blueprint has. Apple has no API, so
	// BaseURL has no default.
	dance.Options
}

// Apple returns a blueprint named "apple". Its ID tokens are verified
// against Apple's key set (issuer https://appleid.apple.com, audience the
// Services ID, the login's nonce), and [dance.Client.Revoke] revokes at
// Apple's revocation endpoint. Apple's refresh tokens are not used to
// refresh (Apple allows checking one about once a day): a user whose token
// expired logs in again.
func Apple(cfg AppleConfig) (*dance.Blueprint, error) {
	p := preset{
		Provider:       presets.Apple,
		clientIDInBody: true, // Apple reads client_id and client_secret in the form
		formPost:       true,
		callbackParams: []string{"user"},
	}
	if cfg.Dev == nil {
		secret, err := newAppleSecret(cfg, or(cfg.ClientID, os.Getenv("APPLE_OAUTH_CLIENT_ID")))
		if err != nil {
			return nil, err
		}
		p.clientSecret = secret.make
	}
	if cfg.Profile == nil {
		cfg.Profile = appleProfile
	}
	scopes := withScope(orScopes(cfg.Scopes, p.Scopes...), "openid")
	return p.build(cfg.ClientID, "", scopes, cfg.Endpoints, cfg.Options)
}

// appleSecret makes Sign in with Apple's client secret, a JWT signed with
// the app's key, and keeps it until a month before it expires.
type appleSecret struct {
	signer              jose.Signer
	team, client        string
	now                 func() time.Time
	mu                  sync.Mutex
	value               string
	expires             time.Time
	lifetime, renewLeft time.Duration
}

// Apple accepts a client secret for at most six months; each is made for
// five, and replaced in its last month.
const (
	appleSecretLifetime = 150 * 24 * time.Hour
	appleSecretRenew    = 30 * 24 * time.Hour
)

func newAppleSecret(cfg AppleConfig, clientID string) (*appleSecret, error) {
	team := or(cfg.TeamID, os.Getenv("APPLE_OAUTH_TEAM_ID"))
	kid := or(cfg.KeyID, os.Getenv("APPLE_OAUTH_KEY_ID"))
	keyText := or(cfg.PrivateKey, os.Getenv("APPLE_OAUTH_PRIVATE_KEY"))
	if clientID == "" || team == "" || kid == "" || keyText == "" {
		return nil, errors.New("dance: apple: the Services ID, team ID, key ID and private key are required: set ClientID, TeamID, KeyID and PrivateKey, or APPLE_OAUTH_CLIENT_ID, APPLE_OAUTH_TEAM_ID, APPLE_OAUTH_KEY_ID and APPLE_OAUTH_PRIVATE_KEY")
	}
	key, err := loadAppleKey(keyText)
	if err != nil {
		return nil, fmt.Errorf("dance: apple: PrivateKey: %w", err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		return nil, fmt.Errorf("dance: apple: %w", err)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &appleSecret{signer: signer, team: team, client: clientID, now: now,
		lifetime: appleSecretLifetime, renewLeft: appleSecretRenew}, nil
}

// make returns the current client secret, making a new one when there is
// none or it has less than a month left.
func (s *appleSecret) make(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.value != "" && now.Add(s.renewLeft).Before(s.expires) {
		return s.value, nil
	}
	exp := now.Add(s.lifetime)
	v, err := jwt.Signed(s.signer).Claims(jwt.Claims{
		Issuer: s.team, Subject: s.client, Audience: jwt.Audience{"https://appleid.apple.com"},
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(exp),
	}).Serialize()
	if err != nil {
		return "", fmt.Errorf("signing Apple's client secret: %w", err)
	}
	s.value, s.expires = v, exp
	return v, nil
}

// loadAppleKey reads a .p8 key, the PEM text or the path of its file: a
// PKCS #8 P-256 key. Its errors name neither the key nor the text.
func loadAppleKey(textOrPath string) (*ecdsa.PrivateKey, error) {
	data := []byte(textOrPath)
	if !strings.Contains(textOrPath, "-----BEGIN") {
		b, err := os.ReadFile(textOrPath)
		if err != nil {
			return nil, errors.New("neither PEM text nor a readable .p8 file")
		}
		data = b
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("not a PKCS #8 private key")
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || key.Curve.Params().Name != "P-256" {
		return nil, errors.New("not a P-256 EC key, as Apple's .p8 keys are")
	}
	return key, nil
}

// appleProfile is who the verified ID token says the user is, with the
// name of the first authorization when the token has it.
func appleProfile(cl *dance.Client) (*dance.Profile, error) {
	claims, err := cl.Claims()
	if err != nil {
		return nil, err
	}
	if claims == nil {
		return nil, errors.New("no verified ID token: Sign in with Apple says who the user is only there")
	}
	p := &dance.Profile{Raw: map[string]any(claims)}
	p.ID, _ = claims["sub"].(string)
	p.Email, _ = claims["email"].(string)
	if v, ok := appleBool(claims["email_verified"]); ok && p.Email != "" {
		p.EmailVerified = &v
	}
	if tok, _ := cl.Token(); tok != nil {
		if raw, _ := tok.Extra["user"].(string); raw != "" {
			var u struct {
				Name struct{ FirstName, LastName string } `json:"name"`
			}
			if json.Unmarshal([]byte(raw), &u) == nil {
				p.Name = strings.TrimSpace(u.Name.FirstName + " " + u.Name.LastName)
			}
		}
	}
	if p.ID == "" {
		return nil, errors.New("the ID token has no subject")
	}
	return p, nil
}

// appleBool reads a claim that Apple sends as a boolean or as the string
// "true" or "false".
func appleBool(v any) (bool, bool) {
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		return t == "true", t == "true" || t == "false"
	}
	return false, false
}
