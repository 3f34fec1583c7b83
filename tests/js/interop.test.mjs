// Interoperability of the npm package with jose 6, in both directions: tokens jwtlib
// issues verify in jose, tokens jose signs verify in jwtlib, tampered tokens fail in
// both, and the JWK Set from auth.jwks() works as a jose key set.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';

import {
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { Auth, AuthError, MemoryStore } from 'jwtlib';

import { decodeClaims, flipSignatureCharacter, nowSeconds, replaceClaims } from '../security-cases.mjs';

const ISSUER = 'urn:jwtlib:interop-tests:issuer';
const AUDIENCE = 'urn:jwtlib:interop-tests:api';
/** Default access token lifetime (DEFAULT_ACCESS_TOKEN_TTL in src/config.rs), in seconds. */
const DEFAULT_TTL_SECONDS = 1800;

/** Every algorithm jwtlib supports, with the shortest HMAC secret it allows in bytes. */
const ALGORITHMS = [
  { alg: 'HS256', minSecretBytes: 32 },
  { alg: 'HS384', minSecretBytes: 48 },
  { alg: 'HS512', minSecretBytes: 64 },
  { alg: 'EdDSA' },
  { alg: 'ES256' },
];

/**
 * Makes an HMAC secret of at least `minBytes` UTF-8 bytes. It ends in non-ASCII text so
 * that both libraries must agree on the UTF-8 encoding of the secret.
 */
function hmacSecret(minBytes) {
  return `${randomBytes(minBytes).toString('base64url')}-ключ-€`;
}

/**
 * Makes the key of one algorithm: the jwtlib key configuration and the jose keys that
 * sign and verify. HMAC keys are secret strings, the others jose key pairs.
 */
async function makeKey({ alg, minSecretBytes }, kid) {
  if (minSecretBytes !== undefined) {
    const secret = hmacSecret(minSecretBytes);
    const bytes = new TextEncoder().encode(secret);
    return { config: { kid, alg, secret }, signingKey: bytes, verifyingKey: bytes, secret };
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { config: { kid, alg, jwk }, signingKey: privateKey, verifyingKey: publicKey, privateJwk: jwk };
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

/** Signs a token with jose for the user `sub`, valid for five minutes. */
function joseToken({ alg, kid, sub, signingKey, issuer = ISSUER, audience = AUDIENCE }) {
  const header = kid === undefined ? { alg, typ: 'JWT' } : { alg, kid, typ: 'JWT' };
  return new SignJWT({})
    .setProtectedHeader(header)
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomBytes(8).toString('hex'))
    .sign(signingKey);
}

/** Checks that jwtlib rejects `token` with invalid_token from verifyToken and currentUser. */
async function assertJwtlibRejects(auth, token) {
  const isInvalidToken = (error) => error instanceof AuthError && error.code === 'invalid_token';
  await assert.rejects(auth.verifyToken(token), isInvalidToken);
  await assert.rejects(auth.currentUser(token), isInvalidToken);
  assert.deepEqual(await auth.introspect(token), { active: false });
}

for (const algorithm of ALGORITHMS) {
  const { alg } = algorithm;
  const kid = `${alg.toLowerCase()}-interop`;

  describe(`${alg} with jose`, () => {
    let key;
    let auth;
    let user;
    let victim;
    let fields;

    before(async () => {
      key = await makeKey(algorithm, kid);
      auth = new Auth({ keys: [key.config], issuer: ISSUER, audience: AUDIENCE }, new MemoryStore());
      fields = newUser(alg.toLowerCase());
      user = await auth.register(fields);
      victim = await auth.register(newUser('victim'));
    });

    /** Verifies a jwtlib token in jose with every claim check jose offers. */
    function verifyInJose(token, verifyingKey = key.verifyingKey) {
      return jwtVerify(token, verifyingKey, {
        algorithms: [alg],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        typ: 'JWT',
      });
    }

    test('login token verifies in jose', async () => {
      const login = await auth.login({ username: fields.username, password: fields.password });
      const { payload, protectedHeader } = await verifyInJose(login.access_token);

      assert.equal(protectedHeader.alg, alg);
      assert.equal(protectedHeader.kid, kid);
      assert.equal(payload.sub, user.id);
      assert.equal(payload.iss, ISSUER);
      assert.equal(payload.aud, AUDIENCE);
      assert.equal(login.expires_in, DEFAULT_TTL_SECONDS);
      assert.equal(payload.exp - payload.iat, DEFAULT_TTL_SECONDS);
      assert.ok(Math.abs(payload.iat - nowSeconds()) <= 5, `iat ${payload.iat} is not now`);
    });

    test('issueToken verifies in jose', async () => {
      const issued = await auth.issueToken(user.id);
      const { payload, protectedHeader } = await verifyInJose(issued.access_token);

      assert.equal(protectedHeader.kid, kid);
      assert.equal(payload.sub, user.id);
    });

    test('jose token verifies in jwtlib', async () => {
      const token = await joseToken({ alg, kid, sub: user.id, signingKey: key.signingKey });
      const sent = decodeClaims(token);

      const claims = await auth.verifyToken(token);
      const current = await auth.currentUser(token);
      const introspection = await auth.introspect(token);

      assert.deepEqual(claims, {
        sub: user.id,
        exp: sent.exp,
        iat: sent.iat,
        iss: ISSUER,
        aud: AUDIENCE,
        jti: sent.jti,
      });
      assert.equal(current.id, user.id);
      assert.equal(introspection.active, true);
      assert.equal(introspection.sub, user.id);
    });

    test('tampered jwtlib token fails both', async () => {
      const { access_token: token } = await auth.issueToken(user.id);
      const flipped = flipSignatureCharacter(token);
      const escalated = replaceClaims(token, { ...decodeClaims(token), sub: victim.id });

      for (const tampered of [flipped, escalated]) {
        await assert.rejects(verifyInJose(tampered), joseErrors.JWSSignatureVerificationFailed);
        await assertJwtlibRejects(auth, tampered);
      }
    });

    test('tampered jose token fails both', async () => {
      const token = await joseToken({ alg, kid, sub: user.id, signingKey: key.signingKey });
      const flipped = flipSignatureCharacter(token);
      const escalated = replaceClaims(token, { ...decodeClaims(token), sub: victim.id });

      for (const tampered of [flipped, escalated]) {
        await assert.rejects(verifyInJose(tampered), joseErrors.JWSSignatureVerificationFailed);
        await assertJwtlibRejects(auth, tampered);
      }
    });

    test('jose token without kid, one key', async () => {
      const token = await joseToken({ alg, kid: undefined, sub: user.id, signingKey: key.signingKey });

      assert.equal((await auth.verifyToken(token)).sub, user.id);
    });

    if (algorithm.minSecretBytes === undefined) {
      test('jwks verifies tokens in jose', async () => {
        const keySet = createLocalJWKSet(auth.jwks());
        const { access_token: token } = await auth.issueToken(user.id);

        const { payload, protectedHeader } = await verifyInJose(token, keySet);

        assert.equal(protectedHeader.kid, kid);
        assert.equal(payload.sub, user.id);
      });
    } else {
      test('secret shorter than the minimum', () => {
        const short = 'x'.repeat(algorithm.minSecretBytes - 1);
        let thrown;
        try {
          new Auth({ keys: [{ kid, alg, secret: short }] }, new MemoryStore());
        } catch (error) {
          thrown = error;
        }

        assert.ok(thrown instanceof AuthError, `the constructor threw ${thrown}`);
        assert.equal(thrown.code, 'invalid_config');
        assert.ok(!thrown.message.includes(short), thrown.message);
      });

      test('secret minimum counts UTF-8 bytes', async () => {
        const { minSecretBytes } = algorithm;
        // Three-byte characters: the secret has the minimum byte length in a third as many characters.
        const secret = '€'.repeat(Math.floor(minSecretBytes / 3)) + 'x'.repeat(minSecretBytes % 3);
        assert.equal(Buffer.byteLength(secret), minSecretBytes);

        const store = new MemoryStore();
        const shortAuth = new Auth({ keys: [{ kid, alg, secret }] }, store);
        const owner = await shortAuth.register(newUser('utf8'));
        const { access_token: token } = await shortAuth.issueToken(owner.id);

        const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: [alg] });
        assert.equal(payload.sub, owner.id);
      });
    }
  });
}

describe('JWK Set with jose', () => {
  const store = new MemoryStore();
  let keys;
  let edAuth;
  let esAuth;
  let user;

  before(async () => {
    keys = {};
    for (const algorithm of ALGORITHMS) {
      keys[algorithm.alg] = await makeKey(algorithm, `${algorithm.alg.toLowerCase()}-set`);
    }
    const keyConfigs = Object.values(keys).map((key) => key.config);
    edAuth = new Auth({ keys: keyConfigs, signingKeyId: 'eddsa-set' }, store);
    esAuth = new Auth({ keys: keyConfigs, signingKeyId: 'es256-set' }, store);
    user = await edAuth.register(newUser('jwks'));
  });

  test('lists only public keys', () => {
    const jwks = edAuth.jwks();
    const text = JSON.stringify(jwks);

    assert.deepEqual(jwks.keys.map((key) => key.kid).sort(), ['eddsa-set', 'es256-set']);
    for (const key of jwks.keys) {
      assert.equal(key.d, undefined, `${key.kid} has a private part`);
      assert.equal(key.k, undefined, `${key.kid} has a symmetric key`);
      assert.equal(key.use, 'sig');
    }
    assert.deepEqual(jwks.keys.map((key) => key.alg).sort(), ['ES256', 'EdDSA']);
    for (const { secret, privateJwk } of Object.values(keys)) {
      const hidden = secret ?? privateJwk.d;
      assert.ok(!text.includes(hidden), 'the JWK Set contains secret key material');
    }
    assert.deepEqual(esAuth.jwks(), jwks);
  });

  test('verifies EdDSA and ES256 tokens', async () => {
    const keySet = createLocalJWKSet(edAuth.jwks());

    for (const [auth, alg] of [[edAuth, 'EdDSA'], [esAuth, 'ES256']]) {
      const { access_token: token } = await auth.issueToken(user.id);
      const { payload, protectedHeader } = await jwtVerify(token, keySet, { algorithms: [alg] });
      assert.equal(protectedHeader.alg, alg);
      assert.equal(payload.sub, user.id);
    }
  });

  test('rejects HMAC tokens', async () => {
    const keySet = createLocalJWKSet(edAuth.jwks());
    const hmacAuth = new Auth({ keys: [keys.HS256.config] }, store);
    const { access_token: token } = await hmacAuth.issueToken(user.id);

    // jose refuses a JWK Set for an HMAC alg outright (JOSENotSupported in 6.2).
    await assert.rejects(jwtVerify(token, keySet), joseErrors.JOSEError);
  });

  test('jwks entry as a verification key', async () => {
    const published = edAuth.jwks().keys.find((key) => key.kid === 'eddsa-set');
    const verifier = new Auth(
      { keys: [keys.HS256.config, { kid: 'eddsa-set', alg: 'EdDSA', jwk: published }] },
      store,
    );
    const fromJwtlib = (await edAuth.issueToken(user.id)).access_token;
    const fromJose = await joseToken({
      alg: 'EdDSA',
      kid: 'eddsa-set',
      sub: user.id,
      signingKey: keys.EdDSA.signingKey,
      issuer: 'urn:any-issuer',
      audience: 'urn:any-audience',
    });

    assert.equal((await verifier.verifyToken(fromJwtlib)).sub, user.id);
    assert.equal((await verifier.verifyToken(fromJose)).sub, user.id);
    assert.deepEqual(verifier.jwks().keys, [published]);
  });

  test('no iss or aud unless configured', async () => {
    const { access_token: token } = await edAuth.issueToken(user.id);
    const claims = decodeClaims(token);

    assert.equal(claims.iss, undefined);
    assert.equal(claims.aud, undefined);
    const { payload } = await jwtVerify(token, keys.EdDSA.verifyingKey, { algorithms: ['EdDSA'] });
    assert.equal(payload.sub, user.id);
  });
});

describe('JWKs exported by WebCrypto', () => {
  // crypto.subtle.exportKey('jwk', ...) adds key_ops and ext to every key (W3C Web
  // Cryptography API, section 14.3.15), and Node 20 adds alg "Ed25519" to Ed25519 keys,
  // the fully-specified name of RFC 9864.

  test('P-256 JWK with key_ops and ext', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await crypto.subtle.exportKey('jwk', privateKey);
    assert.deepEqual(jwk.key_ops, ['sign']);

    const auth = new Auth({ keys: [{ kid: 'webcrypto-es', alg: 'ES256', jwk }] }, new MemoryStore());

    assert.equal(auth.jwks().keys.length, 1);
  });

  test('Ed25519 JWK with alg Ed25519', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const { key_ops: keyOps, ext, ...jwk } = await crypto.subtle.exportKey('jwk', privateKey);
    assert.deepEqual(keyOps, ['sign']);
    assert.equal(ext, true);
    assert.equal(jwk.alg, 'Ed25519');

    const auth = new Auth({ keys: [{ kid: 'webcrypto-ed', alg: 'EdDSA', jwk }] }, new MemoryStore());

    assert.equal(auth.jwks().keys.length, 1);
  });
});
