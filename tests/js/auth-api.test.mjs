// Every method of Auth over the in-memory store: the documented result fields, and no
// password or password hash in any result.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { Auth, MemoryStore } from 'jwtlib';

import {
  assertPublicUser,
  createAuth,
  decodeSegment,
  KEY_ID,
  nowSeconds,
  rejectsWith,
  uniqueUser,
} from './helpers.mjs';

const LOGOUT_MESSAGE = 'Successfully logged out';
const DEFAULT_TTL_SECONDS = 1800;
const INTROSPECT_KEYS = ['active', 'exp', 'iat', 'jti', 'sub', 'token_type', 'user', 'username'];

/** Checks that no value in `result`, at any depth, contains the password or a hash. */
function assertNoSecrets(result, password) {
  const json = JSON.stringify(result);
  assert.ok(!json.includes(password), 'a result contains the password');
  assert.ok(!json.includes('$argon2'), 'a result contains a password hash');
  assert.ok(!/"password/.test(json), 'a result has a password field');
}

describe('Auth methods', () => {
  let auth;
  let input;
  let user;
  let session;

  before(async () => {
    ({ auth } = createAuth());
    input = uniqueUser('Api');
    user = await auth.register(input);
    session = await auth.login({ username: input.username, password: input.password });
  });

  test('register returns the public user', () => {
    assertPublicUser(user, {
      username: input.username,
      email: input.email,
      is_active: true,
    });
    const createdAt = Date.parse(user.created_at) / 1000;
    assert.ok(Math.abs(createdAt - nowSeconds()) < 60, `created_at ${user.created_at} is not now`);
    assertNoSecrets(user, input.password);
  });

  test('register keeps username case, folds email', async () => {
    const mixed = uniqueUser('MiXeD');
    const registered = await auth.register({ ...mixed, email: mixed.email.toUpperCase() });

    assert.equal(registered.username, mixed.username);
    assert.equal(registered.email, mixed.email.toLowerCase());
  });

  test('login by username returns a bearer token', () => {
    assert.deepEqual(Object.keys(session).sort(), ['access_token', 'expires_in', 'token_type', 'user']);
    assert.equal(session.token_type, 'Bearer');
    assert.equal(session.expires_in, DEFAULT_TTL_SECONDS);
    assert.deepEqual(session.user, user);
    assertNoSecrets(session, input.password);

    const [header, payload, signature] = session.access_token.split('.');
    assert.deepEqual(decodeSegment(header), { alg: 'HS256', kid: KEY_ID, typ: 'JWT' });
    const claims = decodeSegment(payload);
    assert.equal(claims.sub, user.id);
    assert.equal(claims.exp - claims.iat, DEFAULT_TTL_SECONDS);
    assert.ok(Math.abs(claims.iat - nowSeconds()) < 60, 'iat is not now');
    assert.match(claims.jti, /^[0-9a-f]{32}$/);
    assert.match(signature, /^[A-Za-z0-9_-]{43}$/);
  });

  test('login by username ignores case', async () => {
    const result = await auth.login({ username: input.username.toUpperCase(), password: input.password });

    assert.equal(result.user.id, user.id);
  });

  test('login by email ignores case', async () => {
    const result = await auth.login({ username: input.email.toUpperCase(), password: input.password });

    assert.equal(result.user.id, user.id);
    assert.notEqual(result.access_token, session.access_token, 'each login issues a new token');
  });

  test('logout without token', async () => {
    assert.deepEqual(await auth.logout(), { message: LOGOUT_MESSAGE });
    assert.deepEqual(await auth.logout(null), { message: LOGOUT_MESSAGE });
  });

  test('logout with token leaves it valid', async () => {
    const result = await auth.logout(session.access_token);

    assert.deepEqual(result, { message: LOGOUT_MESSAGE });
    // Tokens are stateless: logout stores nothing, so the token works until it expires.
    assert.deepEqual(await auth.currentUser(session.access_token), user);
  });

  test('currentUser returns the token owner', async () => {
    const current = await auth.currentUser(session.access_token);

    assert.deepEqual(current, user);
    assertPublicUser(current);
  });

  test('introspect with a token string', async () => {
    const result = await auth.introspect(session.access_token);
    const claims = decodeSegment(session.access_token.split('.')[1]);

    assert.deepEqual(Object.keys(result).sort(), INTROSPECT_KEYS);
    assert.equal(result.active, true);
    assert.equal(result.sub, user.id);
    assert.equal(result.username, user.username);
    assert.equal(result.exp, claims.exp);
    assert.equal(result.iat, claims.iat);
    assert.equal(result.jti, claims.jti);
    assert.equal(result.token_type, 'Bearer');
    assert.deepEqual(result.user, user);
    assertNoSecrets(result, input.password);
  });

  test('introspect with an RFC 7662 request', async () => {
    const fromString = await auth.introspect(session.access_token);

    const hinted = await auth.introspect({ token: session.access_token, token_type_hint: 'access_token' });
    const unhinted = await auth.introspect({ token: session.access_token });

    assert.deepEqual(hinted, fromString);
    assert.deepEqual(unhinted, fromString);
  });

  test('introspect of a bad token is inactive', async () => {
    assert.deepEqual(await auth.introspect('not-a-token'), { active: false });
    assert.deepEqual(await auth.introspect({ token: 'a.b.c' }), { active: false });
  });

  test('verifyToken returns the claims', async () => {
    const claims = await auth.verifyToken(session.access_token);
    const payload = decodeSegment(session.access_token.split('.')[1]);

    assert.deepEqual(claims, { sub: user.id, exp: payload.exp, iat: payload.iat, jti: payload.jti });
  });

  test('authenticateRequest with a Fetch Request', async () => {
    const request = new Request('http://127.0.0.1/api/me', {
      headers: { Authorization: `Bearer ${session.access_token}` },
    });

    assert.deepEqual(await auth.authenticateRequest(request), user);
  });

  test('authenticateRequest matches the scheme without case', async () => {
    const request = new Request('http://127.0.0.1/api/me', {
      headers: { authorization: `bearer ${session.access_token}` },
    });

    assert.deepEqual(await auth.authenticateRequest(request), user);
  });

  test('authenticateRequest with a plain object', async () => {
    const request = { method: 'GET', path: '/api/me', authorization: `Bearer ${session.access_token}` };

    assert.deepEqual(await auth.authenticateRequest(request), user);
  });

  test('authenticateRequest with url and headers', async () => {
    const request = {
      method: 'POST',
      url: '/api/me?x=1',
      headers: { Authorization: `Bearer ${session.access_token}` },
    };

    assert.deepEqual(await auth.authenticateRequest(request), user);
  });

  test('authenticateRequest skips OPTIONS by default', async () => {
    assert.equal(await auth.authenticateRequest({ method: 'OPTIONS', path: '/api/me' }), null);
    assert.equal(await auth.authenticateRequest({ method: 'options', path: '/api/me' }), null);
    const preflight = new Request('http://127.0.0.1/api/me', { method: 'OPTIONS' });
    assert.equal(await auth.authenticateRequest(preflight), null);

    await rejectsWith(auth.authenticateRequest({ method: 'GET', path: '/api/me' }), 'not_authenticated');
  });

  test('authenticateRequest skips exact paths', async () => {
    const skip = { paths: ['/health'] };

    assert.equal(await auth.authenticateRequest({ method: 'GET', path: '/health' }, skip), null);
    const probe = new Request('http://127.0.0.1/health?probe=1');
    assert.equal(await auth.authenticateRequest(probe, skip), null);
    // A rule without `methods` keeps the default OPTIONS skip.
    assert.equal(await auth.authenticateRequest({ method: 'OPTIONS', path: '/api' }, skip), null);

    await rejectsWith(auth.authenticateRequest({ method: 'GET', path: '/health/x' }, skip), 'not_authenticated');
    await rejectsWith(auth.authenticateRequest({ method: 'GET', path: '/healthz' }, skip), 'not_authenticated');
  });

  test('authenticateRequest skips path prefixes', async () => {
    const skip = { prefixes: ['/public/'] };

    assert.equal(await auth.authenticateRequest({ method: 'GET', path: '/public/a.css' }, skip), null);
    const request = new Request('http://127.0.0.1/public/img/logo.png');
    assert.equal(await auth.authenticateRequest(request, skip), null);

    await rejectsWith(auth.authenticateRequest({ method: 'GET', path: '/publicity' }, skip), 'not_authenticated');
    // The URL parser resolves dot segments before the prefix is compared.
    const escaped = new Request('http://127.0.0.1/public/../admin');
    await rejectsWith(auth.authenticateRequest(escaped, skip), 'not_authenticated');
  });

  test('authenticateRequest skips listed methods', async () => {
    const skip = { methods: ['HEAD'] };

    assert.equal(await auth.authenticateRequest({ method: 'HEAD', path: '/api' }, skip), null);
    assert.equal(await auth.authenticateRequest({ method: 'head', path: '/api' }, skip), null);
    // Listing methods replaces the default, so OPTIONS needs a token now.
    await rejectsWith(auth.authenticateRequest({ method: 'OPTIONS', path: '/api' }, skip), 'not_authenticated');
  });

  test('authenticateRequest skip ignores the token', async () => {
    const request = { method: 'GET', path: '/health', authorization: `Bearer ${session.access_token}` };

    assert.equal(await auth.authenticateRequest(request, { paths: ['/health'] }), null);
  });

  test('authenticateRequest with an empty skip rule', async () => {
    const skip = { paths: [], prefixes: [], methods: [] };

    await rejectsWith(auth.authenticateRequest({ method: 'OPTIONS', path: '/' }, skip), 'not_authenticated');
    const request = { method: 'OPTIONS', path: '/', authorization: `Bearer ${session.access_token}` };
    assert.deepEqual(await auth.authenticateRequest(request, skip), user);
  });
});

describe('Auth with issuer and audience', () => {
  test('tokens carry and report iss and aud', async () => {
    const { auth } = createAuth({ config: { issuer: 'https://issuer.test', audience: 'api.test' } });
    const input = uniqueUser('Aud');
    await auth.register(input);
    const session = await auth.login({ username: input.username, password: input.password });

    const claims = decodeSegment(session.access_token.split('.')[1]);
    assert.equal(claims.iss, 'https://issuer.test');
    assert.equal(claims.aud, 'api.test');

    const verified = await auth.verifyToken(session.access_token);
    assert.equal(verified.iss, 'https://issuer.test');
    assert.equal(verified.aud, 'api.test');

    const introspected = await auth.introspect(session.access_token);
    assert.equal(introspected.iss, 'https://issuer.test');
    assert.equal(introspected.aud, 'api.test');
  });

  test('accessTokenTtl sets expires_in and exp', async () => {
    const { auth } = createAuth({ config: { accessTokenTtl: 60 } });
    const input = uniqueUser('Ttl');
    await auth.register(input);

    const session = await auth.login({ username: input.username, password: input.password });

    assert.equal(session.expires_in, 60);
    const claims = decodeSegment(session.access_token.split('.')[1]);
    assert.equal(claims.exp - claims.iat, 60);
  });
});

describe('Auth instances', () => {
  test('two instances share users through one store', async () => {
    const store = new MemoryStore();
    const { auth: first } = createAuth({ store });
    const { auth: second } = createAuth({ store });
    const input = uniqueUser('Shared');
    const user = await first.register(input);

    const session = await second.login({ username: input.username, password: input.password });

    assert.deepEqual(session.user, user);
    assert.deepEqual(await first.currentUser(session.access_token), user);
  });

  test('free releases the instance', async () => {
    const auth = new Auth({ secret: 's'.repeat(32) }, new MemoryStore());

    auth.free();

    // After free the wasm object is gone, so any further call fails.
    await assert.rejects(async () => auth.verifyToken('a.b.c'));
  });
});
