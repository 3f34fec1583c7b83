// Section 2: Argon2id hashing and verification at m=19456 KiB, t=2, p=1: jwtlib's
// wasm against hash-wasm (wasm) and @node-rs/argon2 (native addon), interleaved.
import { randomBytes } from 'node:crypto';
import { argon2Verify, argon2id } from 'hash-wasm';
import { Algorithm, hashSync, verifySync } from '@node-rs/argon2';
import { Auth, MemoryStore } from 'jwtlib';
import { compareLatency } from './lib/measure.mjs';
import { ARGON2_COST, PASSWORD, randomSecret } from './lib/fixtures.mjs';
import { progress, runSectionIfMain } from './lib/section.mjs';

const { memoryKib, iterations, parallelism } = ARGON2_COST;

export async function measureArgon2({ smoke }) {
  const rounds = smoke ? 1 : 15;
  // V8 first runs wasm through its baseline compiler and swaps in optimized code after
  // a few calls; with one warm-up call the first section measured partly baseline code.
  const warmup = smoke ? 1 : 5;
  const auth = new Auth({ secret: randomSecret(), password: ARGON2_COST }, new MemoryStore());

  const hashers = {
    jwtlib: () => auth.hashPassword(PASSWORD),
    'hash-wasm': () =>
      argon2id({
        password: PASSWORD,
        salt: randomBytes(16),
        iterations,
        parallelism,
        memorySize: memoryKib,
        hashLength: 32,
        outputType: 'encoded',
      }),
    // The synchronous call runs on this thread like the two wasm libraries, so the
    // figure is compute time without the thread pool hop of the async `hash`.
    '@node-rs/argon2': () =>
      hashSync(PASSWORD, {
        algorithm: Algorithm.Argon2id,
        memoryCost: memoryKib,
        timeCost: iterations,
        parallelism,
      }),
  };

  // Every library must verify every other library's PHC string at this cost.
  const hashes = {};
  for (const [name, hash] of Object.entries(hashers)) {
    hashes[name] = await hash();
    if (!hashes[name].startsWith(`$argon2id$v=19$m=${memoryKib},t=${iterations},p=${parallelism}$`)) {
      throw new Error(`${name} produced an unexpected PHC string prefix`);
    }
  }
  const verifiers = {
    jwtlib: (hash) => auth.verifyPassword(PASSWORD, hash),
    'hash-wasm': (hash) => argon2Verify({ password: PASSWORD, hash }),
    '@node-rs/argon2': (hash) => verifySync(hash, PASSWORD),
  };
  for (const [verifierName, verify] of Object.entries(verifiers)) {
    for (const [hasherName, hash] of Object.entries(hashes)) {
      if ((await verify(hash)) !== true) {
        throw new Error(`${verifierName} rejected the hash made by ${hasherName}`);
      }
    }
  }

  progress('Argon2id hash');
  const hash = await compareLatency(hashers, { rounds, warmup });
  progress('Argon2id verify');
  const verify = await compareLatency(
    Object.fromEntries(Object.entries(verifiers).map(([name, run]) => [name, () => run(hashes.jwtlib)])),
    { rounds, warmup },
  );
  auth.free();
  return {
    description: 'Milliseconds per call at m=19456 KiB, t=2, p=1, median of interleaved calls. Each library verifies the hash made by jwtlib.',
    cost: ARGON2_COST,
    rounds,
    hash,
    verify,
  };
}

await runSectionIfMain(import.meta.url, measureArgon2);
