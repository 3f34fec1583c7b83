// Section 3: whole operations through the npm package over a MemoryStore (login,
// currentUser, introspect), with the same operations built on jose and hash-wasm as
// the baseline.
import { SignJWT } from 'jose';
import { argon2Verify } from 'hash-wasm';
import { Auth, MemoryStore } from 'jwtlib';
import { compareOperations } from './lib/measure.mjs';
import { ARGON2_COST, KEY_ID, PASSWORD, randomId, randomSecret } from './lib/fixtures.mjs';
import {
  currentUser as joseCurrentUser,
  findUserById,
  importHmacKey,
  introspect as joseIntrospect,
  keyRing,
  toPublicUser,
} from './jose-worker/auth.js';
import { progress, runSectionIfMain } from './lib/section.mjs';

const TTL_SECONDS = 1800;

/** Login on jose and hash-wasm: username index, record, Argon2id check, HS256 token. */
function joseLogin(store, key) {
  return async ({ username, password }) => {
    const id = await store.get(`user/username/${username.normalize('NFKC').toLowerCase()}`);
    const record = id === null ? null : await findUserById(store, id);
    if (record === null || !(await argon2Verify({ password, hash: record.password_hash }))) {
      throw new Error('invalid credentials');
    }
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({ sub: record.id, jti: randomId() })
      .setProtectedHeader({ alg: 'HS256', kid: KEY_ID, typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + TTL_SECONDS)
      .sign(key);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: TTL_SECONDS, user: toPublicUser(record) };
  };
}

export async function measureOperations({ smoke }) {
  const slow = smoke ? { rounds: 1, perRound: 1, warmup: 0 } : { rounds: 3, perRound: 5, warmup: 1 };
  const fast = smoke ? { rounds: 1, perRound: 10, warmup: 5 } : { rounds: 5, perRound: 400, warmup: 200 };

  const secret = randomSecret();
  const store = new MemoryStore();
  const auth = new Auth({ keys: [{ kid: KEY_ID, alg: 'HS256', secret }], password: ARGON2_COST }, store);
  const key = await importHmacKey(secret);
  const ring = keyRing([{ kid: KEY_ID, alg: 'HS256', key }]);
  const credentials = { username: 'alice', password: PASSWORD };
  // A few more users so the store is not a single entry.
  for (const name of ['alice', 'bob', 'carol']) {
    await auth.register({ username: name, email: `${name}@example.com`, password: PASSWORD });
  }
  const loginWithJose = joseLogin(store, key);
  const token = (await auth.login(credentials)).access_token;
  const joseToken = (await loginWithJose(credentials)).access_token;

  // Both implementations must return the same results before they are timed.
  const ours = await auth.introspect(token);
  const theirs = await joseIntrospect(token, store, ring);
  if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
    throw new Error('jwtlib and the jose baseline disagree on introspection');
  }
  if ((await auth.currentUser(joseToken)).id !== (await joseCurrentUser(token, store, ring)).id) {
    throw new Error('jwtlib and the jose baseline disagree on currentUser');
  }

  progress('login');
  const login = await compareOperations(
    { jwtlib: () => auth.login(credentials), jose: () => loginWithJose(credentials) },
    slow,
  );
  progress('currentUser');
  const currentUser = await compareOperations(
    { jwtlib: () => auth.currentUser(token), jose: () => joseCurrentUser(token, store, ring) },
    fast,
  );
  progress('introspect');
  const introspect = await compareOperations(
    { jwtlib: () => auth.introspect(token), jose: () => joseIntrospect(token, store, ring) },
    fast,
  );
  auth.free();
  return {
    description:
      'Sequential calls over a MemoryStore, alternating implementations. The baseline is the same operation on jose (HS256, CryptoKey imported once) and hash-wasm (Argon2id).',
    slow,
    fast,
    login,
    currentUser,
    introspect,
  };
}

await runSectionIfMain(import.meta.url, measureOperations);
