// Login timing: an unknown user against a known user with a wrong password, through
// the npm package. Both must cost the same Argon2 work, so the ratio of their median
// times should be 1 within the noise of the machine.
import { Auth, MemoryStore } from 'jwtlib';
import { compareLatency } from './lib/measure.mjs';
import { ARGON2_COST, KEY_ID, PASSWORD, randomSecret } from './lib/fixtures.mjs';
import { progress, runSectionIfMain } from './lib/section.mjs';
import { round } from './lib/stats.mjs';

async function expectInvalidCredentials(promise) {
  try {
    await promise;
  } catch (error) {
    if (error.code === 'invalid_credentials') return;
    throw error;
  }
  throw new Error('a login with bad credentials succeeded');
}

export async function measureLoginTiming({ smoke }) {
  const auth = new Auth(
    { keys: [{ kid: KEY_ID, alg: 'HS256', secret: randomSecret() }], password: ARGON2_COST },
    new MemoryStore(),
  );
  await auth.register({ username: 'alice', email: 'alice@example.com', password: PASSWORD });
  const wrongPassword = { username: 'alice', password: `${PASSWORD}-wrong` };
  const unknownUser = { username: 'nobody', password: `${PASSWORD}-wrong` };

  progress('login timing: unknown user against wrong password');
  const timing = await compareLatency(
    {
      unknownUser: () => expectInvalidCredentials(auth.login(unknownUser)),
      wrongPassword: () => expectInvalidCredentials(auth.login(wrongPassword)),
    },
    smoke ? { rounds: 2, warmup: 0 } : { rounds: 40, warmup: 3 },
  );
  return {
    unknownUser: timing.unknownUser,
    wrongPassword: timing.wrongPassword,
    ratioOfMedians: round(timing.unknownUser.medianMs / timing.wrongPassword.medianMs),
  };
}

await runSectionIfMain(import.meta.url, measureLoginTiming);
