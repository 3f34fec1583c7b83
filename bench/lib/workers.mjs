// Starts jwtlib's Worker and the jose Worker on workerd through Miniflare, each on a
// free port of 127.0.0.1, with a fresh in-memory KV namespace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { root, workerScript, workerWasm } from './paths.mjs';
import { KEY_ID } from './fixtures.mjs';

const compatibilityDate = readFileSync(path.join(root, 'wrangler.toml'), 'utf8')
  .match(/^compatibility_date\s*=\s*"([^"]+)"/m)[1];

/**
 * Starts one Worker. `kind` is `jwtlib` (build/index.js, or index.js in `workerDir`) or
 * `jose` (the bundle at `joseScript`). Returns `{ miniflare, url }`, and
 * `miniflare.dispose()` stops it. `bindings` adds or overrides variables of jwtlib's
 * Worker, such as PASSWORD_PRESET.
 */
export async function startWorker(kind, { secret, joseScript, workerDir, bindings = {} }) {
  const modules = kind === 'jwtlib'
    ? [
        { type: 'ESModule', path: workerDir ? path.join(workerDir, 'index.js') : workerScript },
        { type: 'CompiledWasm', path: workerDir ? path.join(workerDir, 'index_bg.wasm') : workerWasm },
      ]
    : [{ type: 'ESModule', path: joseScript }];
  const miniflare = new Miniflare({
    name: `bench-${kind}`,
    modules,
    modulesRoot: path.dirname(modules[0].path),
    compatibilityDate,
    kvNamespaces: ['USERS'],
    bindings: { JWT_SECRET: secret, JWT_KEY_ID: KEY_ID, ACCESS_TOKEN_TTL: '1800', ...bindings },
    host: '127.0.0.1',
    port: 0,
    // No request to Cloudflare for `request.cf` data, and no telemetry.
    cf: false,
    telemetry: { enabled: false },
    logRequests: false,
  });
  const url = await miniflare.ready;
  return { miniflare, url: url.href.replace(/\/$/, '') };
}
