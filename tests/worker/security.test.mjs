// Security tests of the Worker over HTTP on workerd. Every class of rejected token
// (cases in tests/security-cases.mjs) goes through GET /auth/me and POST
// /auth/introspect. The JWK Set endpoint is checked with jose. Bad key configurations
// must fail with invalid_config and must not echo key material.
//
// One Miniflare instance runs several copies of build/index.js, each with its own
// variables and KV namespace. The Worker must be built first: `bash scripts/build.sh worker`.

import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createLocalJWKSet, jwtVerify } from 'jose';
import { Miniflare } from 'miniflare';

import {
  AUDIENCE,
  casesByGroup,
  CONFIG_NAMES,
  createKeyMaterial,
  flipSignatureCharacter,
  ISSUER,
  KID,
  leakedTokenParts,
  nowSeconds,
  signedBy,
  unusedLoopbackPort,
  validClaims,
  withStableSecond,
  workerBindings,
} from '../security-cases.mjs';
import {
  assertContainsNone,
  assertError,
  BASE_URL,
  readWranglerConfig,
  ROOT,
} from './helpers.mjs';

const SCRIPT_PATH = join(ROOT, 'build', 'index.js');

const material = createKeyMaterial();

/** A second Ed25519 key pair, for a JWK whose public part belongs to another key. */
const otherEd = generateKeyPairSync('ed25519');
const edPrivateJwk = material.ed.privateKey.export({ format: 'jwk' });
const edPublicJwk = material.ed.publicKey.export({ format: 'jwk' });

/** Returns a fresh secret value, so that a leak names the one configuration it came from. */
function secretValue() {
  return `leak-candidate-${randomBytes(24).toString('hex')}`;
}

/** Returns a fresh secret shorter than the 32-byte HS256 minimum. */
function shortSecretValue() {
  return `short-${randomBytes(6).toString('hex')}`;
}

/**
 * Builds a key configuration that the Worker must reject with invalid_config. `keys`
 * becomes JWT_KEYS as JSON, `jwtKeys` is sent as it is, `variables` are set as well, and
 * `secrets` lists the values that neither the response nor the log may contain.
 */
function badConfig(name, build) {
  return { name, ...build() };
}

const BAD_CONFIGS = [
  badConfig('short JWT_SECRET', () => {
    const secret = shortSecretValue();
    return { variables: { JWT_SECRET: secret }, secrets: [secret] };
  }),
  badConfig('short HS256 secret', () => {
    const secret = shortSecretValue();
    return { keys: [{ kid: 'k1', alg: 'HS256', secret }], secrets: [secret] };
  }),
  badConfig('JWT_KEYS not valid JSON', () => {
    const secret = secretValue();
    return { jwtKeys: `[{"kid":"k1","alg":"HS256","secret":"${secret}"`, secrets: [secret] };
  }),
  badConfig('misspelled secret field', () => {
    const secret = secretValue();
    return { keys: [{ kid: 'k1', alg: 'HS256', secrte: secret }], secrets: [secret] };
  }),
  badConfig('jwk of two different keys', () => ({
    keys: [{ kid: 'k1', alg: 'EdDSA', jwk: { ...edPrivateJwk, x: otherEd.publicKey.export({ format: 'jwk' }).x } }],
    secrets: [edPrivateJwk.d],
  })),
  badConfig('jwk alg not the key alg', () => ({
    keys: [{ kid: 'k1', alg: 'EdDSA', jwk: { ...edPrivateJwk, alg: 'ES256' } }],
    secrets: [edPrivateJwk.d],
  })),
  badConfig('jwk given to an HMAC key', () => ({
    keys: [{ kid: 'k1', alg: 'HS256', jwk: edPrivateJwk }],
    secrets: [edPrivateJwk.d],
  })),
  badConfig('duplicate kid', () => {
    const first = secretValue();
    const second = secretValue();
    return {
      keys: [{ kid: 'k1', alg: 'HS256', secret: first }, { kid: 'k1', alg: 'HS256', secret: second }],
      secrets: [first, second],
    };
  }),
  badConfig('signing key without private part', () => {
    const secret = secretValue();
    return {
      keys: [{ kid: 'k1', alg: 'HS256', secret }, { kid: 'k2', alg: 'EdDSA', jwk: edPublicJwk }],
      variables: { JWT_SIGNING_KEY_ID: 'k2' },
      secrets: [secret],
    };
  }),
  badConfig('alg none', () => {
    const secret = secretValue();
    return { keys: [{ kid: 'k1', alg: 'none', secret }], secrets: [secret] };
  }),
  badConfig('secret in the alg field', () => {
    // The secret and the alg name swapped by mistake.
    const secret = secretValue();
    return { keys: [{ kid: 'k1', alg: secret, secret: 'HS256' }], secrets: [secret] };
  }),
];

/** Returns the Worker variables of a bad configuration. */
function badConfigBindings(config) {
  const bindings = { JWT_SECRET: '', JWT_KEY_ID: '', JWT_KEYS: '' };
  if (config.keys !== undefined) {
    bindings.JWT_KEYS = JSON.stringify(config.keys);
  }
  if (config.jwtKeys !== undefined) {
    bindings.JWT_KEYS = config.jwtKeys;
  }
  return { ...bindings, ...config.variables };
}

/** Returns a worker name that Miniflare accepts, made from a configuration name. */
function workerName(prefix, name) {
  return `${prefix}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/**
 * Starts one workerd process that runs build/index.js once per entry of `workers`
 * ({ name, bindings }), each with its own USERS namespace. Outbound fetches are caught
 * and recorded instead of sent.
 */
async function startWorkers(workers) {
  if (!existsSync(SCRIPT_PATH)) {
    throw new Error(`${SCRIPT_PATH} is missing: run "bash scripts/build.sh worker" first`);
  }
  const wrangler = readWranglerConfig();
  const logs = [];
  const outboundRequests = [];
  const miniflare = new Miniflare({
    host: '127.0.0.1',
    cf: false,
    handleStructuredLogs(entry) {
      logs.push(entry);
    },
    workers: workers.map(({ name, bindings }) => ({
      name,
      scriptPath: SCRIPT_PATH,
      modules: true,
      // The wasm-bindgen glue imports ./index_bg.wasm, which Miniflare's default rules
      // do not cover.
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: wrangler.compatibilityDate,
      kvNamespaces: { USERS: `${name}-users` },
      bindings: { ...wrangler.vars, ...bindings },
      outboundService(request) {
        outboundRequests.push(request.url);
        return new Response('outbound requests are blocked in tests', { status: 502 });
      },
    })),
  });
  await miniflare.ready;

  const fetchers = new Map();
  for (const { name } of workers) {
    fetchers.set(name, await miniflare.getWorker(name));
  }
  const client = (name) => {
    const fetcher = fetchers.get(name);
    const request = (path, init = {}) => fetcher.fetch(new URL(path, BASE_URL), init);
    const postJson = (path, body) => request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { request, postJson };
  };
  return { miniflare, logs, outboundRequests, client };
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

/** Registers a user and returns its id and fields, failing unless the status is 201. */
async function register(worker, prefix) {
  const fields = newUser(prefix);
  const response = await worker.postJson('/auth/register', fields);
  const text = await response.text();
  assert.equal(response.status, 201, `registration failed: ${text}`);
  return { ...fields, id: JSON.parse(text).id };
}

/** Logs in and returns the LoginResponse, failing unless the status is 200. */
async function login(worker, user) {
  const response = await worker.postJson('/auth/login', { username: user.username, password: user.password });
  const text = await response.text();
  assert.equal(response.status, 200, `login failed: ${text}`);
  return JSON.parse(text);
}

const GOOD_WORKERS = CONFIG_NAMES.map((name) => ({ name: `keys-${name}`, bindings: workerBindings(material, name) }));
const BAD_WORKERS = BAD_CONFIGS.map((config) => ({ name: workerName('bad', config.name), bindings: badConfigBindings(config) }));

let harness;
const users = {};
let port;

before(async () => {
  harness = await startWorkers([...GOOD_WORKERS, ...BAD_WORKERS]);
  port = await unusedLoopbackPort();
  await Promise.all(CONFIG_NAMES.map(async (name) => {
    users[name] = await register(harness.client(`keys-${name}`), name);
  }));
});

after(async () => {
  const outbound = harness?.outboundRequests ?? [];
  await harness?.miniflare.dispose();
  assert.deepEqual(outbound, [], 'the Worker sent outbound requests');
});

describe('token rejection over HTTP', () => {
  /** Builds the case's token at `now` and sends it to GET /auth/me and POST /auth/introspect. */
  async function judge(tokenCase, now) {
    const config = tokenCase.config ?? 'mixed';
    const worker = harness.client(`keys-${config}`);
    const sub = users[config].id;
    const token = tokenCase.token({ material, sub, port, now });
    const bearer = tokenCase.bearer ?? 'as-is';

    let me;
    if (bearer !== 'unsendable') {
      me = await worker.request('/auth/me', { headers: { Authorization: `Bearer ${token}` } });
    }
    const introspection = await worker.postJson('/auth/introspect', { token });
    return { token, sub, bearer, me, introspection };
  }

  for (const [group, cases] of casesByGroup()) {
    describe(group, () => {
      for (const tokenCase of cases) {
        test(tokenCase.name, async () => {
          const { token, sub, bearer, me, introspection } = tokenCase.sameSecond
            ? await withStableSecond((now) => judge(tokenCase, now))
            : await judge(tokenCase, nowSeconds());

          const introspectionText = await introspection.text();
          assert.equal(introspection.status, 200, introspectionText);
          const introspected = JSON.parse(introspectionText);

          if (tokenCase.expect === 'accepted') {
            const meText = await me.text();
            assert.equal(me.status, 200, meText);
            assert.equal(JSON.parse(meText).id, sub);
            assert.equal(introspected.active, true);
            assert.equal(introspected.sub, sub);
            return;
          }

          assert.deepEqual(introspected, { active: false });
          if (me !== undefined) {
            const code = bearer === 'invalid_authorization_header' ? bearer : tokenCase.expect;
            const { text } = await assertError(me, code);
            assert.deepEqual(leakedTokenParts(text, token), []);
          }
        });
      }
    });
  }

  test('expired message differs from invalid', async () => {
    const worker = harness.client('keys-mixed');
    const now = nowSeconds();
    const context = { material, sub: users.mixed.id, now };
    const expired = signedBy(context, KID.hmac, validClaims(context, { exp: now - 600 }));
    const tampered = flipSignatureCharacter(signedBy(context, KID.hmac));

    const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` } });
    const expiredError = await assertError(await worker.request('/auth/me', bearer(expired)), 'token_expired');
    const invalidError = await assertError(await worker.request('/auth/me', bearer(tampered)), 'invalid_token');

    assert.notEqual(expiredError.message, invalidError.message);
  });
});

describe('JWK Set endpoint', () => {
  /** Fetches the JWK Set of a worker, failing unless the status is 200. */
  async function fetchJwks(worker) {
    const response = await worker.request('/.well-known/jwks.json');
    const text = await response.text();
    assert.equal(response.status, 200, text);
    return { text, jwks: JSON.parse(text) };
  }

  test('lists only public keys', async () => {
    const { text, jwks } = await fetchJwks(harness.client('keys-mixed'));

    assert.deepEqual(jwks.keys.map((key) => key.kid).sort(), [KID.ed, KID.es]);
    for (const key of jwks.keys) {
      assert.equal(key.d, undefined, `${key.kid} has a private part`);
      assert.equal(key.k, undefined, `${key.kid} has a symmetric key`);
      assert.equal(key.use, 'sig');
    }
    const esPrivateJwk = material.es.privateKey.export({ format: 'jwk' });
    assertContainsNone(text, [material.hmacSecret, edPrivateJwk.d, esPrivateJwk.d]);
  });

  for (const [config, alg] of [['ed-only', 'EdDSA'], ['es-only', 'ES256']]) {
    test(`verifies an ${alg} login in jose`, async () => {
      const worker = harness.client(`keys-${config}`);
      const { jwks } = await fetchJwks(worker);
      const session = await login(worker, users[config]);

      const { payload, protectedHeader } = await jwtVerify(session.access_token, createLocalJWKSet(jwks), {
        algorithms: [alg],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      });

      assert.equal(protectedHeader.alg, alg);
      assert.equal(payload.sub, users[config].id);
    });
  }
});

describe('invalid key configuration', () => {
  for (const config of BAD_CONFIGS) {
    test(config.name, async () => {
      const worker = harness.client(workerName('bad', config.name));
      const token = signedBy({ material, sub: 'any-user', now: nowSeconds() }, KID.hmac);

      const responses = [
        await worker.request('/.well-known/jwks.json'),
        await worker.postJson('/auth/login', { username: 'someone', password: 'some-password' }),
        await worker.request('/auth/me', { headers: { Authorization: `Bearer ${token}` } }),
      ];
      for (const response of responses) {
        const { text } = await assertError(response, 'invalid_config');
        assertContainsNone(text, config.secrets);
      }
      // A misconfigured Worker is not healthy either.
      await assertError(await worker.request('/health'), 'invalid_config');
    });
  }

  test('log lines hold no key material', () => {
    const logText = harness.logs.map((entry) => entry.message).join('\n');

    assert.ok(logText.includes('invalid_config'), 'the Worker logged no configuration error');
    for (const config of BAD_CONFIGS) {
      for (const secret of config.secrets) {
        assert.ok(!logText.includes(secret), `a secret of "${config.name}" appears in the log`);
      }
    }
  });
});
