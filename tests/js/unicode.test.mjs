// Lone surrogates: a JS string may hold one, and a lossy conversion would turn it into
// U+FFFD, so two different passwords could hash alike. Every such string is rejected
// with validation_failed and never matches the U+FFFD form.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createAuth, rejectsWith, uniqueUser } from './helpers.mjs';

const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF'];

describe('lone surrogates', () => {
  let auth;
  let store;
  let replaced;

  before(async () => {
    ({ auth, store } = createAuth());
    // The password with U+FFFD where the other tests put a lone surrogate.
    replaced = { ...uniqueUser('Fffd'), password: 'pass\uFFFDword' };
    await auth.register(replaced);
  });

  test('register rejects one in the password', async () => {
    for (const surrogate of LONE_SURROGATES) {
      const password = `pass${surrogate}word`;
      const error = await rejectsWith(
        auth.register({ ...uniqueUser('Pw'), password }),
        'validation_failed',
        [password],
      );
      assert.equal(error.message, 'password: contains a lone surrogate');
    }
  });

  test('register rejects one in the username', async () => {
    const error = await rejectsWith(
      auth.register({ ...uniqueUser('Name'), username: 'ali\uD800ce' }),
      'validation_failed',
    );

    assert.equal(error.message, 'username: contains a lone surrogate');
  });

  test('register rejects one in the email', async () => {
    const error = await rejectsWith(
      auth.register({ ...uniqueUser('Mail'), email: 'ali\uDC00ce@example.com' }),
      'validation_failed',
    );

    assert.equal(error.message, 'email: contains a lone surrogate');
  });

  test('register rejects one in a field name', async () => {
    const request = { ...uniqueUser('Key'), ['pass\uD800']: 'x' };

    await rejectsWith(auth.register(request), 'validation_failed');
  });

  test('rejected registrations store nothing', async () => {
    const sizeBefore = store.size;

    await rejectsWith(auth.register({ ...uniqueUser('None'), password: 'pass\uD800word' }), 'validation_failed');

    assert.equal(store.size, sizeBefore);
  });

  test('login rejects one in the password', async () => {
    for (const surrogate of LONE_SURROGATES) {
      const password = `pass${surrogate}word`;
      const error = await rejectsWith(
        auth.login({ username: replaced.username, password }),
        'validation_failed',
        [password],
      );
      assert.equal(error.message, 'password: contains a lone surrogate');
    }
  });

  test('login rejects one in the username', async () => {
    await rejectsWith(
      auth.login({ username: `${replaced.username}\uD800`, password: replaced.password }),
      'validation_failed',
    );
    await rejectsWith(
      auth.login({ username: `${replaced.email}\uDFFF`, password: replaced.password }),
      'validation_failed',
    );
  });

  test('U+FFFD password still logs in', async () => {
    // Guards the test above: the registered password itself is accepted.
    const session = await auth.login({ username: replaced.username, password: 'pass\uFFFDword' });

    assert.equal(session.user.username, replaced.username);
  });

  test('well-formed pairs are accepted', async () => {
    const input = { ...uniqueUser('Pair'), password: 'pass\uD83D\uDE00word' };
    await auth.register(input);

    const session = await auth.login({ username: input.username, password: input.password });

    assert.equal(session.user.username, input.username);
    await rejectsWith(auth.login({ username: input.username, password: 'pass\uFFFDword' }), 'invalid_credentials');
  });

  test('token and header with one are rejected', async () => {
    const { access_token: token } = await auth.login({ username: replaced.username, password: replaced.password });
    const broken = `${token}\uD800`;

    await rejectsWith(auth.verifyToken(broken), 'validation_failed', [token]);
    await rejectsWith(auth.currentUser(broken), 'validation_failed', [token]);
    await rejectsWith(
      auth.authenticateRequest({ method: 'GET', path: '/', authorization: `Bearer ${broken}` }),
      'validation_failed',
      [token],
    );
    // Introspection never rejects for a bad token: it answers inactive instead.
    assert.deepEqual(await auth.introspect({ token: broken }), { active: false });
    assert.deepEqual(await auth.introspect(broken), { active: false });
  });

  test('skip rule with one is rejected', async () => {
    await rejectsWith(
      auth.authenticateRequest({ method: 'GET', path: '/' }, { paths: ['/\uD800'] }),
      'validation_failed',
    );
  });
});
