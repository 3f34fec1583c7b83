// Section 1: token signing and verification in Node, jwtlib against jose and
// @tsndr/cloudflare-worker-jwt, interleaved in one process.
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import * as tsndr from '@tsndr/cloudflare-worker-jwt';
import { Auth, MemoryStore } from 'jwtlib';
import { compareThroughput } from './lib/measure.mjs';
import { KEY_ID, randomId, randomSecret, seedUser, userRecord } from './lib/fixtures.mjs';
import { importHmacKey, keyRing, toPublicUser, verifyAccessToken } from './jose-worker/auth.js';
import { progress, runSectionIfMain } from './lib/section.mjs';

const TTL_SECONDS = 1800;

/**
 * Signs like jwtlib's `issueToken`: reads the user record, checks it is active, signs
 * `{sub, jti, iat, exp}` with `kid` and `typ`, and returns a login response.
 */
function joseIssuer(store, alg, key) {
  return async (userId) => {
    const record = JSON.parse(await store.get(`user/id/${userId}`));
    if (!record.is_active) throw new Error('inactive');
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({ sub: record.id, jti: randomId() })
      .setProtectedHeader({ alg, kid: KEY_ID, typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + TTL_SECONDS)
      .sign(key);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: TTL_SECONDS, user: toPublicUser(record) };
  };
}

/** Signs as {@link joseIssuer} does, with @tsndr/cloudflare-worker-jwt's `sign`. */
function tsndrIssuer(store, key) {
  return async (userId) => {
    const record = JSON.parse(await store.get(`user/id/${userId}`));
    if (!record.is_active) throw new Error('inactive');
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await tsndr.sign(
      { sub: record.id, jti: randomId(), iat: now, exp: now + TTL_SECONDS },
      key,
      { algorithm: 'HS256', header: { kid: KEY_ID, typ: 'JWT' } },
    );
    return { access_token: accessToken, token_type: 'Bearer', expires_in: TTL_SECONDS, user: toPublicUser(record) };
  };
}

async function assertVerifies(name, verify, token) {
  const claims = await verify(token);
  const sub = claims?.sub ?? claims?.payload?.sub;
  if (typeof sub !== 'string') throw new Error(`${name} did not verify the benchmark token`);
}

async function measureHs256(store, userId, timing) {
  const secret = randomSecret();
  const auth = new Auth({ keys: [{ kid: KEY_ID, alg: 'HS256', secret }] }, store);
  // jose and tsndr get their fastest input: a CryptoKey imported once.
  const cryptoKey = await importHmacKey(secret);
  const ring = keyRing([{ kid: KEY_ID, alg: 'HS256', key: cryptoKey }]);
  const token = (await auth.issueToken(userId)).access_token;

  const verifiers = {
    jwtlib: () => auth.verifyToken(token),
    jose: () => verifyAccessToken(token, ring),
    tsndr: () => tsndr.verify(token, cryptoKey, { algorithm: 'HS256', throwError: true }),
  };
  for (const [name, verify] of Object.entries(verifiers)) await assertVerifies(name, verify, token);

  const issueWithJose = joseIssuer(store, 'HS256', cryptoKey);
  const issueWithTsndr = tsndrIssuer(store, cryptoKey);
  for (const issue of [issueWithJose, issueWithTsndr]) {
    const issued = (await issue(userId)).access_token;
    await assertVerifies('jwtlib (peer token)', () => auth.verifyToken(issued), issued);
  }

  progress('HS256 sign');
  const sign = await compareThroughput(
    {
      jwtlib: () => auth.issueToken(userId),
      jose: () => issueWithJose(userId),
      tsndr: () => issueWithTsndr(userId),
    },
    timing,
  );
  progress('HS256 verify');
  const verify = await compareThroughput(verifiers, timing);
  auth.free();
  return { sign, verify };
}

async function measureAsymmetric(alg, store, userId, timing) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const auth = new Auth({ keys: [{ kid: KEY_ID, alg, jwk: privateJwk }] }, store);
  const { d: _private, ...publicJwk } = privateJwk;
  const publicKey = await importJWK({ ...publicJwk, alg }, alg);
  const ring = keyRing([{ kid: KEY_ID, alg, key: publicKey }]);
  const token = (await auth.issueToken(userId)).access_token;

  const verifiers = {
    jwtlib: () => auth.verifyToken(token),
    jose: () => verifyAccessToken(token, ring),
  };
  for (const [name, verify] of Object.entries(verifiers)) await assertVerifies(name, verify, token);
  const issueWithJose = joseIssuer(store, alg, privateKey);
  const joseToken = (await issueWithJose(userId)).access_token;
  await assertVerifies('jwtlib (jose token)', () => auth.verifyToken(joseToken), joseToken);

  progress(`${alg} sign`);
  const sign = await compareThroughput(
    { jwtlib: () => auth.issueToken(userId), jose: () => issueWithJose(userId) },
    timing,
  );
  progress(`${alg} verify`);
  const verify = await compareThroughput(verifiers, timing);
  auth.free();
  return { sign, verify };
}

export async function measureTokens({ smoke }) {
  const timing = smoke
    ? { rounds: 1, sampleMs: 20, warmupMs: 10 }
    : { rounds: 7, sampleMs: 250, warmupMs: 200 };
  const store = new MemoryStore();
  const record = userRecord({ username: 'alice', email: 'alice@example.com', passwordHash: 'unused' });
  await seedUser(store, record);

  const hs256 = await measureHs256(store, record.id, timing);
  const eddsa = await measureAsymmetric('EdDSA', store, record.id, timing);
  const es256 = await measureAsymmetric('ES256', store, record.id, timing);
  return {
    description:
      'Operations per second, median of interleaved rounds. Sign rows include one MemoryStore read of the user record for every library, because jwtlib signs only inside issueToken. jose and tsndr use CryptoKeys imported once.',
    timing,
    hs256,
    eddsa,
    es256,
  };
}

await runSectionIfMain(import.meta.url, measureTokens);
