// Numbers in the configuration that JSON cannot hold are rejected, not read as absent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Auth, AuthError, MemoryStore } from 'jwtlib';

const SECRET = 'a test secret that is long enough to sign';

test('non-finite numbers are invalid_config', () => {
  const cases = [
    { accessTokenTtl: Number(undefined) },
    { leeway: Infinity },
    { maxTokenLength: -Infinity },
    { storeTimeoutMs: NaN },
    { password: { memoryKib: NaN } },
  ];
  for (const options of cases) {
    assert.throws(
      () => new Auth({ secret: SECRET, ...options }, new MemoryStore()),
      (error) => error instanceof AuthError && error.code === 'invalid_config',
      JSON.stringify(Object.keys(options)),
    );
  }
});
