// The public API, shared by every runtime entry. The entry files load the wasm module
// the way their runtime allows, then re-export this file.
import { Auth as WasmAuth, wasmMemoryBytes as readWasmMemoryBytes } from '../pkg/jwtlib.js';
import { AuthError, ErrorCode, toAuthError } from './errors.js';

export { AuthError, ErrorCode } from './errors.js';
export { MemoryStore } from './memory-store.js';

async function settle(promise) {
  try {
    return await promise;
  } catch (error) {
    throw toAuthError(error);
  }
}

/**
 * Returns the size of the wasm memory in bytes: the high-water mark of the heap, since
 * wasm memory never shrinks.
 */
export function wasmMemoryBytes() {
  return readWasmMemoryBytes();
}

/**
 * Reads method, path and Authorization header from a Fetch `Request` or from a plain
 * `{ method, path | url, authorization | headers }` object.
 */
function describeRequest(request) {
  if (request === null || typeof request !== 'object') {
    throw new AuthError(
      ErrorCode.VALIDATION_FAILED,
      'request: must be a Request or a { method, path, authorization } object',
    );
  }
  const method = String(request.method ?? 'GET');
  let path = request.path;
  if (path === undefined && request.url !== undefined) {
    path = new URL(String(request.url), 'http://localhost').pathname;
  }
  let authorization = request.authorization;
  if (authorization === undefined && request.headers !== undefined) {
    const headers = request.headers;
    authorization = typeof headers.get === 'function'
      ? headers.get('authorization')
      : headers.authorization ?? headers.Authorization;
  }
  return { method, path: String(path ?? '/'), authorization: authorization ?? undefined };
}

/**
 * The authentication service: register, log in, log out, resolve the current user and
 * introspect tokens, over any store with the Workers KV shape.
 */
export class Auth {
  #inner;

  /**
   * @param {object} config see the README's configuration reference
   * @param {{ get: Function, put: Function, delete: Function }} store
   */
  constructor(config, store) {
    try {
      this.#inner = new WasmAuth(config, store);
    } catch (error) {
      throw toAuthError(error);
    }
  }

  register(request) {
    return settle(this.#inner.register(request));
  }

  login(request) {
    return settle(this.#inner.login(request));
  }

  logout(token) {
    return settle(this.#inner.logout(token));
  }

  currentUser(token) {
    return settle(this.#inner.currentUser(token));
  }

  introspect(tokenOrRequest) {
    return settle(this.#inner.introspect(tokenOrRequest));
  }

  issueToken(userId) {
    return settle(this.#inner.issueToken(userId));
  }

  hashPassword(password) {
    return settle(this.#inner.hashPassword(password));
  }

  verifyPassword(password, hash) {
    return settle(this.#inner.verifyPassword(password, hash));
  }

  /** Public keys of the asymmetric keys as a JWK Set; HMAC keys are never listed. */
  jwks() {
    try {
      return this.#inner.jwks();
    } catch (error) {
      throw toAuthError(error);
    }
  }

  verifyToken(token) {
    return settle(this.#inner.verifyToken(token));
  }

  async authenticateRequest(request, skip) {
    const { method, path, authorization } = describeRequest(request);
    return settle(this.#inner.authenticateRequest(method, path, authorization, skip));
  }

  /** Releases the wasm memory of this instance. */
  free() {
    this.#inner.free();
  }
}
