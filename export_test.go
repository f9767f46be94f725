package dance

import (
	"github.com/gin-dance/dance/internal/flowstate"
	"github.com/gin-dance/dance/internal/oauth1x"
	"github.com/gin-dance/dance/internal/session"
	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// The causes that the API carries as an *Error's detail, named for the
// tests that check which one a failure has.
var (
	ErrStateMismatch    = errStateMismatch
	ErrStateUsed        = flowstate.ErrUsed
	ErrStateExpired     = flowstate.ErrExpired
	ErrVerifierMissing  = errVerifierMissing
	ErrNonceMissing     = errNonceMissing
	ErrIssuerMismatch   = errIssuerMismatch
	ErrMissingParameter = errMissingParameter
	ErrTokenExchange    = errTokenExchange
	ErrIDToken          = errIDToken
	ErrRefresh          = errRefresh
	ErrRevoke           = errRevoke
	ErrNoProfile        = errNoProfile
)

// StateLifetime is how long a login's state is valid.
const StateLifetime = flowstate.Lifetime

// LoadRSAKey is oauth1x.LoadRSAKey, for the tests of RSA-SHA1 keys.
var LoadRSAKey = oauth1x.LoadRSAKey

// StartFlowForTest writes a login record into c's session as the login
// route would, but with the given state and verifier (empty for "none").
func StartFlowForTest(c *gin.Context, bp *Blueprint, state, verifier string) error {
	sess, ok := session.From(c)
	if !ok {
		return storage.ErrNoSession
	}
	return bp.saveFlow(sess, &flowstate.Record{State: state, Verifier: verifier, Expires: bp.now().Add(flowstate.Lifetime).Unix()})
}
