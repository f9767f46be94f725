// Package interop proves dance against an OpenID provider that this
// project did not write: panva's OpenID-Certified oidc-provider from npm
// (the version pinned in node/package.json and node/package-lock.json),
// which node/server.mjs runs on loopback. Gin apps built with dance as the
// docs show drive real logins through it with an http.Client and a cookie
// jar: the provider's login and consent pages are replaced by routes that
// sign in "alice" and grant what is asked.
//
// It is a module of its own, like e2e/, so that nothing here reaches the
// library's go.mod. The tests run when DANCE_INTEROP=1 (as .ci/run sets
// it, after npm ci --prefix interop/node) and skip otherwise; with
// DANCE_INTEROP=1, a missing node or npm package fails them.
package interop
