// Shared setup of the Worker tests: a Miniflare instance that runs build/index.js on
// workerd, request helpers, token forging and assertions on the error shape.
//
// The Worker must be built first: `bash scripts/build.sh worker`.

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Miniflare } from 'miniflare';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT_PATH = join(ROOT, 'build', 'index.js');

/** Origin of every request: dispatchFetch sends it to workerd on loopback. */
export const BASE_URL = 'http://127.0.0.1';

/** HS256 secret of the Worker under test, also used to forge tokens. */
export const JWT_SECRET = randomBytes(32).toString('base64url');

/** `kid` that the Worker writes into its tokens and expects in presented ones. */
export const KEY_ID = 'worker-tests';

/** Largest request body the Worker reads, in bytes (MAX_BODY_BYTES in src/worker/http.rs). */
export const MAX_BODY_BYTES = 16 * 1024;

/** Maximum password length, in bytes (PASSWORD_MAX_BYTES in src/validate.rs). */
export const PASSWORD_MAX_BYTES = 1024;

/** HTTP status of every error code the Worker can send. */
export const STATUS_BY_CODE = Object.freeze({
  validation_failed: 400,
  invalid_authorization_header: 400,
  invalid_credentials: 401,
  invalid_token: 401,
  token_expired: 401,
  not_authenticated: 401,
  user_inactive: 403,
  user_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  user_exists: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_config: 500,
  repository_unavailable: 503,
  auth_service_unavailable: 503,
});

/**
 * Reads the top-level keys and the [vars] table of wrangler.toml. Only the flat
 * `name = "string"` lines that this project's file uses are understood.
 */
export function readWranglerConfig() {
  const text = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  const topLevel = {};
  const vars = {};
  let table = null;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    const header = /^\[+([^\]]+)\]+$/.exec(line);
    if (header) {
      table = header[1].trim();
      continue;
    }
    const entry = /^([A-Za-z0-9_]+)\s*=\s*"([^"]*)"$/.exec(line);
    if (!entry) {
      continue;
    }
    if (table === null) {
      topLevel[entry[1]] = entry[2];
    } else if (table === 'vars') {
      vars[entry[1]] = entry[2];
    }
  }
  return { compatibilityDate: topLevel.compatibility_date, vars };
}

const wranglerConfig = readWranglerConfig();

/** Access token lifetime in seconds, as wrangler.toml configures it. */
export const TOKEN_TTL_SECONDS = Number(wranglerConfig.vars.ACCESS_TOKEN_TTL ?? 1800);

/**
 * A running Worker on workerd, with the log lines it wrote and every outbound request
 * it attempted (there should be none).
 */
export class WorkerHarness {
  constructor(miniflare, logs, outboundRequests, url) {
    this.miniflare = miniflare;
    /** Loopback URL of the Worker, for clients other than dispatchFetch. */
    this.url = url;
    this.logs = logs;
    this.outboundRequests = outboundRequests;
  }

  /** Sends a request to the Worker, with `path` resolved against BASE_URL. */
  request(path, init = {}) {
    return this.miniflare.dispatchFetch(new URL(path, BASE_URL), init);
  }

  /** Sends `body` as JSON (a string is sent as is) with Content-Type application/json. */
  postJson(path, body, headers = {}) {
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** Sends GET /auth/me, with a bearer token unless `token` is undefined. */
  getMe(token) {
    const headers = token === undefined ? {} : { Authorization: `Bearer ${token}` };
    return this.request('/auth/me', { headers });
  }

  /** Registers `user` and returns the PublicUser, failing unless the status is 201. */
  async register(user) {
    const response = await this.postJson('/auth/register', user);
    const text = await response.text();
    assert.equal(response.status, 201, `registration of ${user.username} failed: ${text}`);
    return JSON.parse(text);
  }

  /** Logs in and returns the LoginResponse, failing unless the status is 200. */
  async login(username, password) {
    const response = await this.postJson('/auth/login', { username, password });
    const text = await response.text();
    assert.equal(response.status, 200, `login of ${username} failed: ${text}`);
    return JSON.parse(text);
  }

  /** Registers `user`, logs in and returns the LoginResponse. */
  async signUp(user) {
    await this.register(user);
    return this.login(user.username, user.password);
  }

  /**
   * Checks that the Worker still serves after a bad request: /health returns 200, and
   * the token of a known user still resolves to that user.
   */
  async assertServing(session) {
    const health = await this.request('/health');
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });

    const me = await this.getMe(session.access_token);
    assert.equal(me.status, 200, `GET /auth/me after a bad request: ${await me.clone().text()}`);
    assert.equal((await me.json()).id, session.user.id);
  }

  /** Returns the USERS KV namespace, for reading and writing records directly. */
  usersNamespace() {
    return this.miniflare.getKVNamespace('USERS');
  }

  async dispose() {
    await this.miniflare.dispose();
  }
}

/**
 * Returns the Miniflare options that load the built Worker, for instances that add
 * their own bindings. Throws when the Worker has not been built.
 */
export function workerModuleOptions() {
  if (!existsSync(SCRIPT_PATH)) {
    throw new Error(`${SCRIPT_PATH} is missing: run "bash scripts/build.sh worker" first`);
  }
  return {
    modules: true,
    // The wasm-bindgen glue imports ./index_bg.wasm, which Miniflare's default rules
    // do not cover.
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    scriptPath: SCRIPT_PATH,
    compatibilityDate: wranglerConfig.compatibilityDate,
  };
}

/**
 * Starts the built Worker on workerd with a KV namespace bound as USERS.
 *
 * `cf: false` gives requests Miniflare's placeholder `cf` object instead of fetching one
 * from Cloudflare, and every outbound fetch of the Worker is caught and recorded rather
 * than sent. `kvPersist` is a directory that keeps KV data between instances.
 * `bindings` add to or replace the variables, and a binding set to undefined is left
 * out. `bindUsers: false` leaves the USERS namespace unbound.
 */
export async function startWorker({ kvPersist, bindings = {}, bindUsers = true } = {}) {
  const moduleOptions = workerModuleOptions();
  const allBindings = { ...wranglerConfig.vars, JWT_SECRET, JWT_KEY_ID: KEY_ID, ...bindings };
  for (const [name, value] of Object.entries(allBindings)) {
    if (value === undefined) {
      delete allBindings[name];
    }
  }
  const logs = [];
  const outboundRequests = [];
  const miniflare = new Miniflare({
    host: '127.0.0.1',
    cf: false,
    ...moduleOptions,
    kvNamespaces: bindUsers ? ['USERS'] : [],
    ...(kvPersist === undefined ? {} : { kvPersist }),
    bindings: allBindings,
    outboundService(request) {
      outboundRequests.push(request.url);
      return new Response('outbound requests are blocked in tests', { status: 502 });
    },
    handleStructuredLogs(entry) {
      logs.push(entry);
    },
  });
  const url = await miniflare.ready;
  return new WorkerHarness(miniflare, logs, outboundRequests, url);
}

let userCounter = 0;

/** Returns registration fields for a user that no other test uses. */
export function uniqueUser(prefix = 'user') {
  userCounter += 1;
  const suffix = `${userCounter}-${randomBytes(3).toString('hex')}`;
  return {
    username: `${prefix}-${suffix}`,
    email: `${prefix}-${suffix}@example.com`,
    password: `pw-${randomBytes(9).toString('base64url')}`,
  };
}

export function base64url(value) {
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value));
  return bytes.toString('base64url');
}

/** Seconds since the Unix epoch. */
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/**
 * Builds a compact JWS over `header` and `claims` with an HMAC signature. `hash` is the
 * node:crypto name (sha256 for HS256). Header and claims are sent as given, so a test
 * can set any `alg` or `kid`.
 */
export function forgeToken(claims, { header = {}, secret = JWT_SECRET, hash = 'sha256' } = {}) {
  const fullHeader = { alg: 'HS256', typ: 'JWT', kid: KEY_ID, ...header };
  const signingInput = `${base64url(fullHeader)}.${base64url(claims)}`;
  const signature = createHmac(hash, secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Claims of a token that is valid now, for the user `sub`. */
export function validClaims(sub, overrides = {}) {
  const now = nowSeconds();
  return {
    sub,
    iat: now,
    exp: now + 600,
    jti: randomBytes(16).toString('hex'),
    ...overrides,
  };
}

/** Decodes the header or claims segment of a compact JWS. */
export function decodeSegment(token, index) {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));
}

/** Checks the headers that every response of the Worker carries. */
export function assertCommonHeaders(response) {
  assert.equal(response.headers.get('Cache-Control'), 'no-store');
  assert.equal(response.headers.get('Content-Type'), 'application/json; charset=utf-8');
}

/**
 * Checks that `response` is the error `code`: the status of that code, the common
 * headers, `WWW-Authenticate: Bearer` exactly on 401, and a body of exactly
 * `{"error": {"code", "message"}}`. Returns the body text and the message.
 */
export async function assertError(response, code) {
  const text = await response.text();
  const status = STATUS_BY_CODE[code];
  assert.ok(status !== undefined, `no status is known for the error code ${code}`);
  assert.equal(response.status, status, `expected ${status} ${code}, got: ${text}`);
  assertCommonHeaders(response);
  if (status === 401) {
    assert.equal(response.headers.get('WWW-Authenticate'), 'Bearer');
  } else {
    assert.equal(response.headers.get('WWW-Authenticate'), null);
  }

  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0, 'the error message is empty');
  return { text, message: body.error.message };
}

/** Checks that none of `secrets` occurs in `text`. A failure names the secret by its index. */
export function assertContainsNone(text, secrets) {
  secrets.forEach((secret, index) => {
    assert.ok(!text.includes(secret), `secret #${index} appears in the response: ${text.slice(0, 200)}`);
  });
}
