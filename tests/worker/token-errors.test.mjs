// Authorization headers and bearer tokens: missing, malformed, forged, expired, and
// tokens of users that no longer exist. Tokens are forged with node:crypto and the
// test's JWT_SECRET, because workerd's clock cannot be moved.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
  assertContainsNone,
  assertError,
  base64url,
  forgeToken,
  JWT_SECRET,
  nowSeconds,
  startWorker,
  uniqueUser,
  validClaims,
} from './helpers.mjs';

/** Replaces the character at `index` with another base64url character. */
function replaceCharAt(text, index) {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/** Returns the parts of `token` that must not show up in a response: it and its segments. */
function tokenParts(token) {
  return [token, ...token.split('.').filter((segment) => segment.length >= 16)];
}

describe('Worker token errors', () => {
  let worker;
  let session;
  let userId;

  before(async () => {
    worker = await startWorker();
    session = await worker.signUp(uniqueUser('canary'));
    userId = session.user.id;
  });

  after(async () => {
    assert.deepEqual(worker.outboundRequests, []);
    const logged = JSON.stringify(worker.logs);
    assertContainsNone(logged, [JWT_SECRET, session.access_token]);
    await worker.dispose();
  });

  describe('Authorization header', () => {
    test('missing header is not_authenticated', async () => {
      const response = await worker.getMe(undefined);
      await assertError(response, 'not_authenticated');
      await worker.assertServing(session);
    });

    const malformed = [
      { name: 'Basic scheme', value: 'Basic abc' },
      { name: 'Bearer without token', value: 'Bearer' },
      { name: 'Bearer with trailing space', value: 'Bearer ' },
      { name: 'two tokens', value: 'Bearer a b' },
      { name: 'two spaces', value: () => `Bearer  ${session.access_token}` },
      { name: 'tab separator', value: () => `Bearer\t${session.access_token}` },
      { name: 'token without scheme', value: () => session.access_token },
      { name: 'Token scheme', value: () => `Token ${session.access_token}` },
    ];

    for (const { name, value } of malformed) {
      test(`${name} is invalid_authorization_header`, async () => {
        const header = typeof value === 'function' ? value() : value;
        const response = await worker.request('/auth/me', { headers: { Authorization: header } });
        const { text } = await assertError(response, 'invalid_authorization_header');
        assertContainsNone(text, tokenParts(session.access_token));
        await worker.assertServing(session);
      });
    }

    test('logout ignores a malformed header', async () => {
      const response = await worker.request('/auth/logout', {
        method: 'POST',
        headers: { Authorization: 'Basic abc' },
      });
      assert.equal(response.status, 200);
      assert.deepEqual(Object.keys(await response.json()), ['message']);
    });
  });

  describe('bearer token', () => {
    test('forged valid token accepted', async () => {
      // Checks the forging helper, so that the rejections below are meaningful.
      const response = await worker.getMe(forgeToken(validClaims(userId)));
      assert.equal(response.status, 200);
      assert.equal((await response.json()).id, userId);
    });

    test('token without kid accepted', async () => {
      // With a single key, a token that names no key is checked against that key.
      const token = forgeToken(validClaims(userId), { header: { kid: undefined } });
      assert.ok(!('kid' in JSON.parse(Buffer.from(token.split('.')[0], 'base64url'))));
      const response = await worker.getMe(token);
      assert.equal(response.status, 200);
    });

    const invalid = [
      { name: 'garbage', token: () => 'garbage' },
      { name: 'one-character segments', token: () => 'a.b.c' },
      { name: 'empty segments', token: () => '..' },
      { name: 'two segments', token: () => session.access_token.split('.').slice(0, 2).join('.') },
      { name: 'four segments', token: () => `${session.access_token}.${session.access_token.split('.')[2]}` },
      { name: 'padded base64', token: () => `${session.access_token}=` },
      {
        name: 'standard base64 character',
        token: () => `${session.access_token.slice(0, -1)}+`,
      },
      {
        name: 'flipped signature character',
        token: () => {
          const [header, claims, signature] = session.access_token.split('.');
          return `${header}.${claims}.${replaceCharAt(signature, Math.floor(signature.length / 2))}`;
        },
      },
      {
        name: 'changed payload',
        token: () => {
          const [header, claims, signature] = session.access_token.split('.');
          const decoded = JSON.parse(Buffer.from(claims, 'base64url'));
          return `${header}.${base64url({ ...decoded, exp: decoded.exp + 3600 })}.${signature}`;
        },
      },
      { name: 'other secret', token: () => forgeToken(validClaims(userId), { secret: randomBytes(32).toString('hex') }) },
      {
        name: 'alg none without signature',
        token: () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(validClaims(userId))}.`,
      },
      {
        name: 'alg none with signature',
        token: () => forgeToken(validClaims(userId), { header: { alg: 'none' } }),
      },
      {
        name: 'HS512 under the HS256 key',
        token: () => forgeToken(validClaims(userId), { header: { alg: 'HS512' }, hash: 'sha512' }),
      },
      {
        name: 'HS384 under the HS256 key',
        token: () => forgeToken(validClaims(userId), { header: { alg: 'HS384' }, hash: 'sha384' }),
      },
      { name: 'unknown kid', token: () => forgeToken(validClaims(userId), { header: { kid: 'other-key' } }) },
      { name: 'crit header', token: () => forgeToken(validClaims(userId), { header: { crit: ['exp'] } }) },
      {
        name: 'header not JSON',
        token: () => {
          const [, claims, signature] = forgeToken(validClaims(userId)).split('.');
          return `${base64url('not json')}.${claims}.${signature}`;
        },
      },
      { name: 'missing exp', token: () => forgeToken(validClaims(userId, { exp: undefined })) },
      { name: 'exp as string', token: () => forgeToken(validClaims(userId, { exp: String(nowSeconds() + 600) })) },
      { name: 'sub as number', token: () => forgeToken(validClaims(12345)) },
      { name: 'nbf in the future', token: () => forgeToken(validClaims(userId, { nbf: nowSeconds() + 3600 })) },
      {
        name: 'expired with bad signature',
        token: () => forgeToken(validClaims(userId, { exp: nowSeconds() - 60 }), { secret: 'x'.repeat(32) }),
      },
      {
        name: 'token over 8 KiB',
        token: () => forgeToken(validClaims(userId, { padding: 'p'.repeat(8 * 1024) })),
      },
    ];

    for (const { name, token: makeToken } of invalid) {
      test(`${name} is invalid_token`, async () => {
        const token = makeToken();
        const response = await worker.getMe(token);
        const { text } = await assertError(response, 'invalid_token');
        assertContainsNone(text, tokenParts(token));
        await worker.assertServing(session);
      });

      test(`${name} introspects inactive`, async () => {
        const response = await worker.postJson('/auth/introspect', { token: makeToken() });
        assert.equal(response.status, 200);
        assert.equal(await response.text(), '{"active":false}');
      });
    }

    test('expired token is token_expired', async () => {
      const now = nowSeconds();
      const token = forgeToken(validClaims(userId, { iat: now - 3600, exp: now - 60 }));
      const response = await worker.getMe(token);
      const { text } = await assertError(response, 'token_expired');
      assertContainsNone(text, tokenParts(token));
      await worker.assertServing(session);
    });

    test('expired token introspects inactive', async () => {
      const now = nowSeconds();
      const token = forgeToken(validClaims(userId, { iat: now - 3600, exp: now - 60 }));
      const response = await worker.postJson('/auth/introspect', { token });
      assert.equal(await response.text(), '{"active":false}');
    });

    test('empty token introspects inactive', async () => {
      const response = await worker.postJson('/auth/introspect', { token: '' });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '{"active":false}');
    });

    test('introspect without token is validation_failed', async () => {
      for (const body of [{}, { token: 42 }, { token: null }, { token: 'x', extra: 1 }]) {
        const response = await worker.postJson('/auth/introspect', body);
        await assertError(response, 'validation_failed');
      }
      const form = await worker.request('/auth/introspect', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'token_type_hint=access_token',
      });
      await assertError(form, 'validation_failed');
      await worker.assertServing(session);
    });
  });

  describe('user of the token', () => {
    test('random sub is user_not_found', async () => {
      const token = forgeToken(validClaims(randomBytes(16).toString('hex')));
      const response = await worker.getMe(token);
      const { text } = await assertError(response, 'user_not_found');
      assertContainsNone(text, tokenParts(token));
      await worker.assertServing(session);
    });

    test('random sub introspects inactive', async () => {
      const token = forgeToken(validClaims(randomBytes(16).toString('hex')));
      const response = await worker.postJson('/auth/introspect', { token });
      assert.equal(await response.text(), '{"active":false}');
    });

    test('deleted user is user_not_found', async () => {
      const user = uniqueUser('deleted');
      const login = await worker.signUp(user);
      const users = await worker.usersNamespace();
      await users.delete(`user/id/${login.user.id}`);

      await assertError(await worker.getMe(login.access_token), 'user_not_found');
      const introspect = await worker.postJson('/auth/introspect', { token: login.access_token });
      assert.equal(await introspect.text(), '{"active":false}');
      // The index entries are left behind, and they must not lead to the deleted record.
      const relogin = await worker.postJson('/auth/login', { username: user.username, password: user.password });
      await assertError(relogin, 'invalid_credentials');
      await worker.assertServing(session);
    });
  });

  describe('login credentials', () => {
    let user;

    before(async () => {
      user = uniqueUser('creds');
      await worker.register(user);
    });

    test('wrong password and unknown user match', async () => {
      const wrongPassword = 'wrong password 1';
      const unknownPassword = 'unknown password 2';
      const wrong = await worker.postJson('/auth/login', { username: user.username, password: wrongPassword });
      const unknown = await worker.postJson('/auth/login', { username: `nobody-${user.username}`, password: unknownPassword });
      const unknownEmail = await worker.postJson('/auth/login', { username: `nobody@example.com`, password: unknownPassword });

      const wrongResult = await assertError(wrong, 'invalid_credentials');
      const unknownResult = await assertError(unknown, 'invalid_credentials');
      const unknownEmailResult = await assertError(unknownEmail, 'invalid_credentials');
      assert.equal(unknownResult.text, wrongResult.text);
      assert.equal(unknownEmailResult.text, wrongResult.text);
      assertContainsNone(wrongResult.text, [wrongPassword, user.password, user.username]);
      assertContainsNone(unknownResult.text, [unknownPassword]);
      await worker.assertServing(session);
    });

    test('short password is invalid_credentials', async () => {
      // Login does not apply the registration minimum, so it reveals no password rule.
      const response = await worker.postJson('/auth/login', { username: user.username, password: 'short' });
      await assertError(response, 'invalid_credentials');
    });

    test('unparsable identifier is invalid_credentials', async () => {
      for (const username of ['a', 'not a name', 'bad@', '@example.com']) {
        const response = await worker.postJson('/auth/login', { username, password: user.password });
        await assertError(response, 'invalid_credentials');
      }
      await worker.assertServing(session);
    });
  });
});
