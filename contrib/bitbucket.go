package contrib

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/internal/core"
	"github.com/gin-dance/dance/internal/presets"
)

// BitbucketConfig configures the Bitbucket Cloud preset. Provider
// documentation:
// https://developer.atlassian.com/cloud/bitbucket/oauth-2/
//
// The token request sends the client's key and secret as HTTP Basic auth;
// the blueprint is refreshable (Bitbucket's access tokens last two hours).
// The scopes are the OAuth consumer's, set where it is registered.
//
// Profile: GET /2.0/user, then GET /2.0/user/emails for the primary
// confirmed address (as for GitHub), which needs the consumer's "email"
// permission; without it Email stays empty. ID is the user's UUID, Login
// the nickname.
type BitbucketConfig struct {
	// ClientID is the OAuth consumer's key; default from
	// BITBUCKET_OAUTH_CLIENT_ID.
	ClientID string
	// ClientSecret is the OAuth consumer's secret; default from
	// BITBUCKET_OAUTH_CLIENT_SECRET.
	ClientSecret string
	// Scopes to request. Default none: the consumer's permissions.
	Scopes []string
	// Endpoints override bitbucket.org's.
	Endpoints
	// Options are the settings every blueprint has. BaseURL defaults to
	// https://api.bitbucket.org/2.0/.
	dance.Options
}

// Bitbucket returns a blueprint named "bitbucket".
func Bitbucket(cfg BitbucketConfig) (*dance.Blueprint, error) {
	return preset{
		Provider:   presets.Bitbucket,
		profileFix: bitbucketPrimaryEmail,
	}.build(cfg.ClientID, cfg.ClientSecret, cfg.Scopes, cfg.Endpoints, cfg.Options)
}

// bitbucketPrimaryEmail makes Bitbucket's second call: /user has no
// e-mail, /user/emails lists the addresses, and the primary confirmed one
// is the user's. Without the email permission Bitbucket answers 403, and
// the e-mail stays empty.
func bitbucketPrimaryEmail(cl *dance.Client, p *dance.Profile) error {
	body, err := getJSON(cl, http.MethodGet, "user/emails", nil)
	var apiErr *core.ResponseError
	if errors.As(err, &apiErr) && (apiErr.Status == http.StatusForbidden || apiErr.Status == http.StatusNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var page struct {
		Values []struct {
			Email       string `json:"email"`
			IsPrimary   bool   `json:"is_primary"`
			IsConfirmed bool   `json:"is_confirmed"`
		} `json:"values"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return &dance.Error{Provider: p.Provider, Stage: dance.StageAPI, Err: errors.New("the e-mail list is not a JSON object")}
	}
	for _, e := range page.Values {
		if e.IsPrimary && e.IsConfirmed {
			verified := true
			p.Email, p.EmailVerified = e.Email, &verified
			break
		}
	}
	return nil
}
