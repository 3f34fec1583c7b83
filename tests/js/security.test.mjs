// Security tests of the npm package, through the API that `import 'jwtlib'` loads in
// Node: one test per class of rejected token (cases in tests/security-cases.mjs), then
// the password and user rules.
//
// Every network request is blocked and recorded: no case may make the library fetch a
// key, whatever URL a token names.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { argon2d, argon2i, argon2id } from 'hash-wasm';
import { Auth, AuthError, MemoryStore, wasmMemoryBytes } from 'jwtlib';

import {
  authConfig,
  casesByGroup,
  CONFIG_NAMES,
  createKeyMaterial,
  flipSignatureCharacter,
  KID,
  leakedTokenParts,
  nowSeconds,
  signedBy,
  tokenOfLength,
  unusedLoopbackPort,
  validClaims,
  withStableSecond,
} from '../security-cases.mjs';

const PHC_VECTORS = JSON.parse(
  readFileSync(new URL('../vectors/phc-interop.json', import.meta.url), 'utf8'),
).vectors;

/** Prefix of every hash made under the default policy (OWASP's minimum for Argon2id). */
const POLICY_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

const fetchCalls = [];
const originalFetch = globalThis.fetch;

before(() => {
  globalThis.fetch = async (input) => {
    fetchCalls.push(String(input?.url ?? input));
    throw new Error('network requests are blocked in the security tests');
  };
});

after(() => {
  globalThis.fetch = originalFetch;
  assert.deepEqual(fetchCalls, [], 'the library sent network requests');
});

/** Settles `promise` into { value } or { error }. */
async function settle(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/** Checks that `outcome` is a rejection with an AuthError of `code`. */
function assertRejected(outcome, code, operation) {
  assert.ok(outcome.error !== undefined, `${operation} resolved: ${JSON.stringify(outcome.value)}`);
  assert.ok(outcome.error instanceof AuthError, `${operation} rejected with ${outcome.error}`);
  assert.equal(outcome.error.name, 'AuthError');
  assert.equal(outcome.error.code, code, `${operation}: ${outcome.error.message}`);
}

/** Returns a fresh user's registration fields. */
function newUser(prefix) {
  const suffix = randomBytes(4).toString('hex');
  return {
    username: `${prefix}-${suffix}`,
    email: `${prefix}-${suffix}@example.com`,
    password: `pw-${randomBytes(12).toString('base64url')}`,
  };
}

/**
 * Writes a user record straight into `store` with the key layout of src/repository.rs,
 * for records that registration cannot make (an old hash, a disabled account).
 */
async function insertUser(store, { username, email, passwordHash, isActive = true }) {
  const id = randomBytes(16).toString('hex');
  const record = {
    id,
    username,
    email,
    password_hash: passwordHash,
    is_active: isActive,
    created_at: '2026-01-01T00:00:00Z',
  };
  await store.put(`user/id/${id}`, JSON.stringify(record));
  await store.put(`user/username/${username.toLowerCase()}`, id);
  await store.put(`user/email/${email}`, id);
  return id;
}

/** Reads a user record from `store`. */
async function readUser(store, id) {
  return JSON.parse(await store.get(`user/id/${id}`));
}

/** Makes an encoded PHC string with hash-wasm, an Argon2 in C compiled to wasm apart from jwtlib's Rust one. */
function hashWasm(variant, { password, memorySize, iterations, parallelism, hashLength = 32, saltLength = 16 }) {
  const hash = { argon2id, argon2i, argon2d }[variant];
  return hash({
    password,
    salt: randomBytes(saltLength),
    memorySize,
    iterations,
    parallelism,
    hashLength,
    outputType: 'encoded',
  });
}

describe('token rejection', () => {
  const material = createKeyMaterial();
  const store = new MemoryStore();
  const services = {};
  const context = { material };

  before(async () => {
    for (const name of CONFIG_NAMES) {
      services[name] = new Auth(authConfig(material, name), store);
    }
    const user = await services.mixed.register(newUser('tokens'));
    context.sub = user.id;
    context.port = await unusedLoopbackPort();
  });

  /** Builds the case's token at `now` and records what each API makes of it. */
  async function judge(tokenCase, now) {
    const service = services[tokenCase.config ?? 'mixed'];
    const token = tokenCase.token({ ...context, now });
    return {
      token,
      verified: await settle(service.verifyToken(token)),
      user: await settle(service.currentUser(token)),
      introspection: await service.introspect(token),
    };
  }

  for (const [group, cases] of casesByGroup()) {
    describe(group, () => {
      for (const tokenCase of cases) {
        test(tokenCase.name, async () => {
          const { token, verified, user, introspection } = tokenCase.sameSecond
            ? await withStableSecond((now) => judge(tokenCase, now))
            : await judge(tokenCase, nowSeconds());

          if (tokenCase.expect === 'accepted') {
            assert.equal(verified.error, undefined, `verifyToken: ${verified.error?.message}`);
            assert.equal(verified.value.sub, context.sub);
            assert.equal(user.error, undefined, `currentUser: ${user.error?.message}`);
            assert.equal(user.value.id, context.sub);
            assert.equal(introspection.active, true);
            assert.equal(introspection.sub, context.sub);
            return;
          }

          assertRejected(verified, tokenCase.expect, 'verifyToken');
          assertRejected(user, tokenCase.expect, 'currentUser');
          assert.deepEqual(introspection, { active: false });
          assert.deepEqual(leakedTokenParts(verified.error.message, token), []);
          assert.deepEqual(leakedTokenParts(user.error.message, token), []);
        });
      }
    });
  }

  test('expired message differs from invalid', async () => {
    const now = nowSeconds();
    const expired = signedBy({ ...context, now }, KID.hmac, validClaims({ ...context, now }, { exp: now - 600 }));
    const tampered = flipSignatureCharacter(signedBy({ ...context, now }, KID.hmac));

    const expiredOutcome = await settle(services.mixed.verifyToken(expired));
    const tamperedOutcome = await settle(services.mixed.verifyToken(tampered));

    assertRejected(expiredOutcome, 'token_expired', 'expired token');
    assertRejected(tamperedOutcome, 'invalid_token', 'tampered token');
    assert.notEqual(expiredOutcome.error.message, tamperedOutcome.error.message);
  });

  test('leeway extends exp and nbf', async () => {
    const lenient = new Auth({ ...authConfig(material, 'mixed'), leeway: 5 }, store);
    const outcomes = await withStableSecond(async (now) => {
      const at = { ...context, now };
      const verify = (overrides) => settle(lenient.verifyToken(signedBy(at, KID.hmac, validClaims(at, overrides))));
      return {
        expInsideLeeway: await verify({ iat: now - 60, exp: now - 4 }),
        expAtLeeway: await verify({ iat: now - 60, exp: now - 5 }),
        nbfInsideLeeway: await verify({ nbf: now + 5 }),
        nbfPastLeeway: await verify({ nbf: now + 6 }),
      };
    });

    assert.equal(outcomes.expInsideLeeway.error, undefined, outcomes.expInsideLeeway.error?.message);
    assertRejected(outcomes.expAtLeeway, 'token_expired', 'exp at now minus leeway');
    assert.equal(outcomes.nbfInsideLeeway.error, undefined, outcomes.nbfInsideLeeway.error?.message);
    assertRejected(outcomes.nbfPastLeeway, 'invalid_token', 'nbf past now plus leeway');
  });

  test('configured maxTokenLength applies', async () => {
    const strict = new Auth({ ...authConfig(material, 'mixed'), maxTokenLength: 512 }, store);
    const at = { ...context, now: nowSeconds() };

    const atLimit = await settle(strict.verifyToken(tokenOfLength(at, 512)));
    const overLimit = await settle(strict.verifyToken(tokenOfLength(at, 513)));

    assert.equal(atLimit.error, undefined, atLimit.error?.message);
    assertRejected(overLimit, 'invalid_token', '513-byte token');
  });
});

describe('password hashes from other implementations', () => {
  const auth = new Auth({ secret: randomBytes(32).toString('hex') }, new MemoryStore());
  const password = 'correct horse battery staple';

  // hash-wasm 4.13 supports Argon2 version 1.3 only, so every string it writes has v=19.
  const hashWasmCases = [
    { label: 'argon2id at the default policy', variant: 'argon2id', memorySize: 19456, iterations: 2, parallelism: 1 },
    { label: 'argon2i', variant: 'argon2i', memorySize: 19456, iterations: 2, parallelism: 1 },
    { label: 'argon2d', variant: 'argon2d', memorySize: 19456, iterations: 2, parallelism: 1 },
    { label: 'argon2id at m=65536,t=3,p=4', variant: 'argon2id', memorySize: 65536, iterations: 3, parallelism: 4 },
    { label: 'weaker than the policy', variant: 'argon2id', memorySize: 8192, iterations: 1, parallelism: 1 },
    {
      label: '64-byte hash, 32-byte salt',
      variant: 'argon2id',
      memorySize: 19456,
      iterations: 2,
      parallelism: 2,
      hashLength: 64,
      saltLength: 32,
    },
  ];

  for (const { label, variant, ...cost } of hashWasmCases) {
    test(`hash-wasm ${label}`, async () => {
      const phc = await hashWasm(variant, { password, ...cost });

      assert.equal(await auth.verifyPassword(password, phc), true, phc);
      assert.equal(await auth.verifyPassword(`${password}!`, phc), false, phc);
    });
  }

  for (const vector of PHC_VECTORS) {
    test(`argon2-cffi ${vector.id}`, async () => {
      assert.equal(await auth.verifyPassword(vector.password, vector.phc), true, vector.phc);
      assert.equal(await auth.verifyPassword(`${vector.password}!`, vector.phc), false, vector.phc);
    });
  }

  test('argon2-cffi hash, NFD password', async () => {
    const vector = PHC_VECTORS.find((entry) => entry.id === 'argon2id-nfc-password');
    const decomposed = vector.password.normalize('NFD');
    assert.notEqual(decomposed, vector.password);

    assert.equal(await auth.verifyPassword(decomposed, vector.phc), true);
  });

  test('costly hashes are rejected quickly', async () => {
    const salt = randomBytes(16).toString('base64').replace(/=+$/, '');
    const tag = randomBytes(32).toString('base64').replace(/=+$/, '');
    // Each of these is above one limit of src/password.rs: memory 65536 KiB, 16 passes,
    // parallelism 16, or memory times passes 262144.
    const costs = ['m=1048576,t=1,p=1', 'm=19456,t=100,p=1', 'm=19456,t=2,p=64', 'm=65536,t=5,p=1'];

    for (const cost of costs) {
      const phc = `$argon2id$v=19$${cost}$${salt}$${tag}`;
      const started = performance.now();
      const matches = await auth.verifyPassword(password, phc);
      const elapsedMs = performance.now() - started;

      assert.equal(matches, false, cost);
      // A real Argon2 run at m=1048576 allocates 1 GiB and takes seconds; a check that
      // reads only the parameters takes well under a millisecond.
      assert.ok(elapsedMs < 250, `${cost} took ${elapsedMs.toFixed(0)} ms`);
    }
    assert.ok(wasmMemoryBytes() < 512 * 1024 * 1024, `wasm memory grew to ${wasmMemoryBytes()} bytes`);
  });

  test('malformed PHC strings do not match', async () => {
    const salt = randomBytes(16).toString('base64').replace(/=+$/, '');
    const tag = randomBytes(32).toString('base64').replace(/=+$/, '');
    const malformed = [
      '',
      'correct horse battery staple',
      '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
      `$argon2x$v=19$m=19456,t=2,p=1$${salt}$${tag}`,
      `$argon2id$v=17$m=19456,t=2,p=1$${salt}$${tag}`,
      `$argon2id$v=19$m=19456,t=2,p=1$${salt}$`,
      `$argon2id$v=19$m=19456,t=2,p=1$$${tag}`,
      `$argon2id$v=19$m=19456,t=0,p=1$${salt}$${tag}`,
    ];

    for (const phc of malformed) {
      assert.equal(await auth.verifyPassword(password, phc), false, phc);
    }
  });
});

describe('password rules', () => {
  const store = new MemoryStore();
  const auth = new Auth({ secret: randomBytes(32).toString('hex') }, store);

  test('weaker stored hash is rehashed', async () => {
    const password = 'weak-hash-password';
    const weakHash = await hashWasm('argon2id', { password, memorySize: 8192, iterations: 1, parallelism: 1 });
    const id = await insertUser(store, { username: 'weak-hash', email: 'weak-hash@example.com', passwordHash: weakHash });

    const login = await auth.login({ username: 'weak-hash', password });
    const rehashed = (await readUser(store, id)).password_hash;

    assert.equal(login.user.id, id);
    assert.notEqual(rehashed, weakHash);
    assert.ok(rehashed.startsWith(POLICY_PREFIX), rehashed);
    assert.equal(await auth.verifyPassword(password, rehashed), true);

    await auth.login({ username: 'weak-hash', password });
    assert.equal((await readUser(store, id)).password_hash, rehashed, 'a policy-strength hash was replaced');
  });

  test('argon2i v=16 hash is rehashed', async () => {
    const vector = PHC_VECTORS.find((entry) => entry.id === 'argon2i-v16');
    const id = await insertUser(store, { username: 'old-argon2i', email: 'old-argon2i@example.com', passwordHash: vector.phc });

    await auth.login({ username: 'old-argon2i', password: vector.password });
    const rehashed = (await readUser(store, id)).password_hash;

    assert.ok(rehashed.startsWith(POLICY_PREFIX), rehashed);
  });

  test('stronger stored hash is kept', async () => {
    const vector = PHC_VECTORS.find((entry) => entry.id === 'argon2-cffi-defaults');
    const id = await insertUser(store, { username: 'cffi-user', email: 'cffi-user@example.com', passwordHash: vector.phc });

    await auth.login({ username: 'cffi-user', password: vector.password });

    assert.equal((await readUser(store, id)).password_hash, vector.phc);
  });

  test('password over 1024 bytes', async () => {
    const hash = await auth.hashPassword('a-valid-password');
    // 1025 ASCII bytes, and 342 characters that are 1026 bytes in UTF-8.
    for (const password of ['x'.repeat(1025), '€'.repeat(342)]) {
      const user = { ...newUser('long'), password };
      assertRejected(await settle(auth.register(user)), 'validation_failed', 'register');
      assertRejected(await settle(auth.login({ username: 'someone', password })), 'validation_failed', 'login');
      assertRejected(await settle(auth.hashPassword(password)), 'validation_failed', 'hashPassword');
      assertRejected(await settle(auth.verifyPassword(password, hash)), 'validation_failed', 'verifyPassword');
    }
  });

  test('password of exactly 1024 bytes', async () => {
    const password = `${'€'.repeat(341)}x`;
    assert.equal(Buffer.byteLength(password), 1024);

    const hash = await auth.hashPassword(password);

    assert.equal(await auth.verifyPassword(password, hash), true);
  });

  test('NFKC: decomposed e matches é', async () => {
    const composed = 'caf\u00e9-au-lait-42';
    const decomposed = 'cafe\u0301-au-lait-42';
    const user = { ...newUser('nfkc'), password: composed };
    await auth.register(user);

    const login = await auth.login({ username: user.username, password: decomposed });
    const hash = await auth.hashPassword(decomposed);

    assert.equal(login.token_type, 'Bearer');
    assert.equal(await auth.verifyPassword(composed, hash), true);
  });

  test('NFKC: ligature matches its letters', async () => {
    const hash = await auth.hashPassword('\ufb01nal-password');

    assert.equal(await auth.verifyPassword('final-password', hash), true);
  });
});

describe('user rules', () => {
  const store = new MemoryStore();
  const auth = new Auth({ secret: randomBytes(32).toString('hex') }, store);

  test('full-width username is NFKC folded', async () => {
    const password = 'full-width-password';
    const user = await auth.register({ username: 'ｆｕｌｌｗｉｄｔｈ', email: 'fw@example.com', password });

    assert.equal(user.username, 'fullwidth');
    assertRejected(
      await settle(auth.register({ username: 'FullWidth', email: 'fw-2@example.com', password })),
      'user_exists',
      'register with another case',
    );
    const login = await auth.login({ username: 'ＦＵＬＬＷＩＤＴＨ', password });
    assert.equal(login.user.id, user.id);
  });

  test('email uniqueness ignores case', async () => {
    const password = 'email-case-password';
    const user = await auth.register({ username: 'email-case', email: 'Mixed.Case@Example.COM', password });

    assert.equal(user.email, 'mixed.case@example.com');
    for (const email of ['mixed.case@example.com', 'MIXED.CASE@EXAMPLE.COM', 'ｍｉｘｅｄ.case@example.com']) {
      assertRejected(
        await settle(auth.register({ username: `other-${randomBytes(3).toString('hex')}`, email, password })),
        'user_exists',
        `register ${email}`,
      );
    }
    const login = await auth.login({ username: 'MIXED.CASE@example.com', password });
    assert.equal(login.user.id, user.id);
  });

  test('inactive user cannot log in', async () => {
    const fields = newUser('inactive');
    const user = await auth.register(fields);
    const session = await auth.login({ username: fields.username, password: fields.password });
    const record = await readUser(store, user.id);
    await store.put(`user/id/${user.id}`, JSON.stringify({ ...record, is_active: false }));

    assertRejected(await settle(auth.login({ username: fields.username, password: fields.password })), 'user_inactive', 'login');
    // A wrong password gets the same error as for an active account, so the account
    // status stays hidden from someone who does not know the password.
    assertRejected(
      await settle(auth.login({ username: fields.username, password: `${fields.password}!` })),
      'invalid_credentials',
      'login with a wrong password',
    );
    assertRejected(await settle(auth.issueToken(user.id)), 'user_inactive', 'issueToken');
    assertRejected(await settle(auth.currentUser(session.access_token)), 'user_inactive', 'currentUser');
    assertRejected(
      await settle(auth.authenticateRequest({ method: 'GET', path: '/me', authorization: `Bearer ${session.access_token}` })),
      'user_inactive',
      'authenticateRequest',
    );
    assert.deepEqual(await auth.introspect(session.access_token), { active: false });
  });

  test('inserted inactive record cannot log in', async () => {
    const password = 'inserted-inactive-password';
    const passwordHash = await auth.hashPassword(password);
    await insertUser(store, { username: 'inserted-inactive', email: 'inserted-inactive@example.com', passwordHash, isActive: false });

    assertRejected(await settle(auth.login({ username: 'inserted-inactive', password })), 'user_inactive', 'login');
  });

  test('lone surrogates are rejected', async () => {
    const fields = newUser('surrogate');
    const registered = await auth.register(fields);
    const session = await auth.login({ username: fields.username, password: fields.password });
    const hash = await auth.hashPassword(fields.password);
    const highAlone = 'pass\ud800word';
    const lowAlone = 'pass\udfffword';

    const calls = {
      'register password': () => auth.register({ ...newUser('lone'), password: highAlone }),
      'register username': () => auth.register({ ...newUser('lone'), username: 'lone\udc00name' }),
      'register email': () => auth.register({ ...newUser('lone'), email: 'lone\ud800@example.com' }),
      'login password': () => auth.login({ username: fields.username, password: `${fields.password}\ud800` }),
      'login username': () => auth.login({ username: `${fields.username}\udfff`, password: fields.password }),
      'hashPassword': () => auth.hashPassword(lowAlone),
      'verifyPassword password': () => auth.verifyPassword(highAlone, hash),
      'verifyPassword hash': () => auth.verifyPassword(fields.password, `${hash}\ud800`),
      'verifyToken': () => auth.verifyToken(`${session.access_token}\ud800`),
      'currentUser': () => auth.currentUser(`\udc00${session.access_token}`),
      'issueToken': () => auth.issueToken(`${registered.id}\ud800`),
    };
    for (const [name, call] of Object.entries(calls)) {
      assertRejected(await settle(call()), 'validation_failed', name);
    }
    assert.throws(
      () => new Auth({ secret: `${randomBytes(32).toString('hex')}\ud800` }, new MemoryStore()),
      (error) => error instanceof AuthError && error.code === 'invalid_config',
    );
  });

  test('introspect of a lone surrogate', async () => {
    // index.d.ts: introspect "never rejects for a bad token", so a string that cannot be a
    // token is inactive like any other.
    const outcome = await settle(auth.introspect('header.claims\ud800.signature'));

    assert.equal(outcome.error, undefined, `introspect rejected: ${outcome.error?.code} ${outcome.error?.message}`);
    assert.deepEqual(outcome.value, { active: false });
  });
});
