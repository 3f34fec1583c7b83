// The comparison implementation: jwtlib's GET /auth/me and POST /auth/introspect
// rebuilt on `jose`, over the same KV layout and with the same token checks, error
// codes and response fields. The Worker in worker.js and the Node sections share it.
import { errors, jwtVerify } from 'jose';

/** Maximum token length in bytes, checked before any decoding (jwtlib's default). */
export const MAX_TOKEN_LENGTH = 8192;

/** A failure with jwtlib's HTTP status and error code. */
export class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const invalidToken = (reason) => new HttpError(401, 'invalid_token', `invalid token: ${reason}`);

/** Imports a UTF-8 HMAC secret as an HS256 key, once per secret. */
export async function importHmacKey(secret) {
  return crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
}

/**
 * Builds a key ring, a map of `kid` → `{ alg, key }`. As in jwtlib, the key named by
 * `kid` decides the algorithm, and a token without `kid` is accepted only when the ring
 * has one key.
 */
export function keyRing(entries) {
  return new Map(entries.map(({ kid, alg, key }) => [kid, { alg, key }]));
}

/** Extracts the token from `Bearer <token>`, with jwtlib's rules and error. */
export function parseBearer(header) {
  const space = header.indexOf(' ');
  const scheme = space === -1 ? '' : header.slice(0, space);
  const token = space === -1 ? '' : header.slice(space + 1);
  if (scheme.toLowerCase() !== 'bearer' || token === '' || /[ \t]/.test(token)) {
    throw new HttpError(
      400,
      'invalid_authorization_header',
      "Authorization header must be 'Bearer <token>'",
    );
  }
  return token;
}

/** Verifies an access token and returns its claims; `sub` and `exp` are required. */
export async function verifyAccessToken(token, ring) {
  if (token.length > MAX_TOKEN_LENGTH) throw invalidToken('token is too long');
  let payload;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        const entry = header.kid === undefined && ring.size === 1
          ? ring.values().next().value
          : ring.get(header.kid);
        if (entry === undefined) throw invalidToken('unknown key id');
        if (header.alg !== entry.alg) throw invalidToken('algorithm not allowed for this key');
        return entry.key;
      },
      { requiredClaims: ['exp'] },
    ));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof errors.JWTExpired) {
      throw new HttpError(401, 'token_expired', 'token has expired');
    }
    throw invalidToken('signature verification failed');
  }
  if (typeof payload.sub !== 'string') throw invalidToken('missing sub claim');
  return payload;
}

/** Returns the stored record of user `id`, or null. */
export async function findUserById(kv, id) {
  const text = await kv.get(`user/id/${id}`);
  return text === null ? null : JSON.parse(text);
}

/** Returns the fields of a user record that clients may see, in jwtlib's order. */
export function toPublicUser(record) {
  return {
    id: record.id,
    username: record.username,
    email: record.email,
    is_active: record.is_active,
    created_at: record.created_at,
  };
}

/** Returns the public user a token belongs to, as jwtlib's `currentUser` does. */
export async function currentUser(token, kv, ring) {
  const claims = await verifyAccessToken(token, ring);
  const record = await findUserById(kv, claims.sub);
  if (record === null) {
    throw new HttpError(404, 'user_not_found', 'the user of this token no longer exists');
  }
  if (!record.is_active) throw new HttpError(403, 'user_inactive', 'this account is disabled');
  return toPublicUser(record);
}

/** Describes a token as RFC 7662 does. A bad token, or a KV failure, gives `{ active: false }`. */
export async function introspect(token, kv, ring) {
  let claims;
  let record;
  try {
    claims = await verifyAccessToken(token, ring);
    record = await findUserById(kv, claims.sub);
  } catch {
    return { active: false };
  }
  if (record === null || !record.is_active) return { active: false };
  const response = { active: true, sub: claims.sub, username: record.username, exp: claims.exp };
  if (claims.iat !== undefined) response.iat = claims.iat;
  if (typeof claims.iss === 'string') response.iss = claims.iss;
  if (typeof claims.jti === 'string') response.jti = claims.jti;
  response.token_type = 'Bearer';
  response.user = toPublicUser(record);
  return response;
}
