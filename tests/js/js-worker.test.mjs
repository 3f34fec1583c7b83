// The JS Worker path: a small Worker that imports the package by name
// (tests/js/fixtures/js-worker) is bundled by wrangler as `wrangler deploy` would, then
// run on workerd through Miniflare.
//
// The fixture lives inside the package, so esbuild (inside wrangler) resolves `jwtlib`
// as a self-reference through the "exports" map of the root package.json, with
// wrangler's `workerd` condition. That entry, js/workerd.js, imports the .wasm file
// statically, and wrangler turns the import into a precompiled WebAssembly.Module.
// workerd rejects compiling wasm from bytes at run time ("Wasm code generation
// disallowed by embedder"), so running the bundle on workerd also proves that nothing
// compiles wasm at run time.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { Miniflare } from 'miniflare';

import { PUBLIC_USER_KEYS, SECRET, uniqueUser } from './helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = join(ROOT, 'tests', 'js', 'fixtures', 'js-worker');
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const BASE_URL = 'http://127.0.0.1';

/** Maximum time the bundle step may take, in milliseconds. */
const BUNDLE_TIMEOUT_MS = 60_000;

const execFileAsync = promisify(execFile);

/** Reads `compatibility_date = "..."` from a wrangler.toml. */
async function readCompatibilityDate(path) {
  const text = await readFile(path, 'utf8');
  const match = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(text);
  assert.ok(match, `no compatibility_date in ${path}`);
  return match[1];
}

/** Environment of the wrangler process: offline, quiet and configured in `configHome`. */
function wranglerEnvironment(configHome) {
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    XDG_CONFIG_HOME: configHome,
    NO_COLOR: '1',
    // Wrangler queries the npm registry for a newer version after some warnings and
    // errors (wrangler 4.86.0). A closed loopback port makes that query fail at once.
    npm_config_registry: 'http://127.0.0.1:9/',
  };
  // A dry run needs no account, so no credential is passed on to wrangler.
  delete env.CLOUDFLARE_API_TOKEN;
  delete env.CLOUDFLARE_API_KEY;
  delete env.CLOUDFLARE_ACCOUNT_ID;
  return env;
}

describe('JS Worker bundled by wrangler', () => {
  const scratchFolder = join(FIXTURE, '.wrangler');
  const keepScratchFolder = existsSync(scratchFolder);
  let outdir;
  let bundle;
  let wasmFiles;

  before(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'jwtlib-js-worker-'));
    const configHome = join(outdir, 'config');
    const bundleDir = join(outdir, 'bundle');
    await execFileAsync(
      process.execPath,
      [WRANGLER, 'deploy', '--dry-run', '--outdir', bundleDir],
      { cwd: FIXTURE, env: wranglerEnvironment(configHome), timeout: BUNDLE_TIMEOUT_MS },
    );
    bundle = { dir: bundleDir, path: join(bundleDir, 'worker.js') };
    bundle.text = await readFile(bundle.path, 'utf8');
    wasmFiles = (await readdir(bundleDir)).filter((name) => name.endsWith('.wasm'));
  });

  after(async () => {
    if (outdir) await rm(outdir, { recursive: true, force: true });
    if (!keepScratchFolder) await rm(scratchFolder, { recursive: true, force: true });
  });

  test('fixture uses the root compatibility date', async () => {
    const root = await readCompatibilityDate(join(ROOT, 'wrangler.toml'));
    const fixture = await readCompatibilityDate(join(FIXTURE, 'wrangler.toml'));

    assert.equal(fixture, root);
  });

  test('bundle uses the workerd entry', () => {
    assert.equal(wasmFiles.length, 1, `expected one .wasm module, found ${wasmFiles.join(', ')}`);
    assert.ok(bundle.text.includes('// ../../../../js/api.js'), 'the package API is not in the bundle');
    // The Node entry reads the file and the browser entry fetches it. Neither works on workerd.
    assert.ok(!bundle.text.includes('readFileSync'), 'the bundle contains the Node entry');
    assert.ok(!bundle.text.includes('module_or_path'), 'the bundle contains the browser entry');
  });

  test('bundle imports and initialises the wasm module', () => {
    const [wasmFile] = wasmFiles;
    const escaped = wasmFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const importMatch = new RegExp(`^import (\\w+) from "\\./${escaped}";$`, 'm').exec(bundle.text);

    assert.ok(importMatch, `the bundle does not import ${wasmFile}; the wasm module is never loaded`);
    const binding = importMatch[1];
    assert.match(bundle.text, new RegExp(`^initSync\\(\\{ module: ${binding} \\}\\);$`, 'm'));
  });

  describe('on workerd', () => {
    let worker;
    let compatibilityDate;

    before(async () => {
      compatibilityDate = await readCompatibilityDate(join(FIXTURE, 'wrangler.toml'));
      worker = new Miniflare({
        modules: [
          { type: 'ESModule', path: bundle.path },
          ...wasmFiles.map((name) => ({ type: 'CompiledWasm', path: join(bundle.dir, name) })),
        ],
        modulesRoot: bundle.dir,
        compatibilityDate,
        kvNamespaces: ['USERS'],
        bindings: { JWT_SECRET: SECRET },
        host: '127.0.0.1',
        cf: false,
      });
      await worker.ready;
    });

    after(async () => {
      await worker?.dispose();
    });

    /** Sends a request to the Worker and returns its status and parsed JSON body. */
    async function send(method, path, { body, token } = {}) {
      const headers = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const response = await worker.dispatchFetch(`${BASE_URL}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        assert.fail(`${method} ${path} returned ${response.status} with a body that is not JSON: ${text}`);
      }
      return { status: response.status, body: json };
    }

    test('register, login and me', async () => {
      const input = uniqueUser('Worker');

      const registered = await send('POST', '/register', { body: input });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      assert.deepEqual(Object.keys(registered.body).sort(), PUBLIC_USER_KEYS);
      assert.equal(registered.body.username, input.username);

      const session = await send('POST', '/login', { body: { username: input.email, password: input.password } });
      assert.equal(session.status, 200, JSON.stringify(session.body));
      assert.equal(session.body.token_type, 'Bearer');
      assert.deepEqual(session.body.user, registered.body);

      const me = await send('GET', '/me', { token: session.body.access_token });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.deepEqual(me.body, registered.body);
    });

    test('users live in the KV binding', async () => {
      const input = uniqueUser('Kv');
      const registered = await send('POST', '/register', { body: input });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));

      const namespace = await worker.getKVNamespace('USERS');
      const { keys } = await namespace.list({ prefix: 'user/' });
      const names = keys.map((key) => key.name);

      assert.ok(names.includes(`user/id/${registered.body.id}`));
      assert.ok(names.includes(`user/username/${input.username.toLowerCase()}`));
      assert.ok(names.includes(`user/email/${input.email}`));
      assert.equal(await namespace.get(`user/username/${input.username.toLowerCase()}`), registered.body.id);
    });

    test('errors arrive as AuthError codes', async () => {
      const input = uniqueUser('Errors');
      assert.equal((await send('POST', '/register', { body: input })).status, 201);

      const duplicate = await send('POST', '/register', { body: input });
      assert.equal(duplicate.status, 409);
      assert.equal(duplicate.body.error.code, 'user_exists');

      const wrong = await send('POST', '/login', { body: { username: input.username, password: 'wrong-password' } });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, 'invalid_credentials');

      const anonymous = await send('GET', '/me');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.error.code, 'not_authenticated');

      const garbage = await send('GET', '/me', { token: 'not-a-token' });
      assert.equal(garbage.status, 401);
      assert.equal(garbage.body.error.code, 'invalid_token');
    });
  });
});
