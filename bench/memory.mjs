// Section 7: size of jwtlib's wasm memory across many logins in a row and across
// batches of concurrent logins, to show that it levels off instead of growing.
import { Auth, MemoryStore, wasmMemoryBytes } from 'jwtlib';
import { ARGON2_COST, PASSWORD, randomSecret } from './lib/fixtures.mjs';
import { progress, runSectionIfMain } from './lib/section.mjs';

const MIB = 1024 * 1024;

/**
 * Summarizes a series of memory sizes: the memory levels off when nothing was added
 * in the second half of the series.
 */
function summarize(series) {
  const middle = series[Math.floor((series.length - 1) / 2)];
  const last = series[series.length - 1];
  return {
    firstMiB: series[0] / MIB,
    middleMiB: middle / MIB,
    lastMiB: last / MIB,
    maxMiB: Math.max(...series) / MIB,
    growthInSecondHalfBytes: last - middle,
    levelsOff: last === middle,
    seriesMiB: series.map((bytes) => bytes / MIB),
  };
}

/** Attempts one login: every 5th uses a wrong password and every 7th an unknown user. */
async function attempt(auth, i) {
  const username = i % 7 === 6 ? 'nobody' : 'alice';
  const password = i % 5 === 4 ? 'wrong password, still long' : PASSWORD;
  try {
    await auth.login({ username, password });
  } catch (error) {
    if (error.code !== 'invalid_credentials') throw error;
  }
}

export async function measureMemory({ smoke }) {
  const sequentialCount = smoke ? 4 : 100;
  const batches = smoke ? 2 : 10;
  const batchSize = smoke ? 2 : 8;

  const atStart = wasmMemoryBytes();
  const auth = new Auth({ secret: randomSecret(), password: ARGON2_COST }, new MemoryStore());
  await auth.register({ username: 'alice', email: 'alice@example.com', password: PASSWORD });
  const afterRegister = wasmMemoryBytes();

  progress(`${sequentialCount} logins in a row`);
  const sequential = [];
  for (let i = 0; i < sequentialCount; i++) {
    await attempt(auth, i);
    sequential.push(wasmMemoryBytes());
  }

  progress(`${batches} batches of ${batchSize} concurrent logins`);
  const concurrent = [];
  for (let batch = 0; batch < batches; batch++) {
    await Promise.all(Array.from({ length: batchSize }, (_, i) => attempt(auth, batch * batchSize + i)));
    concurrent.push(wasmMemoryBytes());
  }
  auth.free();

  return {
    description:
      'wasmMemoryBytes() after each login (sequential) and after each batch of concurrent logins, in MiB. Wasm memory never shrinks, so a flat second half means no growth.',
    argon2MemoryMiB: ARGON2_COST.memoryKib / 1024,
    atStartMiB: atStart / MIB,
    afterRegisterMiB: afterRegister / MIB,
    sequential: { count: sequentialCount, ...summarize(sequential) },
    concurrent: { batches, batchSize, ...summarize(concurrent) },
    rssMiB: Math.round(process.memoryUsage().rss / MIB),
  };
}

await runSectionIfMain(import.meta.url, measureMemory);
