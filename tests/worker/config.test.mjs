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

      // A misconfigured Worker is not healthy.
      await assertError(await worker.request('/health'), 'invalid_config');

      const response = await worker.postJson('/auth/login', { username: 'alice', password: 'long enough' });
      const { text, message } = await assertError(response, 'invalid_config');
      // Clients get a fixed message; the details go to the log only.
      assert.equal(message, 'the service is misconfigured; its log has the details');
      assertContainsNone(text, [SHORT_SECRET]);

      const lines = worker.logs.map((entry) => entry.message);
      assert.ok(lines.some((line) => messagePattern.test(line)), `no log line explains it: ${JSON.stringify(lines)}`);
      assert.ok(
        lines.some((line) => line.includes('/auth/login') && line.includes('invalid_config')),
        `no log line names the failed request: ${JSON.stringify(lines)}`,
      );
      assertContainsNone(JSON.stringify(lines), [SHORT_SECRET, 'long enough']);
    });
  }
});
