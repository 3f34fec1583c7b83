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
