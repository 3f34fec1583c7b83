// A misconfigured Worker: each case starts its own instance and expects a 500
// invalid_config that names the problem without repeating any secret.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { assertContainsNone, assertError, startWorker } from './helpers.mjs';

const SHORT_SECRET = 'only-20-bytes-secret';

describe('Worker configuration errors', () => {
  const workers = [];

  after(async () => {
    for (const worker of workers) {
      assert.deepEqual(worker.outboundRequests, []);
      await worker.dispose();
    }
  });

  const cases = [
    {
      name: 'short JWT_SECRET',
      options: { bindings: { JWT_SECRET: SHORT_SECRET } },
      messagePattern: /at least 32 bytes/,
    },
    {
      name: 'missing JWT_SECRET',
      options: { bindings: { JWT_SECRET: undefined } },
      messagePattern: /no signing key/,
    },
    {
      name: 'password cost below minimum',
      options: { bindings: { PASSWORD_ITERATIONS: '1' } },
      messagePattern: /below every OWASP minimum/,
    },
    {
      name: 'missing USERS namespace',
      options: { bindUsers: false },
      messagePattern: /USERS/,
    },
  ];

  for (const { name, options, messagePattern } of cases) {
    test(`${name} is invalid_config`, async () => {
      const worker = await startWorker(options);
      workers.push(worker);

      const health = await worker.request('/health');
      assert.equal(health.status, 200, 'GET /health needs no configuration');

      const response = await worker.postJson('/auth/login', { username: 'alice', password: 'long enough' });
      const { text, message } = await assertError(response, 'invalid_config');
      assert.match(message, messagePattern);
      assertContainsNone(text, [SHORT_SECRET]);

      const lines = worker.logs.map((entry) => entry.message);
      assert.ok(
        lines.some((line) => line.includes('/auth/login') && line.includes('invalid_config')),
        `no log line names the failed request: ${JSON.stringify(lines)}`,
      );
      assertContainsNone(JSON.stringify(lines), [SHORT_SECRET, 'long enough']);
    });
  }
});
