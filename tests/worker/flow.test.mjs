// The happy path over HTTP: register, login, current user, introspection and logout,
// plus the uniqueness rules of registration.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  assertCommonHeaders,
  assertContainsNone,
  assertError,
  decodeSegment,
  KEY_ID,
  nowSeconds,
  startWorker,
  TOKEN_TTL_SECONDS,
  uniqueUser,
} from './helpers.mjs';

const PUBLIC_USER_KEYS = ['created_at', 'email', 'id', 'is_active', 'username'];

describe('Worker auth flow', () => {
  let worker;
  let user;
  let registered;
  let session;

  before(async () => {
    worker = await startWorker();
    user = uniqueUser('Flow');
    registered = await worker.register(user);
    session = await worker.login(user.username, user.password);
  });

  after(async () => {
    assert.deepEqual(worker.outboundRequests, []);
    await worker.dispose();
  });

  test('health returns status ok', async () => {
    const response = await worker.request('/health');
    assert.equal(response.status, 200);
    assertCommonHeaders(response);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  test('register returns the public user', async () => {
    const fresh = uniqueUser('Reg');
    const response = await worker.postJson('/auth/register', fresh);
    const text = await response.text();
    assert.equal(response.status, 201, text);
    assertCommonHeaders(response);
    assertContainsNone(text, [fresh.password, 'password', 'hash', '$argon2']);

    const body = JSON.parse(text);
    assert.deepEqual(Object.keys(body).sort(), PUBLIC_USER_KEYS);
    assert.match(body.id, /^[0-9a-f]{32}$/);
    assert.equal(body.username, fresh.username);
    assert.equal(body.email, fresh.email.toLowerCase());
    assert.equal(body.is_active, true);
    assert.match(body.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const createdSeconds = Date.parse(body.created_at) / 1000;
    assert.ok(Math.abs(createdSeconds - nowSeconds()) < 120, `created_at ${body.created_at} is not now`);
  });

  test('register keeps username case', () => {
    assert.equal(registered.username, user.username);
    assert.notEqual(registered.username, registered.username.toLowerCase());
  });

  test('login returns a bearer token', async () => {
    const response = await worker.postJson('/auth/login', {
      username: user.username,
      password: user.password,
    });
    const text = await response.text();
    assert.equal(response.status, 200, text);
    assertCommonHeaders(response);
    assertContainsNone(text, [user.password, 'password_hash', '$argon2']);

    const body = JSON.parse(text);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type', 'user']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, TOKEN_TTL_SECONDS);
    assert.deepEqual(body.user, registered);

    const header = decodeSegment(body.access_token, 0);
    assert.equal(header.alg, 'HS256');
    assert.equal(header.kid, KEY_ID);
    const claims = decodeSegment(body.access_token, 1);
    assert.equal(claims.sub, registered.id);
    assert.equal(claims.exp - claims.iat, TOKEN_TTL_SECONDS);
    assert.ok(Math.abs(claims.iat - nowSeconds()) < 120, `iat ${claims.iat} is not now`);
    assert.match(claims.jti, /^[0-9a-f]{32}$/);
  });

  test('login tokens have distinct jti', async () => {
    const second = await worker.login(user.username, user.password);
    assert.notEqual(decodeSegment(second.access_token, 1).jti, decodeSegment(session.access_token, 1).jti);
  });

  test('login by email in any case', async () => {
    const body = await worker.login(user.email.toUpperCase(), user.password);
    assert.equal(body.user.id, registered.id);
  });

  test('login by username in any case', async () => {
    const body = await worker.login(user.username.toLowerCase(), user.password);
    assert.equal(body.user.id, registered.id);
  });

  test('me returns the token user', async () => {
    const response = await worker.getMe(session.access_token);
    assert.equal(response.status, 200);
    assertCommonHeaders(response);
    assert.deepEqual(await response.json(), registered);
  });

  test('me accepts lowercase bearer scheme', async () => {
    const response = await worker.request('/auth/me', {
      headers: { Authorization: `bearer ${session.access_token}` },
    });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).id, registered.id);
  });

  test('introspect JSON body describes token', async () => {
    const response = await worker.postJson('/auth/introspect', { token: session.access_token });
    assert.equal(response.status, 200);
    assertCommonHeaders(response);

    const body = await response.json();
    const claims = decodeSegment(session.access_token, 1);
    assert.deepEqual(body, {
      active: true,
      sub: registered.id,
      username: registered.username,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      token_type: 'Bearer',
      user: registered,
    });
  });

  test('introspect form body describes token', async () => {
    const response = await worker.request('/auth/introspect', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: session.access_token }).toString(),
    });
    assert.equal(response.status, 200);
    assertCommonHeaders(response);

    const body = await response.json();
    assert.equal(body.active, true);
    assert.equal(body.sub, registered.id);
    assert.equal(body.token_type, 'Bearer');
    assert.deepEqual(body.user, registered);
  });

  test('introspect accepts token_type_hint', async () => {
    const form = await worker.request('/auth/introspect', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: `token=${encodeURIComponent(session.access_token)}&token_type_hint=access_token`,
    });
    assert.equal(form.status, 200);
    assert.equal((await form.json()).active, true);

    const json = await worker.postJson('/auth/introspect', {
      token: session.access_token,
      token_type_hint: 'access_token',
    });
    assert.equal(json.status, 200);
    assert.equal((await json.json()).active, true);
  });

  test('logout returns a message', async () => {
    const response = await worker.request('/auth/logout', {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.access_token}` },
    });
    assert.equal(response.status, 200);
    assertCommonHeaders(response);
    const body = await response.json();
    assert.deepEqual(Object.keys(body), ['message']);
    assert.equal(typeof body.message, 'string');
    assert.ok(body.message.length > 0);
  });

  test('logout without token succeeds', async () => {
    const response = await worker.request('/auth/logout', { method: 'POST' });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(await response.json()), ['message']);
  });

  test('token stays valid after logout', async () => {
    // Tokens are stateless: logout stores nothing, so the token works until it expires.
    const response = await worker.getMe(session.access_token);
    assert.equal(response.status, 200);
  });

  test('duplicate username in other case', async () => {
    const response = await worker.postJson('/auth/register', {
      username: user.username.toUpperCase(),
      email: `other-${user.email}`,
      password: 'another password',
    });
    await assertError(response, 'user_exists');
  });

  test('duplicate email in other case', async () => {
    const response = await worker.postJson('/auth/register', {
      username: `other-${user.username}`.slice(0, 32),
      email: user.email.toUpperCase(),
      password: 'another password',
    });
    await assertError(response, 'user_exists');
  });

  test('duplicate full-width username', async () => {
    // NFKC maps full-width letters to ASCII, so this is the same username.
    const fullWidth = [...user.username]
      .map((char) => (/[A-Za-z0-9]/.test(char) ? String.fromCodePoint(char.codePointAt(0) + 0xfee0) : char))
      .join('');
    assert.notEqual(fullWidth, user.username);
    const response = await worker.postJson('/auth/register', {
      username: fullWidth,
      email: `wide-${user.email}`,
      password: 'another password',
    });
    await assertError(response, 'user_exists');
  });

  test('duplicate user is not stored', async () => {
    const body = await worker.login(user.username, user.password);
    assert.equal(body.user.id, registered.id);
    assert.equal(body.user.email, registered.email);
  });
});
