// Section 6: cold start. In Node: fresh processes that load the library and make one
// currentUser call. On workerd: time from starting Miniflare to the first response of
// GET /auth/me, for jwtlib's Worker and the jose Worker.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { buildJoseWorker } from './lib/bundle.mjs';
import { startWorker } from './lib/workers.mjs';
import { KEY_ID, randomId, randomSecret, seedUser, userRecord } from './lib/fixtures.mjs';
import { median, round } from './lib/stats.mjs';
import { root } from './lib/paths.mjs';
import { progress, runSectionIfMain } from './lib/section.mjs';

const childScript = fileURLToPath(new URL('./cold-start-child.mjs', import.meta.url));

async function makeFixture() {
  const secret = randomSecret();
  const record = userRecord({ username: 'alice', email: 'alice@example.com', passwordHash: 'unused' });
  const token = await new SignJWT({ sub: record.id, jti: randomId() })
    .setProtectedHeader({ alg: 'HS256', kid: KEY_ID, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('30m')
    .sign(new TextEncoder().encode(secret));
  return { secret, kid: KEY_ID, record, token };
}

/** Takes the median of every numeric field over a list of runs. */
function medians(runs) {
  const result = { runs: runs.length };
  for (const field of Object.keys(runs[0])) {
    result[`${field}`] = round(median(runs.map((run) => run[field])));
  }
  return result;
}

function nodeColdStarts(fixture, count) {
  const runs = { jwtlib: [], jose: [], wasm: [] };
  for (let i = 0; i < count; i++) {
    for (const kind of Object.keys(runs)) {
      const start = performance.now();
      const output = execFileSync(process.execPath, [childScript, kind, JSON.stringify(fixture)], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const processMs = performance.now() - start;
      runs[kind].push({ ...JSON.parse(output), processMs });
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([kind, list]) => [kind, medians(list)]));
}

async function workerdColdStart(kind, fixture, joseScript, warmRequests) {
  const start = performance.now();
  const { miniflare, url } = await startWorker(kind, { secret: fixture.secret, joseScript });
  try {
    const ready = performance.now();
    await seedUser(await miniflare.getKVNamespace('USERS'), fixture.record);
    const headers = { Authorization: `Bearer ${fixture.token}` };
    const requestStart = performance.now();
    const response = await fetch(`${url}/auth/me`, { headers });
    const body = await response.json();
    const answered = performance.now();
    if (response.status !== 200 || body.id !== fixture.record.id) {
      throw new Error(`${kind} Worker returned status ${response.status} for the first GET /auth/me; expected 200 with the seeded user`);
    }
    const warm = [];
    for (let i = 0; i < warmRequests; i++) {
      const warmStart = performance.now();
      await (await fetch(`${url}/auth/me`, { headers })).arrayBuffer();
      warm.push(performance.now() - warmStart);
    }
    return {
      readyMs: ready - start,
      firstResponseMs: answered - requestStart,
      totalMs: ready - start + (answered - requestStart),
      warmResponseMs: median(warm) ?? 0,
    };
  } finally {
    await miniflare.dispose();
  }
}

export async function measureColdStart({ smoke }) {
  const nodeCount = smoke ? 1 : 10;
  const workerdCount = smoke ? 1 : 5;
  const fixture = await makeFixture();

  progress(`Node: ${nodeCount} fresh processes per library`);
  const node = nodeColdStarts(fixture, nodeCount);

  progress(`workerd: ${workerdCount} Miniflare starts per Worker`);
  const joseScript = buildJoseWorker();
  const runs = { jwtlib: [], jose: [] };
  for (let i = 0; i < workerdCount; i++) {
    for (const kind of Object.keys(runs)) {
      runs[kind].push(await workerdColdStart(kind, fixture, joseScript, smoke ? 2 : 20));
    }
  }
  const workerd = Object.fromEntries(Object.entries(runs).map(([kind, list]) => [kind, medians(list)]));

  return {
    description:
      'Milliseconds, medians over fresh starts. Node: import of the library (jwtlib compiles and instantiates its wasm there), setup, first currentUser call; processMs is spawn to exit of the whole process; wasm is pkg/jwtlib_bg.wasm compiled and instantiated alone. workerd: Miniflare start until ready, then the first GET /auth/me.',
    node,
    workerd,
  };
}

await runSectionIfMain(import.meta.url, measureColdStart);
