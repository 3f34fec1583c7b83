// A JSON body that repeats a field is rejected: a proxy that reads the first copy and
// this service, which would read the last, must never judge different values.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertContainsNone, assertError, startWorker, uniqueUser } from './helpers.mjs';

let worker;
let user;
let session;

before(async () => {
  worker = await startWorker();
  user = uniqueUser('repeat');
  session = await worker.signUp(user);
});

after(async () => {
  await worker?.dispose();
});

test('login with a repeated password is validation_failed', async () => {
  const body = `{"username":"${user.username}","password":"wrong guess","password":"${user.password}"}`;
  const response = await worker.request('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
  });

  const { text, message } = await assertError(response, 'validation_failed');
  assert.equal(message, 'body: repeats a field');
  assertContainsNone(text, [user.password, 'wrong guess']);
  await worker.assertServing(session);
});

test('register with a repeated username is validation_failed', async () => {
  const other = uniqueUser('repeat');
  const body = `{"username":"${other.username}","username":"admin","email":"${other.email}","password":"${other.password}"}`;
  const response = await worker.request('/auth/register', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
  });

  await assertError(response, 'validation_failed');
  await worker.assertServing(session);
});

/** Sends POST /auth/introspect with a form body. */
function introspectForm(body) {
  return worker.request('/auth/introspect', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
}

test('form introspection with a repeated token is validation_failed', async () => {
  for (const body of [
    `token=garbage&token=${session.access_token}`,
    `token=${session.access_token}&token=garbage`,
    `token=${session.access_token}&token_type_hint=access_token&token_type_hint=refresh_token`,
  ]) {
    const response = await introspectForm(body);

    const { text, message } = await assertError(response, 'validation_failed');
    assert.equal(message, 'body: repeats a field');
    assertContainsNone(text, [session.access_token]);
  }
  await worker.assertServing(session);
});

test('form introspection with invalid UTF-8 is validation_failed', async () => {
  const response = await introspectForm('token=%FF%FE');

  const { message } = await assertError(response, 'validation_failed');
  assert.equal(message, 'body: is not valid UTF-8 form data');
});

test('form introspection decodes plus and percent escapes', async () => {
  const encoded = encodeURIComponent(session.access_token);
  const response = await introspectForm(`token=${encoded}&token_type_hint=access+token`);

  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.active, true);
  assert.equal(body.sub, session.user.id);
});

