// Token cases shared by the security tests of the npm package (tests/js) and of the
// Worker (tests/worker): the keys both configure, a token signer built on node:crypto,
// and one case per class of token that must be rejected or accepted.
//
// A case builds its token from a context { material, sub, now, port }: `sub` is the id
// of a user registered in the service under test, `now` is the current Unix second and
// `port` is a loopback port that nothing listens on.

import {
  createHmac,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import { createServer } from 'node:net';

/** Issuer and audience that every configuration in these tests requires. */
export const ISSUER = 'urn:jwtlib:security-tests:issuer';
export const AUDIENCE = 'urn:jwtlib:security-tests:api';

/** Default maxTokenLength (DEFAULT_MAX_TOKEN_LENGTH in src/config.rs), in bytes. */
export const MAX_TOKEN_LENGTH = 8192;

/** Key ids of the configured keys. */
export const KID = Object.freeze({ hmac: 'hs-1', ed: 'ed-1', es: 'es-1' });

/** Names of the key sets that `keyConfigs` builds. */
export const CONFIG_NAMES = Object.freeze(['mixed', 'ed-only', 'es-only']);

/** Seconds since the Unix epoch. */
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** Encodes a string as is, or any other value as JSON, in unpadded base64url. */
export function base64url(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text).toString('base64url');
}

/**
 * Creates the keys of one test run: an HS256 secret, an Ed25519 and a P-256 key pair
 * that the services are configured with, and an Ed25519 key pair of an attacker.
 */
export function createKeyMaterial() {
  return {
    // 32 random bytes as base64url: a 43-byte ASCII secret, above the HS256 minimum.
    hmacSecret: randomBytes(32).toString('base64url'),
    ed: generateKeyPairSync('ed25519'),
    es: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    attacker: generateKeyPairSync('ed25519'),
  };
}

/** Returns the `keys` setting of the key set `name` (one of CONFIG_NAMES). */
export function keyConfigs(material, name) {
  const hmac = { kid: KID.hmac, alg: 'HS256', secret: material.hmacSecret };
  const ed = { kid: KID.ed, alg: 'EdDSA', jwk: material.ed.privateKey.export({ format: 'jwk' }) };
  const es = { kid: KID.es, alg: 'ES256', jwk: material.es.privateKey.export({ format: 'jwk' }) };
  switch (name) {
    case 'mixed':
      return [hmac, ed, es];
    case 'ed-only':
      return [ed];
    case 'es-only':
      return [es];
    default:
      throw new Error(`unknown key set ${name}`);
  }
}

/** Returns the configuration object of `new Auth(...)` for the key set `name`. */
export function authConfig(material, name) {
  return { keys: keyConfigs(material, name), issuer: ISSUER, audience: AUDIENCE };
}

/**
 * Returns the Worker variables for the key set `name`. JWT_SECRET and JWT_KEY_ID are set
 * empty, which the Worker reads as unset, so that they replace any defaults.
 */
export function workerBindings(material, name) {
  return {
    JWT_SECRET: '',
    JWT_KEY_ID: '',
    JWT_KEYS: JSON.stringify(keyConfigs(material, name)),
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
  };
}

/** Returns a signer that makes an HMAC signature with the node:crypto hash `hash`. */
export function hmacSigner(hash, secret) {
  return (input) => createHmac(hash, secret).update(input).digest('base64url');
}

/** Returns a signer that makes an Ed25519 signature. */
export function ed25519Signer(privateKey) {
  return (input) => sign(null, Buffer.from(input), privateKey).toString('base64url');
}

/** Returns a signer that makes an ECDSA P-256 signature, as r || s unless `dsaEncoding` is 'der'. */
export function es256Signer(privateKey, dsaEncoding = 'ieee-p1363') {
  return (input) => sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding }).toString('base64url');
}

/**
 * Builds a compact JWS. `header` and `claims` are objects, or strings sent as they are
 * (for JSON that JSON.stringify cannot produce, such as duplicate names).
 */
export function compact(header, claims, signer) {
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  return `${signingInput}.${signer(signingInput)}`;
}

/** Returns the signer of each configured key, by kid. */
function configuredSigners(material) {
  return {
    [KID.hmac]: hmacSigner('sha256', material.hmacSecret),
    [KID.ed]: ed25519Signer(material.ed.privateKey),
    [KID.es]: es256Signer(material.es.privateKey),
  };
}

const ALG_BY_KID = Object.freeze({ [KID.hmac]: 'HS256', [KID.ed]: 'EdDSA', [KID.es]: 'ES256' });

/** Claims that pass every check, with `overrides` applied (undefined drops a claim). */
export function validClaims(context, overrides = {}) {
  return {
    sub: context.sub,
    iss: ISSUER,
    aud: AUDIENCE,
    iat: context.now,
    exp: context.now + 600,
    jti: randomBytes(8).toString('hex'),
    ...overrides,
  };
}

/** Signs `claims` with the configured key `kid` and a header of its alg and kid. */
export function signedBy(context, kid, claims = validClaims(context), extraHeader = {}) {
  const header = { alg: ALG_BY_KID[kid], typ: 'JWT', kid, ...extraHeader };
  return compact(header, claims, configuredSigners(context.material)[kid]);
}

/** Signs a token that passes every check: HS256 under the configured HMAC key. */
function validToken(context) {
  return signedBy(context, KID.hmac);
}

/** Replaces the character at `index` of `text` with `replacement`. */
function replaceAt(text, index, replacement) {
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/** Returns a base64url character other than `character` whose 6 bits all differ from it. */
function flippedCharacter(character) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return alphabet[alphabet.indexOf(character) ^ 0b111111];
}

/** Changes one character in the middle of the signature, so every decoded bit counts. */
export function flipSignatureCharacter(token) {
  const signatureStart = token.lastIndexOf('.') + 1;
  const index = signatureStart + 5;
  return replaceAt(token, index, flippedCharacter(token[index]));
}

/** Replaces the claims of `token` with `claims`, keeping its header and signature. */
export function replaceClaims(token, claims) {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url(claims)}.${signature}`;
}

/** Decodes the claims of a compact JWS. */
export function decodeClaims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * Changes the last signature character only in the bits that base64url decoding drops,
 * so the decoded signature bytes stay the same but the encoding is not canonical.
 */
function nonCanonicalSignature(token) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = token.at(-1);
  return token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
}

// The group order of Ed25519 (RFC 8032, section 5.1): a signature scalar S must be below it.
const ED25519_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n;

/** Adds the group order to the scalar S of an Ed25519 signature, which RFC 8032 forbids. */
function ed25519SignaturePlusOrder(token) {
  const signatureStart = token.lastIndexOf('.') + 1;
  const signature = Buffer.from(token.slice(signatureStart), 'base64url');
  let scalar = 0n;
  for (let index = 63; index >= 32; index -= 1) {
    scalar = (scalar << 8n) | BigInt(signature[index]);
  }
  scalar += ED25519_ORDER;
  for (let index = 32; index < 64; index += 1) {
    signature[index] = Number(scalar & 0xffn);
    scalar >>= 8n;
  }
  return token.slice(0, signatureStart) + signature.toString('base64url');
}

/** Returns the public key of `keyPair` as JSON text, the way the JWKS endpoint lists it. */
function publishedJwkText(keyPair, kid, alg) {
  const jwk = { ...keyPair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  const sorted = Object.fromEntries(Object.entries(jwk).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify(sorted);
}

/** Returns the raw public key: 32 bytes for Ed25519, the 65-byte uncompressed point for P-256. */
function rawPublicKey(keyPair, length) {
  return keyPair.publicKey.export({ type: 'spki', format: 'der' }).subarray(-length);
}

/** Signs an HS256 token whose HMAC secret is `secret`, under the given kid. */
function hs256WithSecret(context, kid, secret) {
  const header = kid === undefined ? { alg: 'HS256', typ: 'JWT' } : { alg: 'HS256', typ: 'JWT', kid };
  return compact(header, validClaims(context), hmacSigner('sha256', secret));
}

/**
 * Builds a validly signed HS256 token of exactly `length` bytes, by padding a private
 * header parameter and a private claim.
 */
export function tokenOfLength(context, length) {
  const claims = validClaims(context);
  const signer = hmacSigner('sha256', context.material.hmacSecret);
  // A base64url segment of n bytes is ceil(4n / 3) characters long, so padding the
  // claims alone skips some lengths. Padding the header by 0 to 3 bytes fills the gaps.
  for (let headerPad = 0; headerPad < 4; headerPad += 1) {
    const header = { alg: 'HS256', typ: 'JWT', kid: KID.hmac, 'x-pad': 'h'.repeat(headerPad) };
    const build = (claimPad) => compact(header, { ...claims, 'x-pad': 'c'.repeat(claimPad) }, signer);
    // The token grows with claimPad: find the smallest pad that reaches `length`.
    let low = 0;
    let high = length;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (build(middle).length < length) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    const token = build(low);
    if (token.length === length) {
      return token;
    }
  }
  throw new Error(`no token of exactly ${length} bytes was found`);
}

/** Returns a loopback TCP port that nothing listens on: bound once by the OS, then released. */
export async function unusedLoopbackPort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs `attempt(now)` until the clock reads the same second before and after it, and
 * returns its result. Cases at a second boundary (exp equal to now) need this, so a
 * check runs at exactly the second the token was built for.
 */
export async function withStableSecond(attempt, maxAttempts = 5) {
  for (let index = 0; index < maxAttempts; index += 1) {
    const now = nowSeconds();
    const result = await attempt(now);
    if (nowSeconds() === now) {
      return result;
    }
  }
  throw new Error(`the clock crossed a second boundary in each of ${maxAttempts} attempts`);
}

/**
 * Returns the parts of `token` that occur in `text`: the token itself and any of its
 * segments of 12 or more characters. An error message must contain none of them.
 */
export function leakedTokenParts(text, token) {
  const parts = [token, ...token.split('.')].filter((part) => part.length >= 12);
  return parts.filter((part) => text.includes(part));
}

/**
 * One case per class of token.
 *
 * - `expect`: 'accepted', 'invalid_token' or 'token_expired'.
 * - `config`: the key set the token is checked against (default 'mixed').
 * - `sameSecond`: the verdict holds only when the check runs in the second the token was
 *   built for; run it through `withStableSecond`.
 * - `bearer`: how the token fares in an `Authorization: Bearer` header. 'as-is' (default)
 *   gives the same verdict. 'invalid_authorization_header' is the expected error when the
 *   token contains a space or tab. 'unsendable' means fetch would trim or refuse the header
 *   value, so only the request body can carry the token.
 */
export const TOKEN_CASES = [
  // Tokens that must pass: they show that the rejections below are caused by the one
  // thing each case changes.
  { group: 'accepted', name: 'HS256 under its key', expect: 'accepted', token: (c) => signedBy(c, KID.hmac) },
  { group: 'accepted', name: 'EdDSA under its key', expect: 'accepted', token: (c) => signedBy(c, KID.ed) },
  { group: 'accepted', name: 'ES256 under its key', expect: 'accepted', token: (c) => signedBy(c, KID.es) },
  {
    group: 'accepted',
    name: 'kid omitted with one key',
    config: 'ed-only',
    expect: 'accepted',
    token: (c) => compact({ alg: 'EdDSA', typ: 'JWT' }, validClaims(c), ed25519Signer(c.material.ed.privateKey)),
  },
  {
    group: 'accepted',
    name: 'aud array with audience',
    expect: 'accepted',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { aud: ['urn:other', AUDIENCE] })),
  },
  {
    group: 'accepted',
    name: 'exp one second ahead',
    expect: 'accepted',
    sameSecond: true,
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { iat: c.now - 60, exp: c.now + 1 })),
  },
  {
    group: 'accepted',
    name: 'nbf equal to now',
    expect: 'accepted',
    sameSecond: true,
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { nbf: c.now })),
  },
  {
    group: 'accepted',
    name: 'token at the length limit',
    expect: 'accepted',
    token: (c) => tokenOfLength(c, MAX_TOKEN_LENGTH),
  },

  // The key decides the algorithm.
  {
    group: 'algorithm',
    name: 'alg none, empty signature',
    expect: 'invalid_token',
    token: (c) => `${base64url({ alg: 'none', typ: 'JWT', kid: KID.hmac })}.${base64url(validClaims(c))}.`,
  },
  {
    group: 'algorithm',
    name: 'alg none without kid',
    expect: 'invalid_token',
    token: (c) => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(validClaims(c))}.`,
  },
  {
    group: 'algorithm',
    name: 'alg none with a signature',
    expect: 'invalid_token',
    token: (c) => {
      const signature = validToken(c).split('.')[2];
      return `${base64url({ alg: 'none', typ: 'JWT', kid: KID.hmac })}.${base64url(validClaims(c))}.${signature}`;
    },
  },
  {
    group: 'algorithm',
    name: 'alg NONE in capitals',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'NONE', typ: 'JWT', kid: KID.hmac }, validClaims(c), hmacSigner('sha256', c.material.hmacSecret)),
  },
  {
    group: 'algorithm',
    name: 'HS512 on an HS256 key',
    expect: 'invalid_token',
    token: (c) => compact(
      { alg: 'HS512', typ: 'JWT', kid: KID.hmac },
      validClaims(c),
      hmacSigner('sha512', c.material.hmacSecret),
    ),
  },
  {
    group: 'algorithm',
    name: 'HS384 on an HS256 key',
    expect: 'invalid_token',
    token: (c) => compact(
      { alg: 'HS384', typ: 'JWT', kid: KID.hmac },
      validClaims(c),
      hmacSigner('sha384', c.material.hmacSecret),
    ),
  },
  {
    group: 'algorithm',
    name: 'alg hs256 in lowercase',
    expect: 'invalid_token',
    token: (c) => compact(
      { alg: 'hs256', typ: 'JWT', kid: KID.hmac },
      validClaims(c),
      hmacSigner('sha256', c.material.hmacSecret),
    ),
  },
  {
    group: 'algorithm',
    name: 'ES256 on an EdDSA kid',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'ES256', typ: 'JWT', kid: KID.ed }, validClaims(c), es256Signer(c.material.es.privateKey)),
  },
  {
    group: 'algorithm',
    name: 'EdDSA on an ES256 kid',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'EdDSA', typ: 'JWT', kid: KID.es }, validClaims(c), ed25519Signer(c.material.ed.privateKey)),
  },
  {
    group: 'algorithm',
    name: 'alg Ed25519 on an EdDSA key',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'Ed25519', typ: 'JWT', kid: KID.ed }, validClaims(c), ed25519Signer(c.material.ed.privateKey)),
  },

  // Key confusion: HS256 keyed with public key bytes that anyone can fetch.
  {
    group: 'key confusion',
    name: 'HS256 keyed with raw Ed25519 key',
    config: 'ed-only',
    expect: 'invalid_token',
    token: (c) => hs256WithSecret(c, KID.ed, rawPublicKey(c.material.ed, 32)),
  },
  {
    group: 'key confusion',
    name: 'HS256 keyed with Ed25519 PEM',
    config: 'ed-only',
    expect: 'invalid_token',
    token: (c) => hs256WithSecret(c, KID.ed, c.material.ed.publicKey.export({ type: 'spki', format: 'pem' })),
  },
  {
    group: 'key confusion',
    name: 'HS256 keyed with Ed25519 JWK',
    config: 'ed-only',
    expect: 'invalid_token',
    token: (c) => hs256WithSecret(c, KID.ed, publishedJwkText(c.material.ed, KID.ed, 'EdDSA')),
  },
  {
    group: 'key confusion',
    name: 'HS256 without kid, Ed25519 JWK',
    config: 'ed-only',
    expect: 'invalid_token',
    token: (c) => hs256WithSecret(c, undefined, publishedJwkText(c.material.ed, KID.ed, 'EdDSA')),
  },
  {
    group: 'key confusion',
    name: 'HS256 keyed with P-256 point',
    config: 'es-only',
    expect: 'invalid_token',
    token: (c) => hs256WithSecret(c, KID.es, rawPublicKey(c.material.es, 65)),
  },
  {
    group: 'key confusion',
    name: 'HS256 keyed with P-256 PEM',
    config: 'es-only',
    expect: 'invalid_token',
    token: (c) => hs256WithSecret(c, KID.es, c.material.es.publicKey.export({ type: 'spki', format: 'pem' })),
  },
  {
    group: 'key confusion',
    name: 'HS256 without kid, P-256 JWK',
    config: 'es-only',
    expect: 'invalid_token',
    token: (c) => hs256WithSecret(c, undefined, publishedJwkText(c.material.es, KID.es, 'ES256')),
  },
  {
    group: 'key confusion',
    name: 'HS256 on mixed set, EdDSA kid',
    expect: 'invalid_token',
    token: (c) => hs256WithSecret(c, KID.ed, publishedJwkText(c.material.ed, KID.ed, 'EdDSA')),
  },

  // Key selection by kid.
  {
    group: 'key id',
    name: 'unknown kid',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'HS256', typ: 'JWT', kid: 'hs-2' }, validClaims(c), hmacSigner('sha256', c.material.hmacSecret)),
  },
  {
    group: 'key id',
    name: 'kid in other case',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'HS256', typ: 'JWT', kid: KID.hmac.toUpperCase() }, validClaims(c), hmacSigner('sha256', c.material.hmacSecret)),
  },
  {
    group: 'key id',
    name: 'empty kid',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'HS256', typ: 'JWT', kid: '' }, validClaims(c), hmacSigner('sha256', c.material.hmacSecret)),
  },
  {
    group: 'key id',
    name: 'kid as a number',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'HS256', typ: 'JWT', kid: 1 }, validClaims(c), hmacSigner('sha256', c.material.hmacSecret)),
  },
  {
    group: 'key id',
    name: 'missing kid, several keys',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'EdDSA', typ: 'JWT' }, validClaims(c), ed25519Signer(c.material.ed.privateKey)),
  },
  {
    group: 'key id',
    name: 'kid null, several keys',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'HS256', typ: 'JWT', kid: null }, validClaims(c), hmacSigner('sha256', c.material.hmacSecret)),
  },

  // Header parameters: crit is rejected, key-locating parameters are ignored.
  {
    group: 'header',
    name: 'crit naming exp',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c), { crit: ['exp'] }),
  },
  {
    group: 'header',
    name: 'crit naming b64',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c), { b64: false, crit: ['b64'] }),
  },
  {
    group: 'header',
    name: 'crit as empty array',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c), { crit: [] }),
  },
  {
    group: 'header',
    name: 'key URLs signed by our key',
    expect: 'accepted',
    token: (c) => signedBy(c, KID.ed, validClaims(c), {
      jku: `http://127.0.0.1:${c.port}/jwks.json`,
      x5u: `http://127.0.0.1:${c.port}/cert.pem`,
      jwk: c.material.attacker.publicKey.export({ format: 'jwk' }),
      x5c: [randomBytes(64).toString('base64')],
    }),
  },
  {
    group: 'header',
    name: 'embedded jwk of an attacker',
    expect: 'invalid_token',
    token: (c) => compact(
      { alg: 'EdDSA', typ: 'JWT', kid: KID.ed, jwk: c.material.attacker.publicKey.export({ format: 'jwk' }) },
      validClaims(c),
      ed25519Signer(c.material.attacker.privateKey),
    ),
  },
  {
    group: 'header',
    name: 'embedded jwk without kid',
    config: 'ed-only',
    expect: 'invalid_token',
    token: (c) => compact(
      { alg: 'EdDSA', typ: 'JWT', jwk: c.material.attacker.publicKey.export({ format: 'jwk' }) },
      validClaims(c),
      ed25519Signer(c.material.attacker.privateKey),
    ),
  },
  {
    group: 'header',
    name: 'jku and x5u, attacker signed',
    expect: 'invalid_token',
    token: (c) => compact(
      {
        alg: 'EdDSA',
        typ: 'JWT',
        kid: KID.ed,
        jku: `http://127.0.0.1:${c.port}/jwks.json`,
        x5u: `http://127.0.0.1:${c.port}/cert.pem`,
      },
      validClaims(c),
      ed25519Signer(c.material.attacker.privateKey),
    ),
  },
  {
    group: 'header',
    name: 'x5c, attacker signed',
    expect: 'invalid_token',
    token: (c) => compact(
      { alg: 'EdDSA', typ: 'JWT', kid: KID.ed, x5c: [randomBytes(64).toString('base64')] },
      validClaims(c),
      ed25519Signer(c.material.attacker.privateKey),
    ),
  },
  {
    group: 'header',
    name: 'duplicate alg in header',
    expect: 'invalid_token',
    token: (c) => compact(
      `{"alg":"none","alg":"HS256","typ":"JWT","kid":"${KID.hmac}"}`,
      validClaims(c),
      hmacSigner('sha256', c.material.hmacSecret),
    ),
  },
  {
    group: 'header',
    name: 'header is a JSON array',
    expect: 'invalid_token',
    token: (c) => compact('["HS256"]', validClaims(c), hmacSigner('sha256', c.material.hmacSecret)),
  },
  {
    group: 'header',
    name: 'header is not JSON',
    expect: 'invalid_token',
    token: (c) => compact('alg=HS256', validClaims(c), hmacSigner('sha256', c.material.hmacSecret)),
  },
  {
    group: 'header',
    name: 'header without alg',
    expect: 'invalid_token',
    token: (c) => compact({ typ: 'JWT', kid: KID.hmac }, validClaims(c), hmacSigner('sha256', c.material.hmacSecret)),
  },

  // Time claims, with the default leeway of 0.
  {
    group: 'time claims',
    name: 'exp equal to now',
    expect: 'token_expired',
    sameSecond: true,
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { iat: c.now - 60, exp: c.now })),
  },
  {
    group: 'time claims',
    name: 'exp in the past',
    expect: 'token_expired',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { iat: c.now - 1200, exp: c.now - 600 })),
  },
  {
    group: 'time claims',
    name: 'exp of -1',
    expect: 'token_expired',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { iat: undefined, exp: -1 })),
  },
  {
    group: 'time claims',
    name: 'exp missing',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { exp: undefined })),
  },
  {
    group: 'time claims',
    name: 'exp null',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { exp: null })),
  },
  {
    group: 'time claims',
    name: 'exp as a string',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { exp: '9999999999' })),
  },
  {
    group: 'time claims',
    name: 'exp of 1e300',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { exp: 1e300 })),
  },
  {
    group: 'time claims',
    name: 'exp past the timestamp range',
    expect: 'invalid_token',
    // 10^13 seconds is in year 318857, after 262142, the last year chrono 0.4 represents.
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { exp: 10_000_000_000_000 })),
  },
  {
    group: 'time claims',
    name: 'exp as a boolean',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { exp: true })),
  },
  {
    group: 'time claims',
    name: 'duplicate exp claim',
    expect: 'invalid_token',
    token: (c) => compact(
      { alg: 'HS256', typ: 'JWT', kid: KID.hmac },
      `{"sub":"${c.sub}","iss":"${ISSUER}","aud":"${AUDIENCE}","exp":${c.now - 600},"exp":${c.now + 600}}`,
      hmacSigner('sha256', c.material.hmacSecret),
    ),
  },
  {
    group: 'time claims',
    name: 'iat as a string',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { iat: String(c.now) })),
  },
  {
    group: 'time claims',
    name: 'nbf as a string',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { nbf: String(c.now) })),
  },
  {
    group: 'time claims',
    name: 'nbf in the future',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { nbf: c.now + 60 })),
  },
  {
    group: 'time claims',
    name: 'nbf one second ahead',
    expect: 'invalid_token',
    sameSecond: true,
    token: (c) => signedBy(c, KID.hmac, validClaims(c, { nbf: c.now + 1 })),
  },

  // Issuer, audience and subject.
  {
    group: 'claims',
    name: 'iss mismatch',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { iss: 'urn:jwtlib:security-tests:other-issuer' })),
  },
  {
    group: 'claims',
    name: 'iss missing',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { iss: undefined })),
  },
  {
    group: 'claims',
    name: 'iss in other case',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { iss: ISSUER.toUpperCase() })),
  },
  {
    group: 'claims',
    name: 'iss as a number',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { iss: 1 })),
  },
  {
    group: 'claims',
    name: 'aud mismatch',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { aud: 'urn:jwtlib:security-tests:other-api' })),
  },
  {
    group: 'claims',
    name: 'aud missing',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { aud: undefined })),
  },
  {
    group: 'claims',
    name: 'aud array without audience',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { aud: ['urn:other', `${AUDIENCE}/`] })),
  },
  {
    group: 'claims',
    name: 'aud empty array',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { aud: [] })),
  },
  {
    group: 'claims',
    name: 'aud array with a number',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { aud: [AUDIENCE, 1] })),
  },
  {
    group: 'claims',
    name: 'sub missing',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { sub: undefined })),
  },
  {
    group: 'claims',
    name: 'sub as a number',
    expect: 'invalid_token',
    token: (c) => signedBy(c, KID.ed, validClaims(c, { sub: 1 })),
  },
  {
    group: 'claims',
    name: 'duplicate sub claim',
    expect: 'invalid_token',
    token: (c) => compact(
      { alg: 'HS256', typ: 'JWT', kid: KID.hmac },
      `{"sub":"someone-else","sub":"${c.sub}","iss":"${ISSUER}","aud":"${AUDIENCE}","exp":${c.now + 600}}`,
      hmacSigner('sha256', c.material.hmacSecret),
    ),
  },
  {
    group: 'claims',
    name: 'claims are not JSON',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'HS256', typ: 'JWT', kid: KID.hmac }, 'sub=me', hmacSigner('sha256', c.material.hmacSecret)),
  },

  // The compact serialization: three segments of unpadded base64url, nothing else.
  {
    group: 'compact form',
    name: 'padding on the signature',
    expect: 'invalid_token',
    token: (c) => `${validToken(c)}=`,
  },
  {
    group: 'compact form',
    name: 'padding on the claims',
    expect: 'invalid_token',
    token: (c) => {
      const [header, claims, signature] = validToken(c).split('.');
      return `${header}.${claims}==.${signature}`;
    },
  },
  {
    group: 'compact form',
    name: 'plus sign in a segment',
    expect: 'invalid_token',
    token: (c) => {
      const token = validToken(c);
      return replaceAt(token, token.lastIndexOf('.') + 3, '+');
    },
  },
  {
    group: 'compact form',
    name: 'slash in a segment',
    expect: 'invalid_token',
    token: (c) => {
      const token = validToken(c);
      return replaceAt(token, token.lastIndexOf('.') + 3, '/');
    },
  },
  {
    group: 'compact form',
    name: 'leading space',
    expect: 'invalid_token',
    bearer: 'unsendable',
    token: (c) => ` ${validToken(c)}`,
  },
  {
    group: 'compact form',
    name: 'trailing newline',
    expect: 'invalid_token',
    bearer: 'unsendable',
    token: (c) => `${validToken(c)}\n`,
  },
  {
    group: 'compact form',
    name: 'space after a dot',
    expect: 'invalid_token',
    bearer: 'invalid_authorization_header',
    token: (c) => validToken(c).replace('.', '. '),
  },
  {
    group: 'compact form',
    name: 'tab inside a segment',
    expect: 'invalid_token',
    bearer: 'invalid_authorization_header',
    token: (c) => {
      const token = validToken(c);
      return `${token.slice(0, 10)}\t${token.slice(10)}`;
    },
  },
  {
    group: 'compact form',
    name: 'two segments',
    expect: 'invalid_token',
    token: (c) => validToken(c).split('.').slice(0, 2).join('.'),
  },
  {
    group: 'compact form',
    name: 'four segments',
    expect: 'invalid_token',
    token: (c) => `${validToken(c)}.${base64url('extra')}`,
  },
  {
    group: 'compact form',
    name: 'five segments like JWE',
    expect: 'invalid_token',
    token: (c) => {
      const [header, claims, signature] = validToken(c).split('.');
      return [header, claims, signature, claims, signature].join('.');
    },
  },
  {
    group: 'compact form',
    name: 'empty header segment',
    expect: 'invalid_token',
    token: (c) => {
      const [, claims, signature] = validToken(c).split('.');
      return `.${claims}.${signature}`;
    },
  },
  {
    group: 'compact form',
    name: 'empty claims segment',
    expect: 'invalid_token',
    token: (c) => {
      const [header, , signature] = validToken(c).split('.');
      return `${header}..${signature}`;
    },
  },
  {
    group: 'compact form',
    name: 'only dots',
    expect: 'invalid_token',
    token: () => '..',
  },
  {
    group: 'compact form',
    name: 'empty string',
    expect: 'invalid_token',
    bearer: 'unsendable',
    token: () => '',
  },
  {
    group: 'compact form',
    name: 'segment length 1 mod 4',
    expect: 'invalid_token',
    token: (c) => {
      let token = validToken(c);
      while ((token.length - token.lastIndexOf('.') - 1) % 4 !== 1) {
        token += 'A';
      }
      return token;
    },
  },
  {
    group: 'compact form',
    name: 'non-ASCII character',
    expect: 'invalid_token',
    bearer: 'unsendable',
    token: (c) => {
      const token = validToken(c);
      return replaceAt(token, token.lastIndexOf('.') + 3, 'é');
    },
  },
  {
    group: 'compact form',
    name: 'token one byte over the limit',
    expect: 'invalid_token',
    token: (c) => tokenOfLength(c, MAX_TOKEN_LENGTH + 1),
  },

  // Signatures.
  {
    group: 'signature',
    name: 'flipped signature character',
    expect: 'invalid_token',
    token: (c) => flipSignatureCharacter(signedBy(c, KID.ed)),
  },
  {
    group: 'signature',
    name: 'claims changed after signing',
    expect: 'invalid_token',
    token: (c) => replaceClaims(validToken(c), validClaims(c, { exp: c.now + 86_400 })),
  },
  {
    group: 'signature',
    name: 'truncated HMAC signature',
    expect: 'invalid_token',
    token: (c) => {
      const token = validToken(c);
      const signatureStart = token.lastIndexOf('.') + 1;
      const firstHalf = Buffer.from(token.slice(signatureStart), 'base64url').subarray(0, 16);
      return token.slice(0, signatureStart) + firstHalf.toString('base64url');
    },
  },
  {
    group: 'signature',
    name: 'non-canonical signature bits',
    expect: 'invalid_token',
    token: (c) => nonCanonicalSignature(validToken(c)),
  },
  {
    group: 'signature',
    name: 'Ed25519 S plus group order',
    expect: 'invalid_token',
    token: (c) => ed25519SignaturePlusOrder(signedBy(c, KID.ed)),
  },
  {
    group: 'signature',
    name: 'ES256 signature in DER',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'ES256', typ: 'JWT', kid: KID.es }, validClaims(c), es256Signer(c.material.es.privateKey, 'der')),
  },
  {
    group: 'signature',
    name: 'ES256 signature of zeros',
    expect: 'invalid_token',
    token: (c) => compact({ alg: 'ES256', typ: 'JWT', kid: KID.es }, validClaims(c), () => Buffer.alloc(64).toString('base64url')),
  },
];

/** Returns TOKEN_CASES grouped by `group`, in the order of their first case. */
export function casesByGroup() {
  const groups = new Map();
  for (const tokenCase of TOKEN_CASES) {
    if (!groups.has(tokenCase.group)) {
      groups.set(tokenCase.group, []);
    }
    groups.get(tokenCase.group).push(tokenCase);
  }
  return groups;
}
