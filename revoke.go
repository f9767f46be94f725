package dance

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-dance/dance/internal/core"
	"golang.org/x/oauth2"
)

// RevokeFunc revokes tok at a provider whose revocation API is not RFC
// 7009, such as GitHub's "delete an app authorization" (contrib.GitHub).
// It gets the blueprint's HTTP client and its x/oauth2 configuration (the
// client credentials and endpoints), and returns nil only when the
// provider confirmed the revocation. An error that is not an [*Error] is
// wrapped in one of stage [StageRevoke] that matches [ErrRevoke].
type RevokeFunc func(ctx context.Context, hc *http.Client, cfg *oauth2.Config, tok *Token) error

// Revoke revokes the current user's token at the provider and then deletes
// it from storage: the Go form of the hand-written revocation of the
// Flask-Dance docs (1.6.3), with every failure returned.
//
//   - With RevokeURL, it is an RFC 7009 request (the refresh token when
//     there is one, since revoking it revokes its access tokens too).
//   - With a [RevokeFunc], that func is called.
//   - With neither, and for OAuth 1, it returns an error matching
//     [ErrRevocationUnsupported] and keeps the token: call
//     [Client.DeleteToken] to forget it anyway, knowing that the grant
//     lives on at the provider.
//
// When the provider fails or refuses, the error matches [ErrRevoke] and the
// token stays stored, so the caller can try again. Without a token it
// returns an error matching [ErrNoToken].
func (cl *Client) Revoke() error {
	bp := cl.bp
	ctx, end := bp.step(cl.c.Request.Context(), "revoke")
	err := cl.revoke(ctx)
	end(err)
	return err
}

// revoke is Revoke within its observed step.
func (cl *Client) revoke(ctx context.Context) error {
	bp := cl.bp
	tok, err := cl.load()
	if err != nil {
		return err
	}
	if !tok.Valid() {
		return &Error{Provider: bp.name, Stage: StageRevoke, Err: ErrNoToken}
	}
	ctx, cancel := context.WithTimeout(ctx, bp.timeout)
	defer cancel()
	if err := bp.proto.revoke(ctx, bp, tok); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Provider: bp.name, Stage: StageRevoke, Err: wrapf(ErrRevoke, err)}
			var re *core.ResponseError
			if errors.As(err, &re) {
				e.Status, e.Code, e.Description, e.Err = re.Status, re.Code, re.Description, ErrRevoke
			}
		}
		e.Provider, e.Stage = bp.name, StageRevoke
		if !errors.Is(e, ErrRevocationUnsupported) {
			bp.log.DebugContext(ctx, "dance: revocation failed", "provider", bp.name, "err", e.Error())
		}
		return e
	}
	bp.log.DebugContext(ctx, "dance: token revoked", "provider", bp.name)
	return cl.DeleteToken()
}

func (f *oauth2Flow) revoke(ctx context.Context, bp *Blueprint, tok *Token) error {
	if f.revokeFn == nil {
		return &Error{Err: ErrRevocationUnsupported}
	}
	cfg := f.cfg
	return f.revokeFn(ctx, bp.httpClient, &cfg, tok)
}

// revokeFunc picks the blueprint's way to revoke: the config's func, else
// RFC 7009 at RevokeURL, else none.
func revokeFunc(bp *Blueprint, cfg OAuth2Config) (RevokeFunc, error) {
	if cfg.Revoke != nil {
		return cfg.Revoke, nil
	}
	if cfg.RevokeURL == "" {
		return nil, nil
	}
	u, err := bp.resolve(cfg.RevokeURL)
	if err != nil {
		return nil, err
	}
	return revokeRFC7009(u.String()), nil
}

// revokeRFC7009 posts the token to an RFC 7009 revocation endpoint, with
// the client credentials as the token endpoint gets them.
func revokeRFC7009(endpoint string) RevokeFunc {
	return func(ctx context.Context, hc *http.Client, cfg *oauth2.Config, tok *Token) error {
		form := url.Values{}
		if tok.RefreshToken != "" {
			form.Set("token", tok.RefreshToken)
			form.Set("token_type_hint", "refresh_token")
		} else {
			form.Set("token", tok.AccessToken)
			form.Set("token_type_hint", "access_token")
		}
		basic := cfg.Endpoint.AuthStyle != oauth2.AuthStyleInParams && cfg.ClientSecret != ""
		if !basic {
			form.Set("client_id", cfg.ClientID)
			if cfg.ClientSecret != "" {
				form.Set("client_secret", cfg.ClientSecret)
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
		}
		return core.SendRevoke(hc, req, http.StatusOK)
	}
}
