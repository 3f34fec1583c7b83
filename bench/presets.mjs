// Estimated Argon2 cost of each password preset inside workerd, the runtime the Worker
// is billed on. Code inside a Worker cannot time itself (its clock does not advance
// while it computes), so the cost is measured from outside: the median time of a
// registration, which hashes once, minus the median time of a registration that stops
// at user_exists before hashing. The difference also holds three local KV writes, so it
// overstates the hash by about a millisecond.
import { startWorker } from './lib/workers.mjs';
import { PASSWORD, randomSecret } from './lib/fixtures.mjs';
import { progress, runSectionIfMain } from './lib/section.mjs';
import { median, round } from './lib/stats.mjs';
import { performance } from 'node:perf_hooks';

/** The presets of the library, with their costs, as documented in the README. */
const PRESETS = [
  { name: 'owasp-46m', memoryKib: 47_104, iterations: 1, parallelism: 1 },
  { name: 'owasp-19m', memoryKib: 19_456, iterations: 2, parallelism: 1 },
  { name: 'owasp-12m', memoryKib: 12_288, iterations: 3, parallelism: 1 },
  { name: 'owasp-9m', memoryKib: 9_216, iterations: 4, parallelism: 1 },
  { name: 'owasp-7m', memoryKib: 7_168, iterations: 5, parallelism: 1 },
  { name: 'rfc9106-64m', memoryKib: 65_536, iterations: 3, parallelism: 4 },
];

async function timedRegister(url, body) {
  const started = performance.now();
  const response = await fetch(`${url}/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

export async function measurePresets({ smoke }) {
  const rounds = smoke ? 1 : 9;
  const presets = [];
  for (const preset of PRESETS) {
    progress(`preset ${preset.name}`);
    const { miniflare, url } = await startWorker('jwtlib', {
      secret: randomSecret(),
      bindings: { PASSWORD_PRESET: preset.name },
    });
    try {
      const taken = { username: 'taken', email: 'taken@example.com', password: PASSWORD };
      const first = await timedRegister(url, taken);
      if (first.status !== 201) throw new Error(`register returned status ${first.status} under ${preset.name}`);
      const hashing = [];
      const baseline = [];
      for (let round = 0; round < rounds; round++) {
        const user = { username: `user${round}`, email: `user${round}@example.com`, password: PASSWORD };
        const fresh = await timedRegister(url, user);
        const duplicate = await timedRegister(url, taken);
        if (fresh.status !== 201 || duplicate.status !== 409) {
          throw new Error(`unexpected statuses ${fresh.status}/${duplicate.status} under ${preset.name}`);
        }
        hashing.push(fresh.ms);
        baseline.push(duplicate.ms);
      }
      presets.push({
        ...preset,
        hashMs: round(median(hashing) - median(baseline), 3),
        registerMedianMs: round(median(hashing), 3),
        baselineMedianMs: round(median(baseline), 3),
      });
    } finally {
      await miniflare.dispose();
    }
  }
  return { presets };
}

await runSectionIfMain(import.meta.url, measurePresets);
