// Stores: custom stores with plain return values, the key layout the package writes,
// the MemoryStore class and concurrent registrations of one name.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MemoryStore } from 'jwtlib';

import {
  assertPublicUser,
  createAuth,
  readRecord,
  RECORD_KEYS,
  RecordingStore,
  rejectsWith,
  uniqueUser,
} from './helpers.mjs';

/** PHC prefix of a hash made under the default policy (OWASP minimum for Argon2id). */
const DEFAULT_HASH_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

describe('custom stores', () => {
  test('store with plain return values', async () => {
    const store = new RecordingStore({ sync: true });
    const { auth } = createAuth({ store });
    const input = uniqueUser('Sync');

    const user = await auth.register(input);
    const session = await auth.login({ username: input.email, password: input.password });

    assertPublicUser(user, { username: input.username });
    assert.deepEqual(await auth.currentUser(session.access_token), user);
    assert.equal((await auth.introspect(session.access_token)).active, true);
    const request = { method: 'GET', path: '/', authorization: `Bearer ${session.access_token}` };
    assert.deepEqual(await auth.authenticateRequest(request), user);
    await rejectsWith(auth.register(input), 'user_exists');
  });

  test('store as a plain object literal', async () => {
    const entries = new Map();
    const store = {
      get: async (key) => entries.get(key) ?? null,
      put: async (key, value) => void entries.set(key, value),
      delete: async (key) => void entries.delete(key),
    };
    const { auth } = createAuth({ store });
    const input = uniqueUser('Literal');

    const user = await auth.register(input);

    assert.equal(entries.size, 3);
    assert.equal((await auth.login({ username: input.username, password: input.password })).user.id, user.id);
  });
});

describe('key layout', () => {
  test('register writes a record and two indexes', async () => {
    const store = new RecordingStore();
    const { auth } = createAuth({ store });
    const input = { ...uniqueUser('Layout'), email: `Mixed.Case+${Date.now()}@Example.COM` };

    const user = await auth.register(input);

    const usernameKey = `user/username/${input.username.toLowerCase()}`;
    const emailKey = `user/email/${input.email.toLowerCase()}`;
    assert.deepEqual([...store.entries.keys()].sort(), [emailKey, `user/id/${user.id}`, usernameKey].sort());
    assert.equal(store.entries.get(usernameKey), user.id);
    assert.equal(store.entries.get(emailKey), user.id);

    const puts = store.calls.filter(([method]) => method === 'put').map(([, key]) => key);
    assert.deepEqual(puts, [`user/id/${user.id}`, usernameKey, emailKey]);
    assert.deepEqual(store.calls.filter(([method]) => method === 'delete'), []);
  });

  test('record holds the hash, never the password', async () => {
    const store = new RecordingStore();
    const { auth } = createAuth({ store });
    const input = uniqueUser('Record');

    const user = await auth.register(input);
    const record = await readRecord(store, user.id);

    assert.deepEqual(Object.keys(record).sort(), RECORD_KEYS);
    assert.deepEqual({ ...record, password_hash: undefined }, { ...user, password_hash: undefined });
    assert.ok(record.password_hash.startsWith(DEFAULT_HASH_PREFIX), record.password_hash);
    for (const value of store.entries.values()) {
      assert.ok(!value.includes(input.password), 'a stored value contains the password');
    }
  });

  test('login reads the index, then the record', async () => {
    const store = new RecordingStore();
    const { auth } = createAuth({ store });
    const input = uniqueUser('Reads');
    const user = await auth.register(input);

    store.calls.length = 0;
    await auth.login({ username: input.username.toUpperCase(), password: input.password });
    assert.deepEqual(store.calls, [
      ['get', `user/username/${input.username.toLowerCase()}`],
      ['get', `user/id/${user.id}`],
    ]);

    store.calls.length = 0;
    await auth.login({ username: input.email.toUpperCase(), password: input.password });
    assert.deepEqual(store.calls, [
      ['get', `user/email/${input.email}`],
      ['get', `user/id/${user.id}`],
    ]);
  });

  test('currentUser and verifyToken reads', async () => {
    const store = new RecordingStore();
    const { auth } = createAuth({ store });
    const input = uniqueUser('Current');
    const user = await auth.register(input);
    const { access_token: token } = await auth.login({ username: input.username, password: input.password });

    store.calls.length = 0;
    await auth.currentUser(token);
    assert.deepEqual(store.calls, [['get', `user/id/${user.id}`]]);

    store.calls.length = 0;
    await auth.verifyToken(token);
    assert.deepEqual(store.calls, [], 'verifyToken must not touch the store');
  });

  test('login rehashes a weaker hash', async () => {
    const store = new RecordingStore();
    const { auth } = createAuth({ store });
    const input = uniqueUser('Rehash');
    const user = await auth.register(input);
    const { auth: stronger } = createAuth({ store, config: { password: { iterations: 3 } } });

    store.calls.length = 0;
    const session = await stronger.login({ username: input.username, password: input.password });

    assert.equal(session.user.id, user.id);
    assert.deepEqual(store.calls.filter(([method]) => method === 'put'), [['put', `user/id/${user.id}`]]);
    const record = await readRecord(store, user.id);
    assert.ok(record.password_hash.startsWith('$argon2id$v=19$m=19456,t=3,p=1$'), record.password_hash);
    // The original policy still verifies the stronger hash and keeps it.
    store.calls.length = 0;
    await auth.login({ username: input.username, password: input.password });
    assert.deepEqual(store.calls.filter(([method]) => method === 'put'), []);
  });
});

describe('MemoryStore', () => {
  test('get, put, delete and size', async () => {
    const store = new MemoryStore();

    assert.equal(await store.get('missing'), null);
    assert.equal(store.size, 0);
    await store.put('a', 'one');
    await store.put('b', 2);
    assert.equal(await store.get('a'), 'one');
    assert.equal(await store.get('b'), '2', 'put stores values as strings');
    assert.equal(store.size, 2);
    await store.delete('a');
    await store.delete('never-stored');
    assert.equal(await store.get('a'), null);
    assert.equal(store.size, 1);
  });

  test('methods return promises', () => {
    const store = new MemoryStore();

    assert.ok(store.get('a') instanceof Promise);
    assert.ok(store.put('a', 'b') instanceof Promise);
    assert.ok(store.delete('a') instanceof Promise);
  });

  test('instances do not share entries', async () => {
    const first = new MemoryStore();
    const second = new MemoryStore();

    await first.put('key', 'value');

    assert.equal(await second.get('key'), null);
  });
});

describe('concurrent registration', () => {
  /** Registers every request at once and returns the users that succeeded. */
  async function registerAll(auth, requests) {
    const results = await Promise.allSettled(requests.map((request) => auth.register(request)));
    const fulfilled = results.filter((result) => result.status === 'fulfilled').map((result) => result.value);
    const rejected = results.filter((result) => result.status === 'rejected').map((result) => result.reason);
    for (const error of rejected) {
      assert.equal(error.code, 'user_exists', `unexpected failure: ${error.message}`);
    }
    return fulfilled;
  }

  test('same username yields one user', async () => {
    const store = new RecordingStore();
    const { auth } = createAuth({ store });
    const base = uniqueUser('Race');
    const requests = [0, 1, 2].map((index) => ({ ...base, email: `race${index}.${base.email}` }));

    const winners = await registerAll(auth, requests);

    assert.equal(winners.length, 1, 'exactly one registration must succeed');
    const recordPuts = store.calls.filter(([method, key]) => method === 'put' && key.startsWith('user/id/'));
    assert.ok(recordPuts.length >= 2, 'the registrations must race past the early check');
    const [winner] = winners;
    assert.deepEqual(store.keysWithPrefix('user/id/'), [`user/id/${winner.id}`]);
    assert.equal(store.entries.get(`user/username/${base.username.toLowerCase()}`), winner.id);
    assert.deepEqual(store.keysWithPrefix('user/email/'), [`user/email/${winner.email}`]);
  });

  test('same username in another case yields one user', async () => {
    const { auth, store } = createAuth();
    const base = uniqueUser('Case');
    const requests = [
      base,
      { ...base, username: base.username.toUpperCase(), email: `upper.${base.email}` },
    ];

    const winners = await registerAll(auth, requests);

    assert.equal(winners.length, 1);
    assert.equal(store.size, 3, 'the loser must leave no keys behind');
  });

  test('same email yields one user', async () => {
    const store = new RecordingStore();
    const { auth } = createAuth({ store });
    const base = uniqueUser('Email');
    const requests = [base, { ...uniqueUser('Email'), email: base.email }];

    const winners = await registerAll(auth, requests);

    assert.equal(winners.length, 1);
    assert.deepEqual(store.keysWithPrefix('user/id/'), [`user/id/${winners[0].id}`]);
    assert.equal(store.keysWithPrefix('user/username/').length, 1);
  });

  test('different users all succeed', async () => {
    const { auth, store } = createAuth();
    const requests = [uniqueUser('Many'), uniqueUser('Many'), uniqueUser('Many')];

    const winners = await registerAll(auth, requests);

    assert.equal(winners.length, 3);
    assert.equal(store.size, 9);
  });
});
