// Users in the USERS KV namespace: the stored layout, disabled and corrupt records,
// and persistence across Worker instances that share a KV directory.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertContainsNone, assertError, startWorker, uniqueUser } from './helpers.mjs';

const RECORD_KEYS = ['created_at', 'email', 'id', 'is_active', 'password_hash', 'username'];

/** Reads the stored record of user `id`. */
async function readRecord(users, id) {
  const json = await users.get(`user/id/${id}`);
  assert.notEqual(json, null, `no record is stored for user ${id}`);
  return JSON.parse(json);
}

describe('Worker user storage', () => {
  let worker;
  let users;
  let session;

  before(async () => {
    worker = await startWorker();
    users = await worker.usersNamespace();
    session = await worker.signUp(uniqueUser('canary'));
  });

  after(async () => {
    assert.deepEqual(worker.outboundRequests, []);
    await worker.dispose();
  });

  test('register stores record and indexes', async () => {
    const user = { ...uniqueUser('Layout'), email: `Layout-${Date.now()}@Example.COM` };
    const registered = await worker.register(user);

    const record = await readRecord(users, registered.id);
    assert.deepEqual(Object.keys(record).sort(), RECORD_KEYS);
    assert.equal(record.id, registered.id);
    assert.equal(record.username, user.username);
    assert.equal(record.email, user.email.toLowerCase());
    assert.equal(record.is_active, true);
    assert.equal(record.created_at, registered.created_at);
    assert.match(record.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    assert.ok(!record.password_hash.includes(user.password));

    assert.equal(await users.get(`user/username/${user.username.toLowerCase()}`), registered.id);
    assert.equal(await users.get(`user/email/${user.email.toLowerCase()}`), registered.id);
  });

  test('rejected registration stores nothing', async () => {
    const keyCount = (await users.list()).keys.length;
    const response = await worker.postJson('/auth/register', { ...uniqueUser('nothing'), password: 'short' });
    await assertError(response, 'validation_failed');
    assert.equal((await users.list()).keys.length, keyCount);
  });

  describe('disabled user', () => {
    let user;
    let login;

    before(async () => {
      user = uniqueUser('disabled');
      login = await worker.signUp(user);
      const record = await readRecord(users, login.user.id);
      await users.put(`user/id/${record.id}`, JSON.stringify({ ...record, is_active: false }));
    });

    test('me is user_inactive', async () => {
      const { text } = await assertError(await worker.getMe(login.access_token), 'user_inactive');
      assertContainsNone(text, [login.access_token]);
      await worker.assertServing(session);
    });

    test('login is user_inactive', async () => {
      const response = await worker.postJson('/auth/login', { username: user.username, password: user.password });
      const { text } = await assertError(response, 'user_inactive');
      assertContainsNone(text, [user.password]);
      await worker.assertServing(session);
    });

    test('wrong password hides the status', async () => {
      const response = await worker.postJson('/auth/login', { username: user.username, password: 'not the password' });
      await assertError(response, 'invalid_credentials');
    });

    test('introspect is inactive', async () => {
      const response = await worker.postJson('/auth/introspect', { token: login.access_token });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '{"active":false}');
    });

    test('enabling again restores access', async () => {
      const record = await readRecord(users, login.user.id);
      await users.put(`user/id/${record.id}`, JSON.stringify({ ...record, is_active: true }));
      const response = await worker.getMe(login.access_token);
      assert.equal(response.status, 200);
      assert.equal((await response.json()).is_active, true);
    });
  });

  describe('corrupt record', () => {
    let user;
    let login;

    before(async () => {
      user = uniqueUser('corrupt');
      login = await worker.signUp(user);
      await users.put(`user/id/${login.user.id}`, '{"id": "truncated');
    });

    test('me is repository_unavailable', async () => {
      const { text } = await assertError(await worker.getMe(login.access_token), 'repository_unavailable');
      assertContainsNone(text, [login.access_token, 'truncated']);
      await worker.assertServing(session);
    });

    test('login is repository_unavailable', async () => {
      const response = await worker.postJson('/auth/login', { username: user.username, password: user.password });
      const { text } = await assertError(response, 'repository_unavailable');
      assertContainsNone(text, [user.password]);
    });

    test('introspect is inactive', async () => {
      const response = await worker.postJson('/auth/introspect', { token: login.access_token });
      assert.equal(await response.text(), '{"active":false}');
    });

    test('failure is logged without secrets', () => {
      const lines = worker.logs.map((entry) => entry.message);
      assert.ok(
        lines.some((line) => line.includes('/auth/me') && line.includes('repository_unavailable')),
        `no log line names the failed request: ${JSON.stringify(lines)}`,
      );
      assertContainsNone(JSON.stringify(lines), [login.access_token, user.password]);
    });
  });
});

describe('Worker KV persistence', () => {
  let directory;
  const workers = [];

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'jwtlib-worker-kv-'));
  });

  after(async () => {
    for (const worker of workers) {
      assert.deepEqual(worker.outboundRequests, []);
      await worker.dispose();
    }
    await rm(directory, { recursive: true, force: true });
  });

  test('second instance sees the user', async () => {
    const user = uniqueUser('persist');
    const first = await startWorker({ kvPersist: directory });
    workers.push(first);
    const login = await first.signUp(user);
    await first.dispose();
    workers.pop();

    // A stronger password policy makes the second instance replace the stored hash.
    const second = await startWorker({ kvPersist: directory, bindings: { PASSWORD_ITERATIONS: '3' } });
    workers.push(second);

    const me = await second.getMe(login.access_token);
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), login.user);

    const duplicate = await second.postJson('/auth/register', user);
    await assertError(duplicate, 'user_exists');

    const relogin = await second.login(user.username, user.password);
    assert.equal(relogin.user.id, login.user.id);
    const record = await readRecord(await second.usersNamespace(), login.user.id);
    assert.match(record.password_hash, /^\$argon2id\$v=19\$m=19456,t=3,p=1\$/);
    const afterRehash = await second.login(user.email, user.password);
    assert.equal(afterRehash.user.id, login.user.id);
  });
});
