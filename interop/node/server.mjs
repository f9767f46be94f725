// server.mjs runs panva's OpenID-Certified oidc-provider (the version in
// package.json) on loopback for dance's interop tests (interop/*_test.go).
// It is not a development server: every login is "alice", who consents to
// whatever is asked, with no page to click through, so that a Go
// http.Client with a cookie jar can drive a whole login.
//
// Two providers, on two ports of 127.0.0.1:
//   - the main one, where pushed authorization requests (PAR) are allowed;
//   - the "PAR" one, whose discovery document says
//     require_pushed_authorization_requests: true.
// Both have the same clients. When both listen, one JSON line goes to
// stdout: {"issuer": "...", "parIssuer": "..."}; then the process runs
// until its standard input closes (the Go test that started it ended) or
// it gets SIGTERM.
//
// Input, from the environment:
//   DANCE_INTEROP_APP          the Go test's app origin, http://127.0.0.1:PORT:
//                              the clients' redirect, logout and back-channel
//                              URIs are under it, /login/<client_id>/...
//   DANCE_INTEROP_CLIENT_JWKS  the public JWKS of the private_key_jwt client
import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const app = process.env.DANCE_INTEROP_APP;
if (!app) {
  console.error('DANCE_INTEROP_APP is not set');
  process.exit(2);
}
const clientJWKS = JSON.parse(process.env.DANCE_INTEROP_CLIENT_JWKS || '{"keys":[]}');

// The access tokens are short-lived so that refresh is exercised; the Go
// tests make a token count as expired at once with ExpiryLeeway rather
// than by waiting.
const accessTokenTTL = 60;

// Secrets are fixtures, repeated in interop/harness_test.go. The
// client_secret_jwt one is long enough for HS256.
const secret = (id) => `${id}-secret-0123456789abcdefghijklmnopqrstuvwxyz`;

// clients: one per token endpoint authentication method, and the ones
// with a feature of their own. The client ID is the blueprint's name on
// the Go side, so every URI is /login/<client_id>/... under the app.
const clientSpecs = [
  { client_id: 'basic', token_endpoint_auth_method: 'client_secret_basic' },
  { client_id: 'post', token_endpoint_auth_method: 'client_secret_post' },
  { client_id: 'secretjwt', token_endpoint_auth_method: 'client_secret_jwt' },
  { client_id: 'keyjwt', token_endpoint_auth_method: 'private_key_jwt', jwks: clientJWKS },
  { client_id: 'public', token_endpoint_auth_method: 'none' },
  // PAR required for this client alone (the PAR provider requires it of all).
  { client_id: 'par', token_endpoint_auth_method: 'client_secret_basic', require_pushed_authorization_requests: true },
  // Access tokens must be DPoP-bound (RFC 9449 section 5.2).
  { client_id: 'dpop', token_endpoint_auth_method: 'client_secret_basic', dpop_bound_access_tokens: true },
  // A public DPoP client: its refresh tokens are bound to the key too.
  { client_id: 'dpoppublic', token_endpoint_auth_method: 'none', dpop_bound_access_tokens: true },
  // The tests' resource server: it calls the introspection endpoint.
  { client_id: 'resource', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [], response_types: [], grant_types: [] },
];

const clients = clientSpecs.map((spec) => {
  const base = `${app}/login/${spec.client_id}`;
  const c = {
    redirect_uris: [`${base}/authorized`],
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    post_logout_redirect_uris: [`${base}/logout`, `${app}/`],
    backchannel_logout_uri: `${base}/backchannel-logout`,
    backchannel_logout_session_required: true,
    ...spec,
  };
  if (c.token_endpoint_auth_method !== 'none' && c.token_endpoint_auth_method !== 'private_key_jwt') {
    c.client_secret = secret(c.client_id);
  }
  if (c.grant_types.length === 0) {
    delete c.post_logout_redirect_uris;
    delete c.backchannel_logout_uri;
    delete c.backchannel_logout_session_required;
  }
  return c;
});

const accounts = {
  alice: {
    sub: 'alice',
    name: 'Alice Liddell',
    preferred_username: 'alice',
    email: 'alice@example.com',
    email_verified: true,
    picture: 'https://example.com/alice.png',
  },
};

// The provider's signing key, new at each start (the tests fetch the JWKS).
// RS256, the clients' default (and the most common ID token algorithm).
const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'jwk' });
signingKey.kid = crypto.randomUUID();
signingKey.alg = 'RS256';
signingKey.use = 'sig';

function configuration({ requirePAR }) {
  return {
    clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'picture'],
      email: ['email', 'email_verified'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    async findAccount(ctx, sub) {
      const account = accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, async claims() { return { ...account }; } };
    },
    // A refresh token for a grant that has offline_access (oidc-provider
    // keeps offline_access only when the login asked for prompt=consent).
    async issueRefreshToken(ctx, client, code) {
      return client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access');
    },
    pkce: { required: () => true },
    ttl: {
      AccessToken: accessTokenTTL,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    clientBasedCORS: () => false,
    // oidc-provider's outgoing requests (here: back-channel logouts) go
    // through a dispatcher that refuses loopback and private addresses
    // (SSRF protection); the app under test is on loopback, so this
    // provider, which calls nothing but the test app, drops it.
    fetch(url, options) {
      const { dispatcher, ...rest } = options;
      return globalThis.fetch(url, rest);
    },
    // Errors as plain text, for the Go tests' failure messages.
    async renderError(ctx, out) {
      ctx.type = 'text/plain';
      ctx.body = `${out.error}: ${out.error_description}`;
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // The confirmation page is a bare form that the Go tests submit.
        async logoutSource(ctx, form) {
          ctx.body = `<!DOCTYPE html><title>logout</title>${form}`;
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = '<!DOCTYPE html><title>signed out</title>signed out';
        },
      },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: requirePAR },
      dPoP: {
        enabled: true,
        // Every DPoP proof must carry a nonce the provider issued, so
        // that the client's nonce handling is always exercised.
        nonceSecret: crypto.randomBytes(32),
        requireNonce: () => true,
      },
    },
  };
}

// interactions answers the provider's login and consent prompts at once:
// the user is alice, and she grants every scope and claim asked for.
function interactions(provider) {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith('/interaction/')) {
      return next();
    }
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session } = details;
    let result;
    if (prompt.name === 'login') {
      result = { login: { accountId: 'alice' } };
    } else if (prompt.name === 'consent') {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      const d = prompt.details;
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes || {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      result = { consent: details.grantId ? {} : { grantId } };
    } else {
      ctx.status = 500;
      ctx.body = `unexpected prompt ${prompt.name}`;
      return undefined;
    }
    const to = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: prompt.name !== 'login',
    });
    ctx.status = 303;
    ctx.redirect(to);
    return undefined;
  };
}

function listen(requirePAR) {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const issuer = `http://127.0.0.1:${server.address().port}`;
      const provider = new Provider(issuer, configuration({ requirePAR }));
      provider.use(interactions(provider));
      // Errors that the provider answers (invalid_grant, ...) are part of
      // the tests; server errors are printed for the Go side to show.
      provider.on('server_error', (ctx, err) => console.error('server_error', err));
      provider.on('backchannel.error', (ctx, err, client) => console.error('backchannel.error', client.clientId, err.message));
      server.on('request', provider.callback());
      resolve({ issuer, server });
    });
  });
}

const [main, par] = await Promise.all([listen(false), listen(true)]);
process.stdout.write(`${JSON.stringify({ issuer: main.issuer, parIssuer: par.issuer })}\n`);

const stop = () => {
  main.server.close();
  par.server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
