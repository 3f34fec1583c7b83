// Test data shared by the sections: secrets, user records in jwtlib's KV layout, and
// the Argon2id cost every implementation is measured at.
import { randomBytes } from 'node:crypto';

/** Argon2id cost of every hash in the benchmark: OWASP's minimum, jwtlib's default. */
export const ARGON2_COST = Object.freeze({ memoryKib: 19456, iterations: 2, parallelism: 1 });

export const PASSWORD = 'correct horse battery staple';

/** Key id written to every benchmark token. */
export const KEY_ID = 'bench';

/** Returns a fresh HS256 secret: 32 random bytes as base64url, 43 bytes of UTF-8. */
export function randomSecret() {
  return randomBytes(32).toString('base64url');
}

/** Returns a random 128-bit id as 32 hex digits, the format of jwtlib's user ids and `jti`. */
export function randomId() {
  return randomBytes(16).toString('hex');
}

/** Builds a stored user record with the fields jwtlib writes. */
export function userRecord({ id = randomId(), username, email, passwordHash, isActive = true }) {
  return {
    id,
    username,
    email,
    password_hash: passwordHash,
    is_active: isActive,
    created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/**
 * Writes `record` and its two indexes to a store with the Workers KV shape, in
 * jwtlib's layout: `user/id/{id}`, `user/username/{lowercase}`, `user/email/{email}`.
 */
export async function seedUser(store, record) {
  await store.put(`user/id/${record.id}`, JSON.stringify(record));
  await store.put(`user/username/${record.username.toLowerCase()}`, record.id);
  await store.put(`user/email/${record.email}`, record.id);
}
