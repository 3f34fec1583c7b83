// Shared setup of the npm package tests: configuration, user factories, token forging,
// stores that record or fail, and assertions on the AuthError shape.
//
// The package is imported by name, as a user would, through the "exports" map of the
// package.json at the project root. Node resolves the self-reference because these
// files live inside the package.

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';

import { Auth, AuthError, ErrorCode, MemoryStore } from 'jwtlib';

/** HS256 secret of every Auth in these tests, also used to forge tokens. */
export const SECRET = randomBytes(32).toString('base64url');

/** `kid` that the tests configure, so a forged token can name it. */
export const KEY_ID = 'js-tests';

/** Configuration shared by the tests. Spread it and override single settings. */
export const CONFIG = Object.freeze({ secret: SECRET, keyId: KEY_ID });

/** Fields of a PublicUser, sorted. */
export const PUBLIC_USER_KEYS = ['created_at', 'email', 'id', 'is_active', 'username'];

/** Fields of a stored user record (`user/id/{id}`), sorted. */
export const RECORD_KEYS = ['created_at', 'email', 'id', 'is_active', 'password_hash', 'username'];

/** Every error code that assertAuthError has checked in this process. */
export const checkedCodes = new Set();

let userCount = 0;

/**
 * Returns register input for a new user. Usernames stay well under the 32-character
 * limit and are unique within the test process.
 */
export function uniqueUser(prefix = 'user') {
  userCount += 1;
  const username = `${prefix}${userCount}x${randomBytes(3).toString('hex')}`;
  return {
    username,
    email: `${username.toLowerCase()}@example.com`,
    password: `pw-${randomBytes(9).toString('base64url')}`,
  };
}

/** Creates an Auth over `store` (a new MemoryStore by default) with CONFIG plus `config`. */
export function createAuth({ config = {}, store = new MemoryStore() } = {}) {
  return { auth: new Auth({ ...CONFIG, ...config }, store), store };
}

/** Returns the current time in seconds since the Unix epoch. */
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** Encodes a string, or an object as JSON, in unpadded base64url. */
export function base64url(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Decodes one base64url segment of a compact JWS as JSON. */
export function decodeSegment(segment) {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

const HMAC_HASH_BY_ALG = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * Signs `claims` into a compact JWS with node:crypto. The header defaults to
 * `{ alg: 'HS256', typ: 'JWT', kid: KEY_ID }`. Entries of `header` replace or add to it,
 * and an entry set to `undefined` is left out. An `alg` without an HMAC hash, such as
 * `none`, gets an empty signature.
 */
export function forgeToken(claims, { header = {}, secret = SECRET } = {}) {
  const fullHeader = JSON.parse(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: KEY_ID, ...header }));
  const signingInput = `${base64url(fullHeader)}.${base64url(claims)}`;
  const hash = HMAC_HASH_BY_ALG[fullHeader.alg];
  const signature = hash ? createHmac(hash, secret).update(signingInput).digest('base64url') : '';
  return `${signingInput}.${signature}`;
}

/**
 * Checks that `error` is an AuthError with `code` and a message, and that the message
 * contains none of `secrets`.
 */
export function assertAuthError(error, code, secrets = []) {
  assert.ok(
    error instanceof AuthError,
    `expected an AuthError with code ${code}, got ${error?.name}: ${error?.message}`,
  );
  assert.ok(error instanceof Error, 'an AuthError must also be an Error');
  assert.equal(error.name, 'AuthError');
  assert.equal(error.code, code, `unexpected code; the message was: ${error.message}`);
  checkedCodes.add(error.code);
  assert.ok(Object.values(ErrorCode).includes(error.code), `${error.code} is not in ErrorCode`);
  assert.equal(typeof error.message, 'string');
  assert.notEqual(error.message, '', 'the message must not be empty');
  for (const secret of secrets) {
    assert.ok(
      !error.message.includes(secret),
      `the message ${JSON.stringify(error.message)} contains a secret value`,
    );
  }
}

/** Awaits `promise`, checks that it rejects with an AuthError of `code` and returns it. */
export async function rejectsWith(promise, code, secrets = []) {
  let error;
  let resolved;
  try {
    resolved = await promise;
  } catch (caught) {
    error = caught;
  }
  assert.ok(
    error !== undefined,
    `expected a rejection with ${code}, but the promise resolved to ${JSON.stringify(resolved)}`,
  );
  assertAuthError(error, code, secrets);
  return error;
}

/** Calls `fn`, checks that it throws an AuthError of `code` and returns it. */
export function throwsWith(fn, code, secrets = []) {
  let error;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  assert.ok(error !== undefined, `expected ${code} to be thrown, but nothing was thrown`);
  assertAuthError(error, code, secrets);
  return error;
}

/**
 * Resolves or rejects as `promise` does, or rejects after `ms` milliseconds with an
 * error stating that the promise did not settle in time.
 */
export function settleWithin(promise, ms, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Checks that `user` is a plain PublicUser object without any password field. */
export function assertPublicUser(user, expected = {}) {
  assert.equal(Object.getPrototypeOf(user), Object.prototype, 'a result must be a plain object');
  assert.deepEqual(Object.keys(user).sort(), PUBLIC_USER_KEYS);
  assert.match(user.id, /^[0-9a-f]{32}$/);
  assert.equal(typeof user.username, 'string');
  assert.equal(typeof user.email, 'string');
  assert.equal(typeof user.is_active, 'boolean');
  assert.match(user.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(user[name], value, `unexpected ${name}`);
  }
}

/** Key of the stored record of the user `id`. */
export function recordKey(id) {
  return `user/id/${id}`;
}

/** Reads the stored record of the user `id` from `store`. */
export async function readRecord(store, id) {
  const json = await store.get(recordKey(id));
  assert.equal(typeof json, 'string', `no record stored at ${recordKey(id)}`);
  return JSON.parse(json);
}

/** Rewrites fields of the stored record of the user `id`, as an administrator would. */
export async function updateRecord(store, id, changes) {
  const record = await readRecord(store, id);
  await store.put(recordKey(id), JSON.stringify({ ...record, ...changes }));
}

/**
 * A Map-backed store that records every call as `[method, key]`. With `sync: true` its
 * methods return plain values and a missing key reads as `undefined`. Otherwise they
 * return promises and a missing key reads as `null`, as in Workers KV.
 */
export class RecordingStore {
  entries = new Map();
  calls = [];

  constructor({ sync = false } = {}) {
    this.sync = sync;
  }

  #result(value) {
    return this.sync ? value : Promise.resolve(value);
  }

  get(key) {
    this.calls.push(['get', key]);
    if (this.entries.has(key)) {
      return this.#result(this.entries.get(key));
    }
    return this.#result(this.sync ? undefined : null);
  }

  put(key, value) {
    this.calls.push(['put', key]);
    this.entries.set(key, value);
    return this.#result(undefined);
  }

  delete(key) {
    this.calls.push(['delete', key]);
    this.entries.delete(key);
    return this.#result(undefined);
  }

  /** Stored keys that start with `prefix`, sorted. */
  keysWithPrefix(prefix) {
    return [...this.entries.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}

/**
 * A MemoryStore whose `method` fails once `failing` is set to true: `mode` `reject`
 * returns a rejected promise, `throw` throws synchronously, and `value` resolves `get`
 * to `badValue` instead of a string.
 */
export class FailingStore extends MemoryStore {
  failing = false;

  constructor({ method = 'get', mode = 'reject', badValue = 42, errorText = 'store offline' } = {}) {
    super();
    this.method = method;
    this.mode = mode;
    this.badValue = badValue;
    this.errorText = errorText;
  }

  #call(method, args) {
    if (this.failing && method === this.method) {
      if (this.mode === 'throw') throw new Error(this.errorText);
      if (this.mode === 'reject') return Promise.reject(new Error(this.errorText));
      if (this.mode === 'value') return Promise.resolve(this.badValue);
    }
    return super[method](...args);
  }

  get(key) {
    return this.#call('get', [key]);
  }

  put(key, value) {
    return this.#call('put', [key, value]);
  }

  delete(key) {
    return this.#call('delete', [key]);
  }
}
