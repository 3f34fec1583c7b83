// Every error code the package can produce: each failure is an AuthError (and an Error)
// with a code from ErrorCode and a message that never contains a token or password.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Auth, AuthError, ErrorCode, MemoryStore } from 'jwtlib';

import {
  checkedCodes,
  createAuth,
  FailingStore,
  forgeToken,
  KEY_ID,
  nowSeconds,
  recordKey,
  rejectsWith,
  SECRET,
  settleWithin,
  throwsWith,
  uniqueUser,
  updateRecord,
} from './helpers.mjs';

/** How long a call may take before it counts as never settling, in milliseconds. */
const SETTLE_TIMEOUT_MS = 2000;

const CONFIG_WITH_SECRET = Object.freeze({ secret: SECRET });

describe('AuthError class', () => {
  test('carries name, code and message', () => {
    const error = new AuthError(ErrorCode.USER_EXISTS, 'taken');

    assert.ok(error instanceof AuthError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'AuthError');
    assert.equal(error.code, 'user_exists');
    assert.equal(error.message, 'taken');
    assert.ok(error.stack.includes('taken'));
  });

  test('ErrorCode is frozen and complete', () => {
    assert.ok(Object.isFrozen(ErrorCode));
    assert.deepEqual(Object.values(ErrorCode).sort(), [
      'auth_service_unavailable',
      'invalid_authorization_header',
      'invalid_config',
      'invalid_credentials',
      'invalid_token',
      'not_authenticated',
      'repository_unavailable',
      'token_expired',
      'user_exists',
      'user_inactive',
      'user_not_found',
      'validation_failed',
    ]);
    for (const [name, code] of Object.entries(ErrorCode)) {
      assert.equal(name, code.toUpperCase(), `ErrorCode.${name} does not match ${code}`);
    }
  });
});

describe('validation_failed', () => {
  let auth;
  let input;

  before(async () => {
    ({ auth } = createAuth());
    input = uniqueUser('Valid');
    await auth.register(input);
  });

  test('register with a missing field', async () => {
    for (const field of ['username', 'email', 'password']) {
      const request = { ...uniqueUser('Miss') };
      delete request[field];
      const error = await rejectsWith(auth.register(request), 'validation_failed');
      assert.match(error.message, new RegExp(`^${field}: is required`));
    }
  });

  test('register with a null or undefined field', async () => {
    const fresh = uniqueUser('Null');

    await rejectsWith(auth.register({ ...fresh, email: null }), 'validation_failed');
    await rejectsWith(auth.register({ ...fresh, email: undefined }), 'validation_failed');
  });

  test('register with a non-string field', async () => {
    const fresh = uniqueUser('Type');
    const values = [12345678, true, 10n, Symbol('password'), () => 'password', new String('password1')];
    for (const value of values) {
      const error = await rejectsWith(
        auth.register({ ...fresh, password: value }),
        'validation_failed',
      );
      assert.equal(error.message, 'password: must be a string');
    }
  });

  test('register with a nested object', async () => {
    const fresh = uniqueUser('Nest');

    const error = await rejectsWith(
      auth.register({ ...fresh, username: { first: fresh.username } }),
      'validation_failed',
    );
    assert.equal(error.message, 'username: must be a string');
    await rejectsWith(auth.register({ ...fresh, email: [fresh.email] }), 'validation_failed');
  });

  test('register with an unknown field', async () => {
    const fresh = uniqueUser('Unknown');

    const error = await rejectsWith(
      auth.register({ ...fresh, pasword: fresh.password }),
      'validation_failed',
      [fresh.password],
    );
    assert.match(error.message, /field that is not known/);
  });

  test('register with a non-object request', async () => {
    for (const request of [undefined, null, 'alice', 42, true, [], () => ({})]) {
      const error = await rejectsWith(auth.register(request), 'validation_failed');
      assert.equal(error.message, 'request: must be an object');
    }
  });

  test('register with a too long password', async () => {
    const password = 'p'.repeat(1025);

    const error = await rejectsWith(
      auth.register({ ...uniqueUser('Long'), password }),
      'validation_failed',
      [password],
    );
    assert.match(error.message, /^password: .*1024/);
  });

  test('register with a too short password', async () => {
    const error = await rejectsWith(
      auth.register({ ...uniqueUser('Short'), password: 'seven77' }),
      'validation_failed',
      ['seven77'],
    );
    assert.match(error.message, /^password: .*8/);
  });

  test('register with a bad username', async () => {
    const fresh = uniqueUser('Name');
    for (const username of ['ab', 'a'.repeat(33), 'al ice', '.alice', 'al/ice', 'ålice']) {
      const error = await rejectsWith(auth.register({ ...fresh, username }), 'validation_failed');
      assert.match(error.message, /^username: /);
    }
  });

  test('register with a bad email', async () => {
    const fresh = uniqueUser('Mail');
    const emails = ['not-an-email', 'user@localhost', 'Alice <a@example.com>', '"a b"@example.com', 'a@.example.com'];
    for (const email of emails) {
      const error = await rejectsWith(auth.register({ ...fresh, email }), 'validation_failed');
      assert.match(error.message, /^email: /);
    }
  });

  test('login with a bad request', async () => {
    await rejectsWith(auth.login({ username: input.username }), 'validation_failed');
    await rejectsWith(auth.login({ password: input.password }), 'validation_failed', [input.password]);
    await rejectsWith(auth.login({ username: '', password: input.password }), 'validation_failed', [input.password]);
    await rejectsWith(
      auth.login({ ...input }),
      'validation_failed',
      [input.password],
    );
    await rejectsWith(auth.login(null), 'validation_failed');
  });

  test('login with a too long password', async () => {
    const password = 'p'.repeat(1025);

    await rejectsWith(auth.login({ username: input.username, password }), 'validation_failed', [password]);
  });

  test('token arguments must be strings', async () => {
    for (const token of [undefined, null, 42, {}, ['a.b.c']]) {
      await rejectsWith(auth.verifyToken(token), 'validation_failed');
      await rejectsWith(auth.currentUser(token), 'validation_failed');
    }
    await rejectsWith(auth.logout(42), 'validation_failed');
  });

  test('introspect with a bad request', async () => {
    await rejectsWith(auth.introspect({}), 'validation_failed');
    await rejectsWith(auth.introspect({ token: 42 }), 'validation_failed');
    await rejectsWith(auth.introspect({ token: 'a.b.c', extra: 1 }), 'validation_failed');
    await rejectsWith(auth.introspect(42), 'validation_failed');
  });

  test('authenticateRequest with a bad skip rule', async () => {
    const request = { method: 'GET', path: '/' };

    await rejectsWith(auth.authenticateRequest(request, { paths: '/health' }), 'validation_failed');
    await rejectsWith(auth.authenticateRequest(request, { methods: [1] }), 'validation_failed');
    await rejectsWith(auth.authenticateRequest(request, 'OPTIONS'), 'validation_failed');
  });

  test('authenticateRequest with a non-object request', async () => {
    // The type declarations promise that every method rejects with AuthError.
    for (const request of [null, undefined, 'GET /']) {
      await rejectsWith(auth.authenticateRequest(request), 'validation_failed');
    }
  });

  test('request whose getter throws', async () => {
    const request = {
      get username() {
        throw new Error('getter failed');
      },
      email: 'getter@example.com',
      password: 'password-1',
    };

    const pending = auth.register(request);

    await rejectsWith(settleWithin(pending, SETTLE_TIMEOUT_MS, 'register'), 'validation_failed');
  });

  test('request proxy whose trap throws', async () => {
    const request = new Proxy({}, {
      ownKeys() {
        throw new Error('trap failed');
      },
    });

    const pending = auth.login(request);

    await rejectsWith(settleWithin(pending, SETTLE_TIMEOUT_MS, 'login'), 'validation_failed');
  });
});

describe('invalid_credentials', () => {
  let auth;
  let input;

  before(async () => {
    ({ auth } = createAuth());
    input = uniqueUser('Creds');
    await auth.register(input);
  });

  test('unknown user and wrong password match', async () => {
    const unknown = await rejectsWith(
      auth.login({ username: 'nobody-here', password: input.password }),
      'invalid_credentials',
      [input.password],
    );
    const wrong = await rejectsWith(
      auth.login({ username: input.username, password: `${input.password}x` }),
      'invalid_credentials',
      [input.password],
    );

    assert.equal(unknown.message, wrong.message);
  });

  test('unknown email and wrong password match', async () => {
    const unknown = await rejectsWith(
      auth.login({ username: 'nobody@example.com', password: input.password }),
      'invalid_credentials',
    );
    const wrong = await rejectsWith(
      auth.login({ username: input.email, password: 'wrong-password' }),
      'invalid_credentials',
      ['wrong-password'],
    );

    assert.equal(unknown.message, wrong.message);
  });

  test('short password or odd identifier', async () => {
    // Login does not reveal the registration rules: both look like bad credentials.
    await rejectsWith(auth.login({ username: input.username, password: 'short' }), 'invalid_credentials', ['short']);
    await rejectsWith(auth.login({ username: 'a b', password: input.password }), 'invalid_credentials');
    await rejectsWith(auth.login({ username: 'x@y', password: input.password }), 'invalid_credentials');
  });
});

describe('user_exists', () => {
  let auth;
  let input;

  before(async () => {
    ({ auth } = createAuth());
    input = uniqueUser('Taken');
    await auth.register(input);
  });

  test('same username in another case', async () => {
    const other = uniqueUser('Other');

    const error = await rejectsWith(
      auth.register({ ...other, username: input.username.toUpperCase() }),
      'user_exists',
      [other.password],
    );
    assert.equal(error.message, 'username or email is already registered');
  });

  test('same username in full-width forms', async () => {
    // NFKC maps U+FF01..U+FF5E to ASCII, so the full-width name is the same user.
    const fullWidth = [...input.username]
      .map((char) => String.fromCodePoint(char.codePointAt(0) + 0xfee0))
      .join('');

    await rejectsWith(auth.register({ ...uniqueUser('Wide'), username: fullWidth }), 'user_exists');
  });

  test('same email in another case', async () => {
    await rejectsWith(
      auth.register({ ...uniqueUser('Mail'), email: input.email.toUpperCase() }),
      'user_exists',
    );
  });
});

describe('token errors', () => {
  let auth;
  let input;
  let user;
  let token;

  before(async () => {
    ({ auth } = createAuth());
    input = uniqueUser('Token');
    user = await auth.register(input);
    ({ access_token: token } = await auth.login({ username: input.username, password: input.password }));
  });

  /** Checks every token-taking method with `badToken` and the expected code. */
  async function assertRejectedToken(badToken, code) {
    await rejectsWith(auth.verifyToken(badToken), code, [badToken]);
    await rejectsWith(auth.currentUser(badToken), code, [badToken]);
    const request = { method: 'GET', path: '/me', authorization: `Bearer ${badToken}` };
    await rejectsWith(auth.authenticateRequest(request), code, [badToken]);
    assert.deepEqual(await auth.introspect(badToken), { active: false });
    assert.deepEqual(await auth.introspect({ token: badToken }), { active: false });
  }

  test('forged token with the right key verifies', async () => {
    // The forging helper must match the library, or the failures below prove nothing.
    const forged = forgeToken({ sub: user.id, exp: nowSeconds() + 60 });

    assert.deepEqual(await auth.currentUser(forged), user);
  });

  test('token without kid verifies for one key', async () => {
    const forged = forgeToken({ sub: user.id, exp: nowSeconds() + 60 }, { header: { kid: undefined } });

    assert.equal((await auth.verifyToken(forged)).sub, user.id);
  });

  test('invalid_token for garbage', async () => {
    for (const garbage of ['not-a-token', 'a.b.c', '...', `${token}.x`, `${token}=`, 'é.é.é']) {
      await assertRejectedToken(garbage, 'invalid_token');
    }
  });

  test('invalid_token for a tampered payload', async () => {
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'f'.repeat(32), exp: nowSeconds() + 60 })).toString('base64url');

    await assertRejectedToken(`${header}.${payload}.${signature}`, 'invalid_token');
  });

  test('invalid_token for a tampered signature', async () => {
    const last = token.at(-2) === 'A' ? 'B' : 'A';

    await assertRejectedToken(`${token.slice(0, -2)}${last}${token.at(-1)}`, 'invalid_token');
  });

  test('invalid_token for alg none', async () => {
    const claims = { sub: user.id, exp: nowSeconds() + 60 };

    await assertRejectedToken(forgeToken(claims, { header: { alg: 'none' } }), 'invalid_token');
    const withSignature = `${forgeToken(claims, { header: { alg: 'none' } })}AAAA`;
    await assertRejectedToken(withSignature, 'invalid_token');
  });

  test('invalid_token for another algorithm', async () => {
    const claims = { sub: user.id, exp: nowSeconds() + 60 };

    await assertRejectedToken(forgeToken(claims, { header: { alg: 'HS512' } }), 'invalid_token');
  });

  test('invalid_token for a wrong kid', async () => {
    const claims = { sub: user.id, exp: nowSeconds() + 60 };

    await assertRejectedToken(forgeToken(claims, { header: { kid: 'other-key' } }), 'invalid_token');
  });

  test('invalid_token for a wrong secret', async () => {
    const claims = { sub: user.id, exp: nowSeconds() + 60 };

    await assertRejectedToken(forgeToken(claims, { secret: `${SECRET}-other` }), 'invalid_token');
  });

  test('invalid_token for bad claims', async () => {
    const exp = nowSeconds() + 60;
    const cases = [
      { sub: user.id },
      { sub: user.id, exp: String(exp) },
      { sub: 42, exp },
      { sub: user.id, exp, nbf: nowSeconds() + 3600 },
    ];
    for (const claims of cases) {
      await assertRejectedToken(forgeToken(claims), 'invalid_token');
    }
  });

  test('invalid_token for a crit header', async () => {
    const claims = { sub: user.id, exp: nowSeconds() + 60 };

    await assertRejectedToken(forgeToken(claims, { header: { crit: ['b64'], b64: false } }), 'invalid_token');
  });

  test('invalid_token for an oversized token', async () => {
    const padding = 'x'.repeat(9000);
    const forged = forgeToken({ sub: user.id, exp: nowSeconds() + 60, padding });

    await assertRejectedToken(forged, 'invalid_token');
  });

  test('invalid_token for a wrong issuer or audience', async () => {
    const { auth: strict } = createAuth({
      store: new MemoryStore(),
      config: { issuer: 'https://issuer.test', audience: 'api.test' },
    });
    const exp = nowSeconds() + 60;
    const cases = [
      { sub: user.id, exp, aud: 'api.test' },
      { sub: user.id, exp, iss: 'https://other.test', aud: 'api.test' },
      { sub: user.id, exp, iss: 'https://issuer.test' },
      { sub: user.id, exp, iss: 'https://issuer.test', aud: ['other.test'] },
    ];

    for (const claims of cases) {
      await rejectsWith(strict.verifyToken(forgeToken(claims)), 'invalid_token');
    }
    const accepted = { sub: user.id, exp, iss: 'https://issuer.test', aud: ['other.test', 'api.test'] };
    assert.equal((await strict.verifyToken(forgeToken(accepted))).aud, 'api.test');
  });

  test('token_expired for a past exp', async () => {
    const expired = forgeToken({ sub: user.id, iat: nowSeconds() - 120, exp: nowSeconds() - 60 });

    await assertRejectedToken(expired, 'token_expired');
  });

  test('token_expired at exactly exp', async () => {
    await rejectsWith(auth.verifyToken(forgeToken({ sub: user.id, exp: nowSeconds() })), 'token_expired');
  });

  test('leeway accepts a recently expired token', async () => {
    const { auth: lenient } = createAuth({ config: { leeway: 120 } });
    const expired = forgeToken({ sub: user.id, exp: nowSeconds() - 60 });

    assert.equal((await lenient.verifyToken(expired)).sub, user.id);
    await rejectsWith(lenient.verifyToken(forgeToken({ sub: user.id, exp: nowSeconds() - 600 })), 'token_expired');
  });

  test('not_authenticated without a header', async () => {
    await rejectsWith(auth.authenticateRequest(new Request('http://127.0.0.1/me')), 'not_authenticated');
    await rejectsWith(auth.authenticateRequest({ method: 'GET', path: '/me' }), 'not_authenticated');
    await rejectsWith(
      auth.authenticateRequest({ method: 'GET', path: '/me', authorization: null }),
      'not_authenticated',
    );
    await rejectsWith(auth.authenticateRequest({ method: 'GET', url: '/me', headers: {} }), 'not_authenticated');
  });

  test('invalid_authorization_header for other shapes', async () => {
    const headers = [
      `Basic ${token}`,
      `Token ${token}`,
      'Bearer',
      'Bearer ',
      `Bearer  ${token}`,
      `Bearer ${token} extra`,
      `Bearer\t${token}`,
      token,
      '',
    ];
    for (const authorization of headers) {
      const error = await rejectsWith(
        auth.authenticateRequest({ method: 'GET', path: '/me', authorization }),
        'invalid_authorization_header',
        [token],
      );
      assert.equal(error.message, "Authorization header must be 'Bearer <token>'");
    }
  });
});

describe('account state errors', () => {
  let auth;
  let store;

  before(() => {
    ({ auth, store } = createAuth());
  });

  test('user_inactive for a disabled account', async () => {
    const input = uniqueUser('Inactive');
    const user = await auth.register(input);
    const { access_token: token } = await auth.login({ username: input.username, password: input.password });

    await updateRecord(store, user.id, { is_active: false });

    await rejectsWith(auth.currentUser(token), 'user_inactive', [token]);
    await rejectsWith(
      auth.authenticateRequest({ method: 'GET', path: '/me', authorization: `Bearer ${token}` }),
      'user_inactive',
      [token],
    );
    await rejectsWith(
      auth.login({ username: input.username, password: input.password }),
      'user_inactive',
      [input.password],
    );
    assert.deepEqual(await auth.introspect(token), { active: false });
    assert.equal((await auth.verifyToken(token)).sub, user.id, 'verifyToken does not load the user');
  });

  test('disabled account hides status from a wrong password', async () => {
    const input = uniqueUser('Hidden');
    const user = await auth.register(input);
    await updateRecord(store, user.id, { is_active: false });

    await rejectsWith(auth.login({ username: input.username, password: 'wrong-password' }), 'invalid_credentials');
  });

  test('user_not_found for a deleted user', async () => {
    const input = uniqueUser('Gone');
    const user = await auth.register(input);
    const { access_token: token } = await auth.login({ username: input.username, password: input.password });

    await store.delete(recordKey(user.id));

    await rejectsWith(auth.currentUser(token), 'user_not_found', [token]);
    await rejectsWith(
      auth.authenticateRequest(new Request('http://127.0.0.1/me', { headers: { Authorization: `Bearer ${token}` } })),
      'user_not_found',
      [token],
    );
    assert.deepEqual(await auth.introspect(token), { active: false });
    await rejectsWith(auth.login({ username: input.username, password: input.password }), 'invalid_credentials');
  });

  test('deleted record keeps blocking the name', async () => {
    const input = uniqueUser('Reuse');
    const user = await auth.register(input);
    await store.delete(recordKey(user.id));

    // The store claims names atomically, so an index entry whose record is gone still
    // holds the name: replacing it would take a read and a write that two registrations
    // could interleave. Deleting a user means deleting its index entries too.
    await rejectsWith(auth.register(input), 'user_exists');
  });
});

describe('repository_unavailable', () => {
  const ERROR_TEXT = 'kv://admin:hunter2@store.internal is offline';

  async function failingAuth(options) {
    const store = new FailingStore({ errorText: ERROR_TEXT, ...options });
    const { auth } = createAuth({ store });
    const input = uniqueUser('Repo');
    const user = await auth.register(input);
    const { access_token: token } = await auth.login({ username: input.username, password: input.password });
    store.failing = true;
    return { auth, input, user, token };
  }

  for (const mode of ['reject', 'throw', 'value']) {
    test(`store get that fails by ${mode}`, async () => {
      const { auth, input, token } = await failingAuth({ method: 'get', mode });
      const secrets = [ERROR_TEXT, 'hunter2', input.password, token];

      await rejectsWith(auth.register(uniqueUser('Repo')), 'repository_unavailable', secrets);
      await rejectsWith(auth.login({ username: input.username, password: input.password }), 'repository_unavailable', secrets);
      await rejectsWith(auth.currentUser(token), 'repository_unavailable', secrets);
      await rejectsWith(
        auth.authenticateRequest({ method: 'GET', path: '/', authorization: `Bearer ${token}` }),
        'repository_unavailable',
        secrets,
      );
      assert.deepEqual(await auth.introspect(token), { active: false });
    });
  }

  test('store get that returns an object', async () => {
    const { auth, token } = await failingAuth({ method: 'get', mode: 'value', badValue: { json: '{}' } });

    await rejectsWith(auth.currentUser(token), 'repository_unavailable');
  });

  test('store put that rejects', async () => {
    const store = new FailingStore({ method: 'put', mode: 'reject', errorText: ERROR_TEXT });
    store.failing = true;
    const { auth } = createAuth({ store });
    const input = uniqueUser('Put');

    await rejectsWith(auth.register(input), 'repository_unavailable', [ERROR_TEXT, input.password]);
  });

  test('corrupt stored record', async () => {
    const { auth, store } = createAuth();
    const input = uniqueUser('Corrupt');
    const user = await auth.register(input);
    const { access_token: token } = await auth.login({ username: input.username, password: input.password });

    await store.put(recordKey(user.id), '{"id": not json');

    await rejectsWith(auth.currentUser(token), 'repository_unavailable', [token]);
    await rejectsWith(auth.login({ username: input.username, password: input.password }), 'repository_unavailable');
  });
});

describe('invalid_config', () => {
  const MISPLACED_SECRET = 'misplaced-secret-value-0123456789abcdef';

  /**
   * Checks that `new Auth(config, store)` throws invalid_config without echoing secrets.
   * Without a `store` argument a MemoryStore is used, but an explicit `undefined` is passed on.
   */
  function assertInvalidConfig(config, ...store) {
    const args = store.length > 0 ? [config, store[0]] : [config, new MemoryStore()];
    return throwsWith(() => new Auth(...args), 'invalid_config', [SECRET, MISPLACED_SECRET]);
  }

  test('short secret', () => {
    const error = assertInvalidConfig({ secret: 'only-twenty-one-bytes' });

    assert.match(error.message, /at least 32 bytes/);
    assert.ok(!error.message.includes('only-twenty-one-bytes'));
  });

  test('missing key', () => {
    assertInvalidConfig({});
    assertInvalidConfig({ keyId: KEY_ID });
    assertInvalidConfig({ keys: [] });
  });

  test('configuration that is not an object', () => {
    for (const config of [undefined, null, SECRET, 42]) {
      assertInvalidConfig(config);
    }
  });

  test('setting out of range', () => {
    const cases = [
      { accessTokenTtl: 0 },
      { accessTokenTtl: 30 * 24 * 60 * 60 + 1 },
      { accessTokenTtl: -1 },
      { leeway: 301 },
      { maxTokenLength: 255 },
      { maxTokenLength: 65537 },
      { issuer: '' },
      { audience: 'a'.repeat(257) },
      { password: { memoryKib: 1024 } },
      { password: { iterations: 1 } },
      { password: { memoryKib: 65536, iterations: 16 } },
    ];
    for (const settings of cases) {
      assertInvalidConfig({ secret: SECRET, ...settings });
    }
  });

  test('setting of the wrong type', () => {
    const cases = [
      { secret: 5 },
      { secret: SECRET, accessTokenTtl: '60' },
      { secret: SECRET, leeway: true },
      { secret: SECRET, password: 'strong' },
      { keys: { kid: 'a', alg: 'HS256', secret: SECRET } },
    ];
    for (const config of cases) {
      assertInvalidConfig(config);
    }
  });

  test('bad key set', () => {
    const key = { kid: 'a', alg: 'HS256', secret: SECRET };
    const cases = [
      { secret: SECRET, keys: [key] },
      { keys: [key, { ...key }] },
      { keys: [key], signingKeyId: 'missing' },
      { keys: [key], keyId: 'a' },
      { keys: [{ ...key, alg: 'RS256' }] },
      { keys: [{ ...key, alg: 'HS512' }] },
      { keys: [{ ...key, kid: '' }] },
      { keys: [{ kid: 'a', alg: 'HS256' }] },
    ];
    for (const config of cases) {
      assertInvalidConfig(config);
    }
  });

  test('unknown option', () => {
    // A misspelt setting must not be ignored: `audiance` would silently turn off the
    // audience check.
    const error = assertInvalidConfig({ secret: SECRET, audiance: 'api.test' });
    assert.match(error.message, /audiance/);
    assertInvalidConfig({ secret: SECRET, accessTokenTTL: 60 });
  });

  test('unknown option in a nested object', () => {
    assertInvalidConfig({ secret: SECRET, password: { memoryKiB: 65536 } });
    assertInvalidConfig({ keys: [{ kid: 'a', alg: 'HS256', secret: SECRET, use: 'sig' }] });
  });

  test('misplaced secret is not echoed', () => {
    // A secret given under `alg` by mistake must not reach logs through the message.
    assertInvalidConfig({ keys: [{ kid: 'a', alg: MISPLACED_SECRET, secret: 'HS256' }] });
  });

  test('lone surrogate in a setting', () => {
    assertInvalidConfig({ secret: SECRET, issuer: 'issuer\uD800' });
  });

  test('cyclic configuration', () => {
    const config = { secret: SECRET };
    config.self = config;
    assertInvalidConfig(config);

    const nested = { secret: SECRET, password: {} };
    nested.password.again = nested.password;
    assertInvalidConfig(nested);

    const keys = [];
    keys.push(keys);
    assertInvalidConfig({ keys });
  });

  test('configuration getter that throws', () => {
    const config = {
      get secret() {
        throw new Error('secret manager offline');
      },
    };

    assertInvalidConfig(config);
  });

  test('store missing methods', () => {
    const complete = { get() {}, put() {}, delete() {} };
    for (const method of ['get', 'put', 'delete']) {
      const store = { ...complete };
      delete store[method];
      const error = assertInvalidConfig(CONFIG_WITH_SECRET, store);
      assert.match(error.message, new RegExp(method));

      assertInvalidConfig(CONFIG_WITH_SECRET, { ...complete, [method]: 'not a function' });
    }
  });

  test('store that is not an object', () => {
    for (const store of [undefined, null, 'kv', 42]) {
      assertInvalidConfig(CONFIG_WITH_SECRET, store);
    }
  });

  test('undefined settings count as absent', () => {
    // The declarations mark these settings optional, so `undefined` must mean "not set",
    // as it does for a caller that writes `{ password: env.PASSWORD_COST }`.
    const optional = ['keyId', 'keys', 'signingKeyId', 'issuer', 'audience', 'accessTokenTtl', 'leeway', 'maxTokenLength', 'password'];
    const rejected = [];
    for (const name of optional) {
      try {
        new Auth({ secret: SECRET, [name]: undefined }, new MemoryStore());
      } catch (error) {
        rejected.push(`${name} (${error.message})`);
      }
    }

    assert.deepEqual(rejected, [], `undefined was rejected for: ${rejected.join('; ')}`);
  });

  test('valid configuration still constructs', () => {
    // Guards the cases above: each fails for its own reason, not for a broken baseline.
    const key = { kid: 'a', alg: 'HS256', secret: SECRET };
    const configs = [
      CONFIG_WITH_SECRET,
      { keys: [key] },
      { keys: [key, { kid: 'b', alg: 'HS512', secret: SECRET.repeat(2) }], signingKeyId: 'b' },
      { secret: SECRET, accessTokenTtl: 1, leeway: 300, maxTokenLength: 256, issuer: 'i', audience: 'a' },
      { secret: SECRET, password: { memoryKib: 19456, iterations: 2, parallelism: 1 } },
    ];
    for (const config of configs) {
      assert.ok(new Auth(config, new MemoryStore()) instanceof Auth);
    }
  });
});

describe('error code coverage', () => {
  after(() => {
    checkedCodes.clear();
  });

  test('every code the package produces was checked', () => {
    // auth_service_unavailable belongs to clients of a remote jwtlib service. This
    // package calls no remote service, so it never produces that code.
    const expected = Object.values(ErrorCode).filter((code) => code !== ErrorCode.AUTH_SERVICE_UNAVAILABLE);

    assert.deepEqual([...checkedCodes].sort(), expected.sort());
  });
});
