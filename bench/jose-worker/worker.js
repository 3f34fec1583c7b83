// A JS Worker on `jose` with the same routes, KV layout and responses as jwtlib's Worker
// for GET /auth/me and POST /auth/introspect, used as the baseline of the HTTP
// benchmark. Bindings: USERS (KV), JWT_SECRET, JWT_KEY_ID (default "default").
import { HttpError, currentUser, importHmacKey, introspect, keyRing, parseBearer } from './auth.js';

/** Largest request body read, in bytes, as in jwtlib's Worker. */
const MAX_BODY_BYTES = 16 * 1024;

const ROUTES = new Map([
  ['/health', 'GET'],
  ['/auth/me', 'GET'],
  ['/auth/introspect', 'POST'],
]);

// The imported key is kept for the life of the isolate; it is rebuilt only when the
// secret changes.
let cachedRing = null;

async function ringFor(env) {
  if (typeof env.JWT_SECRET !== 'string' || new TextEncoder().encode(env.JWT_SECRET).length < 32) {
    throw new HttpError(500, 'invalid_config', 'JWT_SECRET must be at least 32 bytes');
  }
  if (cachedRing === null || cachedRing.secret !== env.JWT_SECRET) {
    const key = await importHmacKey(env.JWT_SECRET);
    cachedRing = { secret: env.JWT_SECRET, ring: keyRing([{ kid: env.JWT_KEY_ID || 'default', alg: 'HS256', key }]) };
  }
  return cachedRing.ring;
}

function jsonResponse(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Cache-Control': 'no-store',
      'Content-Type': 'application/json; charset=utf-8',
      ...headers,
    },
  });
}

function errorResponse(error) {
  const headers = {};
  if (error.status === 401) headers['WWW-Authenticate'] = 'Bearer';
  if (error.allow) headers.Allow = error.allow;
  return jsonResponse(error.status, { error: { code: error.code, message: error.message } }, headers);
}

const validation = (field, problem) => new HttpError(400, 'validation_failed', `${field}: ${problem}`);

/** Reads at most MAX_BODY_BYTES and decodes JSON or, for introspection, a form. */
async function readIntrospectBody(request) {
  const mediaType = (request.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  const isForm = mediaType === 'application/x-www-form-urlencoded';
  if (mediaType !== 'application/json' && !isForm) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Content-Type must be application/json or application/x-www-form-urlencoded',
    );
  }
  const tooLarge = () => new HttpError(413, 'payload_too_large', `request body must be at most ${MAX_BODY_BYTES} bytes`);
  const declared = Number.parseInt(request.headers.get('Content-Length') ?? '', 10);
  if (declared > MAX_BODY_BYTES) throw tooLarge();

  const chunks = [];
  let length = 0;
  if (request.body !== null) {
    for await (const chunk of request.body) {
      length += chunk.byteLength;
      if (length > MAX_BODY_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const text = new TextDecoder().decode(bytes);
  if (isForm) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    throw validation('body', 'is not valid JSON');
  }
}

/** Checks an RFC 7662 request body as jwtlib does and returns the token. */
function introspectToken(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validation('body', 'must be a JSON object');
  }
  const fields = { ...body };
  const take = (name) => {
    const value = fields[name];
    delete fields[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw validation(name, 'must be a string');
    return value;
  };
  const token = take('token');
  if (token === null) throw validation('token', 'is required');
  take('token_type_hint');
  const unknown = Object.keys(fields)[0];
  if (unknown !== undefined) throw validation(JSON.stringify(unknown.slice(0, 64)), 'is not a known field');
  return token;
}

async function route(request, env) {
  const { pathname } = new URL(request.url);
  const allowed = ROUTES.get(pathname);
  if (allowed === undefined) throw new HttpError(404, 'not_found', 'no route matches this path');
  if (request.method !== allowed) {
    const error = new HttpError(405, 'method_not_allowed', `this route accepts only ${allowed}`);
    error.allow = allowed;
    throw error;
  }
  if (pathname === '/health') return jsonResponse(200, { status: 'ok' });

  const ring = await ringFor(env);
  if (pathname === '/auth/me') {
    const header = request.headers.get('Authorization');
    if (header === null) throw new HttpError(401, 'not_authenticated', 'missing Authorization header');
    return jsonResponse(200, await currentUser(parseBearer(header), env.USERS, ring));
  }
  const token = introspectToken(await readIntrospectBody(request));
  return jsonResponse(200, await introspect(token, env.USERS, ring));
}

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status >= 500) console.error(`${request.method} ${new URL(request.url).pathname} failed: ${error.message} (${error.code})`);
        return errorResponse(error);
      }
      console.error(`${request.method} ${new URL(request.url).pathname} failed:`, error);
      return errorResponse(new HttpError(500, 'internal_error', 'internal error'));
    }
  },
};
