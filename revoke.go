package dance

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// RevokeFunc revokes tok at the provider, with the blueprint's HTTP client
// and credentials (see [Blueprint.OAuth2Config]). It returns nil only when
// the provider confirmed the revocation. An error that is not an [*Error]
// is wrapped in one of stage [StageRevoke] that matches [ErrRevoke].
// Presets set one for providers whose revocation API is not RFC 7009, such
// as GitHub's "delete an app authorization" (contrib.GitHub).
type RevokeFunc func(ctx context.Context, bp *Blueprint, tok *Token) error

// RevokeOptions are the options of [Blueprint.Revoke].
type RevokeOptions struct {
	// DeleteIfUnsupported deletes the stored token even when the provider
	// has no revocation API. Revoke still returns an error matching
	// [ErrRevocationUnsupported], so the caller knows the grant lives on
	// at the provider.
	DeleteIfUnsupported bool
}

// Revoke revokes the current user's token at the provider and then deletes
// it from storage: the Go form of the hand-written revocation of the
// Flask-Dance docs (1.6.3), with every failure returned.
//
//   - With RevokeURL, it is an RFC 7009 request (the refresh token when
//     there is one, since revoking it revokes its access tokens too).
//   - With a [RevokeFunc], that func is called.
//   - With neither, it returns [ErrRevocationUnsupported], and deletes the
//     stored token only if o.DeleteIfUnsupported.
//
// When the provider fails or refuses, the error matches [ErrRevoke] and the
// token stays stored, so the caller can try again. Without a token it
// returns an error matching [ErrNoToken].
func (bp *Blueprint) Revoke(c *gin.Context, o RevokeOptions) error {
	return bp.Client(c).Revoke(o)
}

// Revoke is [Blueprint.Revoke] for the client's user.
func (cl *Client) Revoke(o RevokeOptions) error {
	bp := cl.bp
	tok, err := cl.Token()
	if err != nil {
		return err
	}
	if !tok.Valid() {
		return &Error{Provider: bp.name, Stage: StageRevoke, Err: ErrNoToken}
	}
	var fn RevokeFunc
	if f, ok := bp.proto.(*oauth2Flow); ok {
		fn = f.revoke
	}
	if fn == nil {
		if o.DeleteIfUnsupported {
			if err := cl.DeleteToken(); err != nil {
				return err
			}
		}
		return &Error{Provider: bp.name, Stage: StageRevoke, Err: ErrRevocationUnsupported}
	}
	ctx, cancel := context.WithTimeout(cl.c.Request.Context(), bp.timeout)
	defer cancel()
	if err := fn(ctx, bp, tok); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Provider: bp.name, Stage: StageRevoke, Err: wrapf(ErrRevoke, err)}
		}
		bp.log.DebugContext(ctx, "dance: revocation failed", "provider", bp.name, "err", e.Error())
		return e
	}
	bp.log.DebugContext(ctx, "dance: token revoked", "provider", bp.name)
	return cl.DeleteToken()
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
	return func(ctx context.Context, bp *Blueprint, tok *Token) error {
		cfg := bp.OAuth2Config()
		form := url.Values{}
		if tok.RefreshToken != "" {
			form.Set("token", tok.RefreshToken)
			form.Set("token_type_hint", "refresh_token")
		} else {
			form.Set("token", tok.AccessToken)
			form.Set("token_type_hint", "access_token")
		}
		basic := cfg.Endpoint.AuthStyle != AuthStyleInParams && cfg.ClientSecret != ""
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
		return SendRevoke(bp, req, http.StatusOK)
	}
}

// SendRevoke sends a revocation request through the blueprint's HTTP
// client and checks that the provider answered want; any other answer is
// [RevokeResponseError]. A transport error is returned without the URL.
// It is for [RevokeFunc] implementations.
func SendRevoke(bp *Blueprint, req *http.Request, want int) error {
	resp, err := bp.httpClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		return RevokeResponseError(bp, resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return nil
}

// RevokeResponseError is the [*Error] for a revocation endpoint's failed
// answer: its status, and the OAuth error code and description when the
// body has them. It is for [RevokeFunc] implementations.
func RevokeResponseError(bp *Blueprint, resp *http.Response) *Error {
	e := &Error{Provider: bp.name, Stage: StageRevoke, Status: resp.StatusCode, Err: ErrRevoke}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if decodeJSON(io.LimitReader(resp.Body, 64<<10), &body) == nil {
		e.Code, e.Description = body.Error, body.Description
	}
	return e
}
