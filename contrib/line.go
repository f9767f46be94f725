package contrib

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/presets"
	"golang.org/x/oauth2"
)

// LINEConfig configures the LINE preset (LINE Login v2.1). Provider
// documentation: https://developers.line.biz/en/docs/line-login/integrate-line-login/
//
// The token request carries the channel ID and secret in the body. Tokens
// are refreshable, and [dance.Client.Revoke] revokes at LINE's
// /oauth2/v2.1/revoke (which names the token access_token, not RFC
// 7009's token).
//
// ID tokens: LINE signs those of web logins with HS256 and the channel
// secret (ES256 only for its SDKs and LIFF), and dance's ID-token
// verification accepts only public-key signatures, so the blueprint does
// not verify them itself: the ID token comes straight from LINE's token
// endpoint over TLS, and the profile has LINE verify it at
// /oauth2/v2.1/verify before reading the e-mail from it.
//
// Profile: GET https://api.line.me/v2/profile. ID is the userId, Name the
// displayName, AvatarURL the pictureUrl; Email, with the "openid" and
// "email" scopes (and the e-mail permission granted to the channel), is
// the verified ID token's. Login and EmailVerified are always empty.
type LINEConfig struct {
	// ClientID is the LINE Login channel ID; default from
	// LINE_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the channel secret; default from
	// LINE_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default "profile", "openid"; add "email" for the
	// e-mail address.
	Scopes []string
	// BotPrompt offers to add the channel's LINE Official Account as a
	// friend: "normal" (an option on the consent page) or "aggressive"
	// (a separate page after it). Default none.
	BotPrompt string
	// Prompt "consent" shows the consent page even when the user already
	// agreed. Default none.
	Prompt string
	// UILocales are the preferred languages of the LINE Login pages, as
	// BCP 47 tags ("ja", "en-US"), in order of preference.
	UILocales []string
	// Endpoints override access.line.me's and api.line.me's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.line.me/.
	dance.Options
}

// LINE returns a blueprint named "line".
func LINE(cfg LINEConfig) (*dance.Blueprint, error) {
	channel := or(cfg.ClientID, os.Getenv("LINE_OAUTH_CLIENT_ID"))
	if cfg.Dev != nil {
		channel, _ = cfg.Dev.credentials()
	}
	return preset{
		Provider:       presets.LINE,
		clientIDInBody: true,
		authParams: params{}.
			setIf(true, "bot_prompt", cfg.BotPrompt).
			setIf(true, "prompt", cfg.Prompt).
			setIf(true, "ui_locales", strings.Join(cfg.UILocales, " ")),
		profileFix: func(cl *dance.Client, p *dance.Profile) error { return lineEmail(cl, p, channel) },
		revokeAt:   func(_, revokeURL string) dance.RevokeFunc { return lineRevoke(revokeURL) },
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// lineEmail has LINE verify the token's ID token (signature, issuer,
// audience, expiry) at POST /oauth2/v2.1/verify, and takes the e-mail
// from its claims. A token without an ID token leaves the e-mail empty.
func lineEmail(cl *dance.Client, p *dance.Profile, channel string) error {
	tok, err := cl.Token()
	if err != nil || tok == nil {
		return err
	}
	idt, _ := tok.Get("id_token").(string)
	if idt == "" {
		return nil
	}
	body, err := postForm(cl, "oauth2/v2.1/verify", url.Values{"id_token": {idt}, "client_id": {channel}})
	if err != nil {
		return err
	}
	var claims struct {
		Sub   string `json:"sub"`
		Email string `json:"email"`
	}
	if err := json.Unmarshal(body, &claims); err != nil {
		return errors.New("line: the ID token verification answer is not JSON")
	}
	if claims.Sub != p.ID {
		return errors.New("line: the ID token is another user's")
	}
	p.Email = claims.Email
	return nil
}

// lineRevoke is LINE's revocation: POST with the access token as
// access_token and the channel's credentials in the body; LINE answers
// 200.
func lineRevoke(revokeURL string) dance.RevokeFunc {
	return func(ctx context.Context, hc *http.Client, cfg *oauth2.Config, tok *dance.Token) error {
		form := url.Values{"access_token": {tok.AccessToken}, "client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, revokeURL, strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return core.SendRevoke(hc, req, http.StatusOK)
	}
}
