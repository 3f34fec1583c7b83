// Runs the README's curl session, exactly as printed, against `wrangler dev` (the
// command behind `npm start`), with only the port changed and a fresh KV directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readmePort = '127.0.0.1:8787';

let server;
let port;
let stateDir;
let serverOutput = '';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: chosen } = probe.address();
      probe.close(() => resolve(chosen));
    });
  });
}

async function waitForHealth(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer on ${url} within ${timeoutMs} ms:\n${serverOutput}`);
}

/** Splits concatenated JSON documents, as curl prints them without newlines. */
function splitJsonDocuments(text) {
  const documents = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (char === '}') {
      depth -= 1;
      if (depth === 0) documents.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return documents;
}

async function readmeSession() {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const match = readme.match(/<!-- curl-session -->\s*```sh\n([\s\S]*?)```/);
  assert.ok(match, 'README.md has a curl session block after <!-- curl-session -->');
  return match[1];
}

function runBash(script) {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-e', '-c', script], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

before(async () => {
  port = await freePort();
  stateDir = await mkdtemp(path.join(tmpdir(), 'jwtlib-readme-'));
  server = spawn(
    path.join(root, 'node_modules/.bin/wrangler'),
    ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', stateDir],
    { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  server.stdout.on('data', (chunk) => { serverOutput += chunk; });
  server.stderr.on('data', (chunk) => { serverOutput += chunk; });
  await waitForHealth(`http://127.0.0.1:${port}/health`, 120_000);
});

after(async () => {
  if (server) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

test('readme curl session works as printed', { timeout: 180_000 }, async () => {
  const session = await readmeSession();
  assert.ok(session.includes(readmePort), 'the session talks to 127.0.0.1:8787');
  const script = session.replaceAll(readmePort, `127.0.0.1:${port}`);

  const [registered, me, introspection, logout] = splitJsonDocuments(await runBash(script));
  assert.equal(registered.username, 'alice');
  assert.equal(registered.email, 'alice@example.com');
  assert.equal(registered.password_hash, undefined);
  assert.equal(me.id, registered.id);
  assert.equal(me.username, 'alice');
  assert.equal(introspection.active, true);
  assert.equal(introspection.sub, registered.id);
  assert.equal(introspection.token_type, 'Bearer');
  assert.equal(typeof logout.message, 'string');

  // The second run finds alice stored, as the README's comment says, and the rest of
  // the session still works.
  const [existing, meAgain] = splitJsonDocuments(await runBash(script));
  assert.equal(existing.error.code, 'user_exists');
  assert.equal(meAgain.username, 'alice');
});
