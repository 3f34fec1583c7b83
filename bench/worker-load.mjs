// Section 4: jwtlib's Worker against the jose Worker over HTTP on workerd. Both run
// under Miniflare on 127.0.0.1 with the same users and secret. A separate process loads
// them with autocannon, alternating between the two, for a bounded time.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { Auth, MemoryStore } from 'jwtlib';
import { buildJoseWorker } from './lib/bundle.mjs';
import { startWorker } from './lib/workers.mjs';
import { ARGON2_COST, KEY_ID, PASSWORD, randomId, randomSecret, seedUser, userRecord } from './lib/fixtures.mjs';
import { median, round } from './lib/stats.mjs';
import { root } from './lib/paths.mjs';
import { progress, runSectionIfMain } from './lib/section.mjs';

const clientScript = fileURLToPath(new URL('./load-client.mjs', import.meta.url));
const KINDS = ['jwtlib', 'jose'];

function signToken(secret, sub, expiresIn = '30m') {
  return new SignJWT({ sub, jti: randomId() })
    .setProtectedHeader({ alg: 'HS256', kid: KEY_ID, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** Returns the request that loads each endpoint. */
function endpoints(token) {
  return {
    'GET /auth/me': { path: '/auth/me', method: 'GET', headers: { Authorization: `Bearer ${token}` } },
    'POST /auth/introspect': {
      path: '/auth/introspect',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    },
  };
}

/**
 * Sends the same requests to both Workers and compares the responses: status and the
 * whole JSON body for successes, status and error code for failures, and the headers
 * that clients rely on.
 */
async function checkParity(urls, token, expiredToken) {
  const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
  const json = { 'Content-Type': 'application/json' };
  const cases = [
    ['me with a valid token', '/auth/me', { headers: { Authorization: `Bearer ${token}` } }],
    ['me without Authorization', '/auth/me', {}],
    ['me with a Basic scheme', '/auth/me', { headers: { Authorization: 'Basic abc' } }],
    ['me with a bad signature', '/auth/me', { headers: { Authorization: `Bearer ${tampered}` } }],
    ['me with an expired token', '/auth/me', { headers: { Authorization: `Bearer ${expiredToken}` } }],
    ['me by POST', '/auth/me', { method: 'POST' }],
    ['introspect JSON', '/auth/introspect', { method: 'POST', headers: json, body: JSON.stringify({ token }) }],
    ['introspect form', '/auth/introspect', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `token=${token}&token_type_hint=access_token`,
    }],
    ['introspect a bad token', '/auth/introspect', { method: 'POST', headers: json, body: JSON.stringify({ token: tampered }) }],
    ['introspect without token', '/auth/introspect', { method: 'POST', headers: json, body: '{}' }],
    ['introspect as text/plain', '/auth/introspect', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: token }],
  ];
  const checks = [];
  for (const [name, path, init] of cases) {
    const answers = {};
    for (const kind of KINDS) {
      const response = await fetch(`${urls[kind]}${path}`, init);
      const body = await response.json();
      const headers = ['cache-control', 'content-type', 'www-authenticate', 'allow']
        .map((header) => `${header}=${response.headers.get(header)}`)
        .join('; ');
      const shape = response.status === 200 ? JSON.stringify(body) : body.error?.code;
      answers[kind] = { status: response.status, shape, headers };
    }
    const [ours, theirs] = KINDS.map((kind) => answers[kind]);
    checks.push({
      name,
      status: ours.status,
      code: ours.status === 200 ? undefined : ours.shape,
      same: ours.status === theirs.status && ours.shape === theirs.shape && ours.headers === theirs.headers,
      ...(ours.shape === theirs.shape ? {} : { jwtlib: ours, jose: theirs }),
    });
  }
  return checks;
}

const execFileAsync = promisify(execFile);

/**
 * Runs bounded autocannon loads one after the other in a child process. The call is
 * asynchronous so that this process, which controls Miniflare, stays responsive.
 *
 * @param {{ url: string, request: object, load: object }[]} runs
 */
async function runLoads(runs) {
  const argument = runs.map(({ url, request, load }) => {
    const { path, ...http } = request;
    return { url: `${url}${path}`, ...http, ...load };
  });
  const { stdout } = await execFileAsync(process.execPath, [clientScript, JSON.stringify(argument)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return JSON.parse(stdout);
}

export async function measureWorkerLoad({ smoke }) {
  const load = smoke
    ? { connections: 2, amount: 20 }
    : { connections: 10, duration: 3, maxOverallRequests: 200_000 };
  const warmup = smoke ? null : { connections: 10, amount: 500 };
  const rounds = smoke ? 1 : 5;

  const secret = randomSecret();
  const hasher = new Auth({ secret, password: ARGON2_COST }, new MemoryStore());
  const passwordHash = await hasher.hashPassword(PASSWORD);
  hasher.free();
  const user = userRecord({ username: 'alice', email: 'alice@example.com', passwordHash });
  const others = Array.from({ length: smoke ? 0 : 5 }, (_, i) =>
    userRecord({ username: `user${i}`, email: `user${i}@example.com`, passwordHash }));
  const token = await signToken(secret, user.id);
  const expiredToken = await signToken(secret, user.id, Math.floor(Date.now() / 1000) - 60);

  const joseScript = buildJoseWorker();
  const running = {};
  try {
    for (const kind of KINDS) {
      running[kind] = await startWorker(kind, { secret, joseScript });
      const kv = await running[kind].miniflare.getKVNamespace('USERS');
      for (const record of [user, ...others]) await seedUser(kv, record);
    }
    const urls = Object.fromEntries(KINDS.map((kind) => [kind, running[kind].url]));

    progress('comparing answers of both Workers');
    const parity = await checkParity(urls, token, expiredToken);
    const successMismatch = parity.find((check) => check.status === 200 && !check.same);
    if (successMismatch) {
      throw new Error(`the two Workers return different responses for "${successMismatch.name}", so the load test would compare different work`);
    }

    const requests = endpoints(token);
    const targets = Object.entries(requests).flatMap(([endpoint, request]) =>
      KINDS.map((kind) => ({ endpoint, kind, url: urls[kind], request })));
    if (warmup) {
      progress('warming up');
      await runLoads(targets.map((target) => ({ ...target, load: warmup })));
    }
    const samples = {};
    for (let round = 0; round < rounds; round++) {
      // Odd rounds reverse the order, so neither Worker always runs first.
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      progress(`round ${round + 1}/${rounds}: ${order.length} loads`);
      const measured = await runLoads(order.map((target) => ({ ...target, load })));
      order.forEach(({ endpoint, kind }, index) => {
        (samples[endpoint] ??= { jwtlib: [], jose: [] })[kind].push(measured[index]);
      });
    }

    const results = {};
    for (const [endpoint, byKind] of Object.entries(samples)) {
      results[endpoint] = {};
      for (const [kind, list] of Object.entries(byKind)) {
        results[endpoint][kind] = {
          requestsPerSecond: round(median(list.map((sample) => sample.requestsPerSecond))),
          latencyP50Ms: round(median(list.map((sample) => sample.latencyP50Ms))),
          latencyP99Ms: round(median(list.map((sample) => sample.latencyP99Ms))),
          requests: list.reduce((sum, sample) => sum + sample.requests, 0),
          failures: list.reduce((sum, sample) => sum + sample.non2xx + sample.errors + sample.timeouts, 0),
          rounds: list.map((sample) => round(sample.requestsPerSecond)),
        };
      }
    }
    return {
      description:
        'requests/s and latency from autocannon in a separate process on 127.0.0.1, median over rounds that alternate the two Workers. Both run on workerd under Miniflare with an in-memory KV namespace.',
      load,
      rounds,
      parity,
      results,
    };
  } finally {
    for (const worker of Object.values(running)) await worker.miniflare.dispose();
  }
}

await runSectionIfMain(import.meta.url, measureWorkerLoad);
