// SMS code rate limits: one send per number per 60 s, and sms-ip-per-hour per client address.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertProblem, assertStatus, device, e164, nextPhone, show, startServer } from './lib/server.mjs';

const CODES = '/api/v1/auth/sms-codes';

let srv;
before(async () => { srv = await startServer(); });
after(() => srv?.dispose());

function assertRetryAfter(res, max) {
  const body = res.json;
  assert.ok(Number.isInteger(body.retry_after), `retry_after is whole seconds: ${show(res)}`);
  assert.ok(body.retry_after > 0 && body.retry_after <= max, `0 < retry_after ≤ ${max}: ${show(res)}`);
  assert.equal(res.headers['retry-after'], String(body.retry_after), `Retry-After header matches: ${show(res)}`);
}

test('a second code for the same number within 60 s is rate_limited, and the first code still works', async () => {
  const phone = nextPhone();
  const first = await srv.requestCode(phone, 'register');
  const res = await srv.req('POST', CODES, { body: { phone, purpose: 'register' } });
  assertProblem(res, 429, 'rate_limited');
  assertRetryAfter(res, 60);
  assert.equal(srv.codeLines(e164(phone)).length, 1, 'no second SMS');

  // the same number written another way is the same number
  const spaced = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
  assertProblem(await srv.req('POST', CODES, { body: { phone: spaced, purpose: 'register' } }), 429, 'rate_limited');
  // and another purpose does not get around it
  assertProblem(await srv.req('POST', CODES, { body: { phone, purpose: 'login' } }), 429, 'rate_limited');
  assert.equal(srv.codeLines(e164(phone)).length, 1, 'still one SMS');

  const reg = await srv.req('POST', '/api/v1/auth/register', {
    body: { phone, code: first, name: 'Li Lei', policy_version: await srv.policyVersion(), device: device() },
  });
  assertStatus(reg, 201);
});

test('other numbers are not held up by one number’s limit', async () => {
  const a = nextPhone();
  await srv.requestCode(a, 'register');
  assertProblem(await srv.req('POST', CODES, { body: { phone: a, purpose: 'register' } }), 429, 'rate_limited');
  const b = nextPhone();
  assertStatus(await srv.req('POST', CODES, { body: { phone: b, purpose: 'register' } }), 202);
});

test('with ATRIUM_SMS_IP_PER_HOUR=3 the fourth number from one address is rate_limited', async (t) => {
  const small = await startServer(t, { env: { ATRIUM_SMS_IP_PER_HOUR: '3' } });
  for (let i = 0; i < 3; i++) {
    const phone = nextPhone();
    const res = await small.req('POST', CODES, { body: { phone, purpose: 'register' } });
    assertStatus(res, 202);
  }
  const fourth = nextPhone();
  const res = await small.req('POST', CODES, { body: { phone: fourth, purpose: 'register' } });
  assertProblem(res, 429, 'rate_limited');
  assertRetryAfter(res, 3600);
  assert.deepEqual(small.codeLines(e164(fourth)), [], 'no SMS for the fourth number');
  assert.equal(small.readOutbox('sms').length, 3);
});
