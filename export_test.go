package dance

import (
	"time"

	"github.com/gin-dance/dance/storage"
	"github.com/gin-gonic/gin"
)

// SafeNext is safeNext, for the tests of the next-URL check.
var SafeNext = safeNext

// StateLifetime is stateLifetime, for the tests of the state's expiry.
const StateLifetime = stateLifetime

// LoadRSAKey is loadRSAKey, for the tests of RSA-SHA1 keys.
var LoadRSAKey = loadRSAKey

// SetClockForTest replaces the dance's clock and returns a func that
// restores it.
func SetClockForTest(f func() time.Time) (restore func()) {
	old := now
	now = f
	return func() { now = old }
}

// StartFlowForTest writes a login flow into c's session as the login route
// would, but with the given verifier (empty for "none").
func StartFlowForTest(c *gin.Context, bp *Blueprint, state, verifier string) error {
	sess, err := storage.SessionFrom(c)
	if err != nil {
		return err
	}
	return bp.saveFlow(sess, &flow{State: state, Verifier: verifier, Expires: now().Add(stateLifetime).Unix()})
}
