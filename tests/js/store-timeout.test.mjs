// A store call that never settles must fail after storeTimeoutMs instead of hanging
// the caller, and the timer must not keep Node running afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Auth, AuthError, MemoryStore, wasmMemoryBytes } from 'jwtlib';

const SECRET = 'a test secret that is long enough to sign';

class HangingStore extends MemoryStore {
  hang = false;

  get(key) {
    return this.hang ? new Promise(() => {}) : super.get(key);
  }
}

test('hanging store times out', async () => {
  const store = new HangingStore();
  const auth = new Auth({ secret: SECRET, storeTimeoutMs: 50 }, store);
  const { id } = await auth.register({ username: 'alice', email: 'alice@example.com', password: 'long enough password' });
  const { access_token: token } = await auth.issueToken(id);

  store.hang = true;
  const started = Date.now();
  const error = await auth.currentUser(token).then(
    () => assert.fail('currentUser resolved with a hanging store'),
    (rejection) => rejection,
  );
  assert.ok(error instanceof AuthError);
  assert.equal(error.code, 'repository_unavailable');
  assert.match(error.message, /get timed out after 50 ms/);
  assert.ok(Date.now() - started < 2_000, 'the timeout fired late');

  assert.deepEqual(await auth.introspect(token), { active: false });
});

test('fast store calls are not cut short', async () => {
  const auth = new Auth({ secret: SECRET, storeTimeoutMs: 1 }, new MemoryStore());
  const user = await auth.register({ username: 'bob', email: 'bob@example.com', password: 'long enough password' });
  assert.equal(user.username, 'bob');
});

test('store timeout out of range is invalid_config', () => {
  for (const storeTimeoutMs of [0, 60_001, -5]) {
    assert.throws(
      () => new Auth({ secret: SECRET, storeTimeoutMs }, new MemoryStore()),
      (error) => error instanceof AuthError && error.code === 'invalid_config',
      String(storeTimeoutMs),
    );
  }
});

test('store calls free their timers', async () => {
  // Each store call arms and clears a timer; nothing of it may stay allocated.
  const auth = new Auth({ secret: SECRET }, new MemoryStore());
  const { id } = await auth.register({ username: 'carol', email: 'carol@example.com', password: 'long enough password' });
  const { access_token: token } = await auth.issueToken(id);
  for (let i = 0; i < 5_000; i++) await auth.currentUser(token);
  const before = wasmMemoryBytes();

  for (let i = 0; i < 30_000; i++) await auth.currentUser(token);

  assert.equal(wasmMemoryBytes(), before);
});
