// One cold start, run by cold-start.mjs in a fresh Node process: loads a library and
// makes one currentUser call, then prints the phase timings as JSON on stdout.
// Usage: node bench/cold-start-child.mjs jwtlib|jose|wasm '<fixture JSON>'
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [kind, fixtureJson] = process.argv.slice(2);
const fixture = JSON.parse(fixtureJson ?? '{}');

async function seededStore(MemoryStore) {
  const store = new MemoryStore();
  const { record } = fixture;
  await store.put(`user/id/${record.id}`, JSON.stringify(record));
  return store;
}

async function coldStartJwtlib() {
  const start = performance.now();
  // The Node entry reads, compiles and instantiates the wasm module on import.
  const { Auth, MemoryStore } = await import('jwtlib');
  const loaded = performance.now();
  const store = await seededStore(MemoryStore);
  const auth = new Auth({ keys: [{ kid: fixture.kid, alg: 'HS256', secret: fixture.secret }] }, store);
  const ready = performance.now();
  const user = await auth.currentUser(fixture.token);
  const answered = performance.now();
  if (user.id !== fixture.record.id) throw new Error('jwtlib returned the wrong user');
  return { importMs: loaded - start, setupMs: ready - loaded, firstCallMs: answered - ready, totalMs: answered - start };
}

async function coldStartJose() {
  const start = performance.now();
  const { MemoryStore } = await import('../js/memory-store.js');
  const { currentUser, importHmacKey, keyRing } = await import('./jose-worker/auth.js');
  const loaded = performance.now();
  const store = await seededStore(MemoryStore);
  const ring = keyRing([{ kid: fixture.kid, alg: 'HS256', key: await importHmacKey(fixture.secret) }]);
  const ready = performance.now();
  const user = await currentUser(fixture.token, store, ring);
  const answered = performance.now();
  if (user.id !== fixture.record.id) throw new Error('jose returned the wrong user');
  return { importMs: loaded - start, setupMs: ready - loaded, firstCallMs: answered - ready, totalMs: answered - start };
}

/** Compiles and instantiates the package's wasm alone, with stub imports. */
function coldStartWasm() {
  const start = performance.now();
  const bytes = readFileSync(new URL('../pkg/jwtlib_bg.wasm', import.meta.url));
  const read = performance.now();
  const module = new WebAssembly.Module(bytes);
  const compiled = performance.now();
  const imports = {};
  for (const { module: name, name: field } of WebAssembly.Module.imports(module)) {
    imports[name] ??= {};
    imports[name][field] = () => {
      throw new Error(`stub import ${field} called`);
    };
  }
  new WebAssembly.Instance(module, imports);
  const instantiated = performance.now();
  return { readMs: read - start, compileMs: compiled - read, instantiateMs: instantiated - compiled };
}

const measure = { jwtlib: coldStartJwtlib, jose: coldStartJose, wasm: coldStartWasm }[kind];
if (measure === undefined) {
  process.stderr.write(`unknown kind ${JSON.stringify(kind)}; expected jwtlib, jose or wasm\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await measure())}\n`);
