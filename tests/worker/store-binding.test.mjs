// What USERS must be: a KV namespace. Other bindings with a `get` are a configuration
// error, and a store call that does not settle fails after STORE_TIMEOUT_MS.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { Miniflare } from 'miniflare';

import { assertError, JWT_SECRET, KEY_ID, readWranglerConfig, uniqueUser, workerModuleOptions } from './helpers.mjs';

describe('USERS bound to an R2 bucket', () => {
  test('every route is invalid_config', async () => {
    // The harness binds only KV, so this instance binds the bucket itself.
    const miniflare = new Miniflare({
      host: '127.0.0.1',
      cf: false,
      ...workerModuleOptions(),
      r2Buckets: ['USERS'],
      bindings: { JWT_SECRET, JWT_KEY_ID: KEY_ID },
    });
    try {
      for (const path of ['/health', '/auth/me']) {
        const response = await miniflare.dispatchFetch(new URL(path, 'http://127.0.0.1'));
        await assertError(response, 'invalid_config');
      }
    } finally {
      await miniflare.dispose();
    }
  });
});

// A KV stand-in whose calls take 30 s, reached over RPC like a service binding.
const SLOW_STORE = `
import { WorkerEntrypoint } from 'cloudflare:workers';
const slow = () => new Promise((resolve) => setTimeout(() => resolve(null), 30000));
export class SlowKv extends WorkerEntrypoint {
  get() { return slow(); }
  getWithMetadata() { return slow(); }
  put() { return slow(); }
  delete() { return slow(); }
}
export default { fetch() { return new Response('slow store'); } };
`;

describe('store that does not settle', () => {
  let miniflare;

  after(async () => {
    await miniflare?.dispose();
  });

  test('login is repository_unavailable after STORE_TIMEOUT_MS', async () => {
    miniflare = new Miniflare({
      host: '127.0.0.1',
      cf: false,
      workers: [
        {
          name: 'auth',
          ...workerModuleOptions(),
          bindings: { JWT_SECRET, JWT_KEY_ID: KEY_ID, STORE_TIMEOUT_MS: '300' },
          serviceBindings: { USERS: { name: 'slow-kv', entrypoint: 'SlowKv' } },
        },
        {
          name: 'slow-kv',
          modules: true,
          script: SLOW_STORE,
          compatibilityDate: readWranglerConfig().compatibilityDate,
        },
      ],
    });
    const user = uniqueUser('slow');
    const started = performance.now();

    const response = await miniflare.dispatchFetch(new URL('/auth/login', 'http://127.0.0.1'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });

    const elapsed = performance.now() - started;
    const { message } = await assertError(response, 'repository_unavailable');
    assert.equal(message, 'user store unavailable: get timed out after 300 ms');
    assert.ok(elapsed < 10_000, `the answer took ${Math.round(elapsed)} ms`);
  });
});
